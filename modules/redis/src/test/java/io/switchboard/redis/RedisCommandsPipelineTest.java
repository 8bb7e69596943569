package io.switchboard.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.redis.RedisScripts.Script;
import io.switchboard.testkit.RedisServer;
import io.switchboard.testkit.TestVertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link RedisCommands#sendThenEval}: one pipelined round trip, and when it goes again. */
class RedisCommandsPipelineTest {
  private static RedisServer server;
  private static TestVertx vertx;
  private static RedisCommands commands;

  @BeforeAll
  static void start() {
    server = RedisServer.start();
    vertx = TestVertx.create();
    commands = new RedisCommands(vertx.vertx(), Redis.createClient(vertx.vertx(), server.url()), false, 2_000, 4,
        RedisConfig.DEFAULT_POOL_WAIT_QUEUE);
  }

  @AfterAll
  static void stop() {
    try {
      TestVertx.await(commands.close());
      vertx.assertNoBlockedThreads();
    } finally {
      vertx.close();
      server.close();
    }
  }

  private static Throwable failure(io.vertx.core.Future<?> f) {
    Throwable e = TestVertx.await(f.transform(ar -> io.vertx.core.Future.succeededFuture(ar.cause())));
    assertTrue(e != null, "expected a failure");
    return e;
  }

  private static String key() {
    return "pipe:" + UUID.randomUUID();
  }

  private static Script script(String body) {
    // A unique comment: a script this Redis has never seen.
    return Script.of("test", 2, "-- " + UUID.randomUUID() + "\n" + body);
  }

  @Test
  void theScriptSeesTheFirstCommandAndAnUnknownScriptIsLoaded() {
    String a = key();
    String b = key();
    Script s = script("return redis.call('GET', KEYS[1])");
    Response r = TestVertx.await(commands.sendThenEval(Request.cmd(Command.SET).arg(a).arg("first"), s, List.of(a, b)));
    assertEquals("first", r.toString());
  }

  @Test
  void aScriptThatFailsIsNotRunAgain() {
    String counter = key();
    String other = key();
    Script s = script("redis.call('INCR', KEYS[1]) return redis.error_reply('boom')");
    TestVertx.await(commands.loadScripts(List.of(s)));
    Throwable e = failure(commands.sendThenEval(Request.cmd(Command.SET).arg(other).arg("x"), s,
        List.of(counter, other)));
    assertInstanceOf(RedisCommands.RedisReplyException.class, e);
    assertTrue(e.getMessage().contains("boom"), e.getMessage());
    // Redis keeps a failed script's writes: running it again would count twice.
    assertEquals("1", TestVertx.await(commands.send(Request.cmd(Command.GET).arg(counter))).toString());
  }

  @Test
  void aFailingFirstCommandFailsWithoutRunningTheScriptTwice() {
    String list = key();
    String counter = key();
    TestVertx.await(commands.send(Request.cmd(Command.RPUSH).arg(list).arg("x")));
    Script s = script("return redis.call('INCR', KEYS[1])");
    TestVertx.await(commands.loadScripts(List.of(s)));
    // HSET on a list: WRONGTYPE.
    Throwable e = failure(commands.sendThenEval(Request.cmd(Command.HSET).arg(list).arg("f").arg("v"), s,
        List.of(counter, list)));
    assertTrue(e.getMessage().contains("WRONGTYPE"), e.getMessage());
    assertEquals("1", TestVertx.await(commands.send(Request.cmd(Command.GET).arg(counter))).toString());
  }
}
