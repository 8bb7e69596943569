package io.switchboard.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.testkit.RedisServer;
import io.switchboard.testkit.TestVertx;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A burst larger than a connection's queue waits in the lane instead of failing, and a command
 * that waited past its deadline is never sent.
 */
class RedisCommandsAdmissionTest {
  private static RedisServer server;
  private static TestVertx vertx;

  @BeforeAll
  static void start() {
    server = RedisServer.start();
    vertx = TestVertx.create();
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

  /** Commands over a client that refuses a 17th command in flight on a connection. */
  private static RedisCommands withQueueOf16() {
    Redis redis = Redis.createClient(vertx.vertx(), new RedisOptions().setConnectionString(server.url())
        .setMaxWaitingHandlers(16).setMaxPoolSize(4));
    return new RedisCommands(vertx.vertx(), redis, false, 5_000, 4, 16);
  }

  private static Future<List<Boolean>> outcomes(List<Future<?>> all) {
    List<Future<Boolean>> each = new ArrayList<>();
    for (Future<?> f : all) {
      each.add(f.transform(ar -> Future.succeededFuture(ar.succeeded())));
    }
    return Future.all(each).map(c -> c.<Boolean>list());
  }

  @Test
  void aBurstTenTimesTheConnectionsQueueIsServedInFull() {
    // 160 sent at once, ten times what a connection holds in flight.
    RedisCommands commands = withQueueOf16();
    String key = "burst:" + UUID.randomUUID();
    try {
      List<Future<?>> all = new ArrayList<>();
      for (int i = 0; i < 160; i++) {
        all.add(commands.send(Request.cmd(Command.INCR).arg(key)));
      }
      List<Boolean> ok = TestVertx.await(outcomes(all));
      assertEquals(160, ok.stream().filter(b -> b).count(), "every command of the burst succeeded");
      assertEquals("160", TestVertx.await(commands.send(Request.cmd(Command.GET).arg(key))).toString());
      assertTrue(commands.reachable(), "a burst is not an outage");
    } finally {
      TestVertx.await(commands.close());
    }
  }

  @Test
  void pastWhatMayWaitCommandsFailAtOnceAndTheRestAreServed() {
    // 16 in flight and 16 x 16 waiting at most: of 2000 sent at once from one thread, the first
    // 272 are served; the others fail without waiting and without reaching Redis.
    RedisCommands commands = withQueueOf16();
    String key = "flood:" + UUID.randomUUID();
    try {
      TestVertx.await(commands.ping());
      List<Future<?>> all = new ArrayList<>();
      for (int i = 0; i < 2000; i++) {
        all.add(commands.send(Request.cmd(Command.INCR).arg(key)));
      }
      List<Boolean> ok = TestVertx.await(outcomes(all));
      long served = ok.stream().filter(b -> b).count();
      assertTrue(served >= 16 + 16 * RedisCommands.PARKED_PER_CAPACITY && served < 2000, served + " served");
      assertTrue(ok.subList(0, 272).stream().allMatch(b -> b), "the first ones in are served");
      assertEquals(String.valueOf(served), TestVertx.await(commands.send(Request.cmd(Command.GET).arg(key))).toString(),
          "exactly the served ones ran");
    } finally {
      TestVertx.await(commands.close());
    }
  }

  @Test
  void aCommandStillWaitingAtItsDeadlineIsRefusedAndNeverStarted() {
    long[] now = {0};
    RedisCommands.Admission lane = new RedisCommands.Admission(2, 3, () -> now[0]);
    List<String> log = new ArrayList<>();
    java.util.function.Function<String, java.util.function.Consumer<Throwable>> start =
        name -> refusal -> log.add(name + (refusal == null ? " sent" : " refused: " + refusal.getMessage()));
    lane.admit(2, 100, start.apply("a"));
    lane.admit(1, 100, start.apply("b"));
    lane.admit(1, 300, start.apply("c"));
    lane.admit(1, 300, start.apply("d"));
    lane.admit(1, 300, start.apply("e"));
    assertEquals(List.of("a sent"), log.subList(0, 1), "2 in flight fill the lane; b, c, d wait");
    assertTrue(log.get(1).startsWith("e refused: Redis waiting queue is full"), log.toString());
    assertEquals(2, lane.inFlight());
    assertEquals(3, lane.waiting());
    now[0] = 200;
    lane.release(2);
    assertEquals("b refused: deadline passed while waiting for room on the connection: not sent", log.get(2),
        "its caller has been told it failed: it must not run later");
    assertEquals(List.of("c sent", "d sent"), log.subList(3, 5), "the others go in order, as room allows");
    assertEquals(2, lane.inFlight());
    assertEquals(0, lane.waiting());
    lane.release(1);
    lane.release(1);
    assertEquals(0, lane.inFlight());
    lane.admit(5, 400, start.apply("big"));
    assertEquals("big sent", log.get(5), "a command larger than the lane goes alone when nothing is in flight");
  }

}
