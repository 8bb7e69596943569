package io.switchboard.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.switchboard.signaling.ErrorCode;
import io.switchboard.signaling.SignalingException;
import io.switchboard.signaling.ids.CallId;
import io.switchboard.signaling.ids.GroupId;
import io.switchboard.signaling.ids.MeetingId;
import io.switchboard.signaling.ids.NodeId;
import io.switchboard.signaling.ids.ParticipantId;
import io.switchboard.signaling.ids.RoomId;
import io.switchboard.signaling.ids.SocketId;
import io.switchboard.signaling.ids.SocketRef;
import io.switchboard.signaling.ids.UserId;
import io.switchboard.signaling.store.Call;
import io.switchboard.signaling.store.CallFlavor;
import io.switchboard.signaling.store.MediaState;
import io.switchboard.signaling.store.Meeting;
import io.switchboard.signaling.store.MeetingStatus;
import io.switchboard.signaling.store.Participant;
import io.switchboard.signaling.store.RoomMember;
import io.switchboard.signaling.store.Stores;
import io.switchboard.testkit.RedisServer;
import io.switchboard.testkit.TestVertx;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Redis going away under the stores: frozen (SIGSTOP: connections stay open, nothing answers) and
 * stopped then restarted. Every operation fails {@code unavailable} within the command deadline,
 * the same stores work again once Redis is back, and no event loop is ever blocked.
 */
class RedisOutageTest {
  private static final long DEADLINE_MS = 1000;
  /** Scheduling slack on a loaded 2-core machine. */
  private static final long SLACK_MS = 750;
  private static final NodeId NODE = NodeId.of("node-1");
  private static final MeetingId M1 = MeetingId.of("m1");

  private final AtomicInteger ids = new AtomicInteger();
  private RedisServer server;
  private TestVertx vertx;
  private RedisStores redis;
  private Stores stores;

  @BeforeEach
  void start() {
    server = RedisServer.start();
    vertx = TestVertx.create();
    redis = TestVertx.await(RedisStores.open(vertx.vertx(),
        RedisConfig.standalone(server.url()).withCommandTimeout(Duration.ofMillis(DEADLINE_MS))));
    stores = redis.stores();
  }

  @AfterEach
  void stop() {
    try {
      if (redis != null) {
        TestVertx.await(redis.close());
      }
      vertx.assertNoBlockedThreads();
    } finally {
      vertx.close();
      server.close();
    }
  }

  @Test
  void aFrozenRedisFailsEveryOperationWithinTheDeadlineAndTheSameStoresWorkWhenItResumes() {
    Participant first = seed();
    server.freeze();
    try {
      long worst = assertAllUnavailable(everyKindOfOperation());
      long burst = assertAllUnavailable(manyJoins(300));
      System.out.printf("frozen Redis: every kind of operation failed 'unavailable' after at most %d ms, a burst of"
          + " 300 joins after at most %d ms (deadline %d ms)%n", worst, burst, DEADLINE_MS);
      assertFalse(redis.reachable());
    } finally {
      server.thaw();
    }
    long recovered = untilItWorks(() -> stores.meetings().get(M1));
    System.out.printf("frozen Redis resumed: the same stores answered %d ms later%n", recovered);
    assertTrue(redis.reachable());
    assertEquals(first, TestVertx.await(stores.meetings().participant(M1, first.socket().id())),
        "the state from before the freeze is intact");
    worksAgain();
  }

  @Test
  void aStoppedRedisFailsFastAndTheSameStoresWorkWhenItIsBack() {
    seed();
    server.stop();
    long worst = assertAllUnavailable(everyKindOfOperation());
    System.out.printf("stopped Redis: every kind of operation failed 'unavailable' after at most %d ms%n", worst);
    assertFalse(redis.reachable());
    long restartedAt = System.nanoTime();
    server.restart();
    long recovered = untilItWorks(() -> stores.meetings().get(M1));
    System.out.printf("restarted Redis (empty, scripts not loaded): the same stores answered %d ms after the"
        + " restart (%d ms after it answered PING)%n", (System.nanoTime() - restartedAt) / 1_000_000, recovered);
    // The restarted Redis is empty and knows no script: EVALSHA falls back to EVAL.
    assertEquals(null, TestVertx.await(stores.meetings().get(M1)));
    seed();
    worksAgain();
  }

  /**
   * Redis restarts while the node sends nothing: the connections the commands are pipelined on
   * are closed under them. The first commands afterwards, from any thread, must go out on new
   * connections rather than fail 'unavailable'.
   */
  @Test
  void aRedisRestartedWhileTheNodeIsIdleFailsNoLaterCommand() {
    seed();
    for (int i = 0; i < 4; i++) {
      // Every lane (they are picked by thread) has a connection.
      TestVertx.await(vertx.vertx().executeBlocking(() -> TestVertx.await(stores.meetings().get(M1))));
    }
    server.stop();
    server.restart();
    sleep(200);
    List<io.vertx.core.Future<?>> first = new java.util.ArrayList<>();
    first.add(stores.meetings().get(M1));
    for (int i = 0; i < 4; i++) {
      first.add(vertx.vertx().executeBlocking(() -> TestVertx.await(stores.presence().sockets(UserId.of("nobody")))));
    }
    for (io.vertx.core.Future<?> f : first) {
      TestVertx.await(f);
    }
    assertTrue(redis.reachable());
    seed();
    worksAgain();
  }

  @Test
  void readinessFollowsRedis() {
    TestVertx.await(redis.ping());
    server.freeze();
    try {
      long t0 = System.nanoTime();
      SignalingException e = unavailable(redis.ping());
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertTrue(ms < DEADLINE_MS + SLACK_MS, "ping failed after " + ms + " ms: " + e.getMessage());
      assertFalse(redis.reachable());
    } finally {
      server.thaw();
    }
    untilItWorks(() -> redis.ping());
    assertTrue(redis.reachable());
  }

  @Test
  void openingTheStoresWhileRedisIsDownFailsWithinTheDeadline() {
    server.stop();
    long t0 = System.nanoTime();
    try {
      TestVertx.await(RedisStores.open(vertx.vertx(),
          RedisConfig.standalone(server.url()).withCommandTimeout(Duration.ofMillis(DEADLINE_MS))));
      fail("opened the stores of a stopped Redis");
    } catch (IllegalStateException e) {
      assertTrue(e.getMessage().contains(server.url()), e.getMessage());
    }
    assertTrue((System.nanoTime() - t0) / 1_000_000 < DEADLINE_MS + SLACK_MS);
  }

  // ---- scenario --------------------------------------------------------------------------------

  private Participant seed() {
    TestVertx.await(stores.meetings().create(new Meeting(M1, "M", MeetingStatus.LIVE, UserId.of("alice"), 1000,
        null, 1L)));
    Participant p = participant("s-first", "alice");
    TestVertx.await(stores.meetings().join(M1, p));
    TestVertx.await(stores.presence().register(UserId.of("alice"), p.socket()));
    return p;
  }

  private Participant participant(String socket, String user) {
    int n = ids.incrementAndGet();
    return new Participant(ParticipantId.of("p" + n), M1, new SocketRef(SocketId.of(socket), NODE), UserId.of(user),
        user, MediaState.INITIAL, n);
  }

  /** One of each kind: reads, scripts, index bookkeeping, batches, on every store. */
  private List<Supplier<Future<?>>> everyKindOfOperation() {
    SocketRef s = new SocketRef(SocketId.of("s-" + ids.incrementAndGet()), NODE);
    UserId bob = UserId.of("bob");
    Call call = Call.oneToOne(CallId.of("c-" + ids.incrementAndGet()), CallFlavor.WEBRTC, UserId.of("alice"), s, bob,
        null, 1L, NODE);
    List<Supplier<Future<?>>> ops = new ArrayList<>();
    ops.add(() -> stores.meetings().get(M1));
    ops.add(() -> stores.meetings().join(M1, participant(s.id().value(), "carol")));
    ops.add(() -> stores.meetings().participants(M1));
    ops.add(() -> stores.meetings().end(MeetingId.of("other")));
    ops.add(() -> stores.meetings().removeSocket(s.id()));
    ops.add(() -> stores.rooms().join(RoomId.of("r1"), new RoomMember(s, "x", 1L), 8));
    ops.add(() -> stores.rooms().members(RoomId.of("r1")));
    ops.add(() -> stores.presence().register(bob, s));
    ops.add(() -> stores.presence().sockets(UserId.of("alice")));
    ops.add(() -> stores.presence().removeSocket(s.id()));
    ops.add(() -> stores.groups().setMembers(GroupId.of("g1"), Set.of(bob, UserId.of("alice"))));
    ops.add(() -> stores.groups().groupsOf(bob));
    ops.add(() -> stores.calls().ring(call));
    ops.add(() -> stores.calls().connect(call.id(), s));
    ops.add(() -> stores.calls().isBusy(bob));
    ops.add(() -> stores.calls().callsOf(bob));
    return ops;
  }

  private List<Supplier<Future<?>>> manyJoins(int n) {
    List<Supplier<Future<?>>> ops = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Participant p = participant("burst-" + i, "u" + i);
      ops.add(() -> stores.meetings().join(M1, p));
    }
    return ops;
  }

  /** Starts every operation at once; each must fail 'unavailable' within the deadline. Returns the slowest, in ms. */
  private static long assertAllUnavailable(List<Supplier<Future<?>>> ops) {
    long t0 = System.nanoTime();
    List<Future<?>> started = new ArrayList<>();
    for (Supplier<Future<?>> op : ops) {
      started.add(op.get());
    }
    long worst = 0;
    for (int i = 0; i < started.size(); i++) {
      SignalingException e = unavailable(started.get(i));
      assertEquals("Service unavailable, try again", e.getMessage());
      long ms = (System.nanoTime() - t0) / 1_000_000;
      worst = Math.max(worst, ms);
      assertTrue(ms < DEADLINE_MS + SLACK_MS, "operation " + i + " failed only after " + ms + " ms");
    }
    return worst;
  }

  private static SignalingException unavailable(Future<?> f) {
    try {
      f.toCompletionStage().toCompletableFuture().get(DEADLINE_MS + SLACK_MS + 5000, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof SignalingException se && se.code() == ErrorCode.UNAVAILABLE) {
        return se;
      }
      throw new AssertionError("expected 'unavailable', got " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    } catch (TimeoutException e) {
      throw new AssertionError("the operation hung past its deadline");
    }
    throw new AssertionError("the operation succeeded while Redis was down");
  }

  /** Retries {@code op} every 10 ms until it succeeds; returns how long that took, in ms. */
  private static long untilItWorks(Supplier<Future<?>> op) {
    long t0 = System.nanoTime();
    long deadline = t0 + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      try {
        op.get().toCompletionStage().toCompletableFuture().get(DEADLINE_MS + SLACK_MS, TimeUnit.MILLISECONDS);
        return (System.nanoTime() - t0) / 1_000_000;
      } catch (ExecutionException | TimeoutException e) {
        sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
    throw new AssertionError("the stores did not recover within 10 s");
  }

  /** The stores serve every kind of operation again. */
  private void worksAgain() {
    Participant late = participant("s-late", "dave");
    assertNotNull(TestVertx.await(stores.meetings().join(M1, late)));
    assertEquals(late, TestVertx.await(stores.meetings().leave(M1, late.socket().id())).removed());
    assertEquals(null, TestVertx.await(stores.presence().register(UserId.of("dave"), late.socket())));
    assertEquals(List.of(late.socket()), TestVertx.await(stores.presence().sockets(UserId.of("dave"))));
    Call call = Call.oneToOne(CallId.of("after"), CallFlavor.WEBRTC, UserId.of("dave"), late.socket(),
        UserId.of("erin"), null, 1L, NODE);
    assertEquals(call, TestVertx.await(stores.calls().ring(call)));
    assertNotNull(TestVertx.await(stores.calls().connect(call.id(), late.socket())));
    assertTrue(TestVertx.await(stores.calls().isBusy(UserId.of("erin"))));
    assertEquals(List.of(), TestVertx.await(stores.meetings().removeSocket(late.socket().id())));
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
