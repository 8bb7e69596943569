package io.switchboard.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.switchboard.testkit.RedisServer;
import io.switchboard.testkit.TestVertx;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link RedisCommands}' lanes: one connection per event loop, living on that loop. */
class RedisCommandsLanesTest {
  private static RedisServer server;
  private static TestVertx vertx;
  private static ContextInternal loopA;
  private static ContextInternal loopB;

  @BeforeAll
  static void start() {
    server = RedisServer.start();
    vertx = TestVertx.create(2);
    VertxInternal v = (VertxInternal) vertx.vertx();
    Iterator<io.netty.util.concurrent.EventExecutor> loops = v.nettyEventLoopGroup().iterator();
    loopA = v.contextBuilder().withEventLoop((io.netty.channel.EventLoop) loops.next()).build();
    loopB = v.contextBuilder().withEventLoop((io.netty.channel.EventLoop) loops.next()).build();
  }

  @AfterAll
  static void stop() {
    try {
      vertx.assertNoBlockedThreads();
    } finally {
      vertx.close();
      server.close();
    }
  }

  private static RedisCommands commands(int poolSize) {
    return new RedisCommands(vertx.vertx(), Redis.createClient(vertx.vertx(), server.url()), false, 2_000, poolSize,
        RedisConfig.DEFAULT_POOL_WAIT_QUEUE);
  }

  /** CLIENT ID of the connection a command sent from {@code on} went out on, and the thread its reply came to. */
  private record Sent(long clientId, Thread replyThread, Thread caller) {}

  private static Future<Sent> clientIdFrom(ContextInternal on, RedisCommands commands) {
    Promise<Sent> sent = Promise.promise();
    on.runOnContext(v -> {
      Thread caller = Thread.currentThread();
      commands.send(Request.cmd(Command.CLIENT).arg("ID"))
          .onSuccess(id -> sent.complete(new Sent(id.toLong(), Thread.currentThread(), caller)))
          .onFailure(sent::fail);
    });
    return sent.future();
  }

  @Test
  void eachEventLoopHasAConnectionOfItsOwnAndGetsItsRepliesOnItsThread() {
    RedisCommands commands = commands(4);
    try {
      List<Sent> fromA = new ArrayList<>();
      List<Sent> fromB = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        fromA.add(TestVertx.await(clientIdFrom(loopA, commands)));
        fromB.add(TestVertx.await(clientIdFrom(loopB, commands)));
      }
      for (int i = 1; i < 3; i++) {
        assertEquals(fromA.get(0).clientId(), fromA.get(i).clientId(), "a loop keeps to its connection");
        assertEquals(fromB.get(0).clientId(), fromB.get(i).clientId(), "a loop keeps to its connection");
      }
      assertNotEquals(fromA.get(0).clientId(), fromB.get(0).clientId(), "two loops, two connections");
      for (Sent s : fromA) {
        assertSame(s.caller(), s.replyThread(), "the reply comes back on the caller's loop");
      }
      assertEquals(2, commands.lanes());
    } finally {
      TestVertx.await(commands.close());
    }
  }

  @Test
  void aLoopsConnectionIsServedWhileAnotherLoopIsBusy() throws Exception {
    // Had loop A's commands gone out on the connection loop B opened first, they would be written
    // and their replies read on B: nothing would come back to A while B is busy.
    RedisCommands commands = commands(4);
    try {
      TestVertx.await(clientIdFrom(loopB, commands));
      TestVertx.await(clientIdFrom(loopA, commands));
      CountDownLatch busy = new CountDownLatch(1);
      AtomicBoolean bDone = new AtomicBoolean();
      loopB.runOnContext(v -> {
        busy.countDown();
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
        while (System.nanoTime() < until) {
          Thread.onSpinWait();
        }
        bDone.set(true);
      });
      busy.await(5, TimeUnit.SECONDS);
      Sent a = TestVertx.await(clientIdFrom(loopA, commands));
      assertFalse(bDone.get(), "loop A's command came back while loop B was busy");
      assertSame(a.caller(), a.replyThread());
    } finally {
      TestVertx.await(commands.close());
    }
  }

  @Test
  void pastThePoolLessOneLoopsShareALane() {
    // A pool of 2 keeps one connection free for the client's own needs: one lane for both loops.
    RedisCommands commands = commands(2);
    try {
      long a = TestVertx.await(clientIdFrom(loopA, commands)).clientId();
      Sent b = TestVertx.await(clientIdFrom(loopB, commands));
      assertEquals(a, b.clientId(), "one connection for both loops");
      assertSame(b.caller(), b.replyThread(), "the reply still comes back on the caller's loop");
      assertEquals(1, commands.lanes());
    } finally {
      TestVertx.await(commands.close());
    }
  }
}
