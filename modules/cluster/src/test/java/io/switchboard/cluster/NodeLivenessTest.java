package io.switchboard.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.cluster.Member;
import io.switchboard.signaling.ids.NodeId;
import io.switchboard.signaling.ids.SocketId;
import io.switchboard.signaling.ids.SocketRef;
import io.switchboard.signaling.store.NodeLeases;
import io.switchboard.signaling.store.memory.InMemoryNodeLeases;
import io.switchboard.signaling.store.memory.InMemorySocketRegistry;
import io.switchboard.testkit.TestVertx;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.internal.VertxInternal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Three real clustered Vert.x nodes (Hazelcast on loopback, a cluster name of their own) in one
 * JVM, sharing one in-memory socket registry and one set of leases (the shared state's stand-in);
 * one {@link NodeLiveness} each. The tests run in order: the last one kills node 2.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NodeLivenessTest {
  private static final Duration LEASE_TTL = Duration.ofSeconds(3);
  private static final long SCAN_MS = LEASE_TTL.toMillis() / 2;
  private static final ClusterSettings SETTINGS = ClusterSettings.loopback()
      .withLeaseTtl(LEASE_TTL)
      .withClusterName("sb-liveness-" + UUID.randomUUID());

  private static final InMemorySocketRegistry registry = new InMemorySocketRegistry();
  private static final InMemoryNodeLeases shared = new InMemoryNodeLeases();
  private static final List<Vertx> nodes = new ArrayList<>();
  private static final List<NodeId> ids = new ArrayList<>();
  private static final List<PausableLeases> leases = new ArrayList<>();
  private static final List<NodeLiveness> liveness = new ArrayList<>();
  /** The sockets each node's cleanup function was called with, in call order. */
  private static final List<List<SocketRef>> cleanedBy = new ArrayList<>();
  private static final List<AtomicInteger> maxInFlight = new ArrayList<>();
  private static final List<String> blocked = new CopyOnWriteArrayList<>();
  private static final Set<Integer> crashed = new HashSet<>();
  /** Sockets whose next cleanup call fails (once). */
  private static final Set<SocketRef> failOnce = java.util.concurrent.ConcurrentHashMap.newKeySet();

  @BeforeAll
  static void startCluster() {
    TestVertx.warmUp();
    for (int i = 0; i < 3; i++) {
      Vertx vertx = TestVertx.await(ClusterNode.start(new VertxOptions()
          .setEventLoopPoolSize(2)
          .setMaxEventLoopExecuteTime(200).setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS)
          .setBlockedThreadCheckInterval(50).setBlockedThreadCheckIntervalUnit(TimeUnit.MILLISECONDS),
          SETTINGS), 60_000);
      nodes.add(vertx);
      ids.add(ClusterNode.nodeId(vertx));
    }
    awaitTrue(() -> ClusterNode.members(nodes.get(0)).size() == 3, 30_000, "all three nodes joined");
    for (int i = 0; i < 3; i++) {
      int node = i;
      Vertx vertx = nodes.get(i);
      List<SocketRef> cleaned = new CopyOnWriteArrayList<>();
      cleanedBy.add(cleaned);
      AtomicInteger inFlight = new AtomicInteger();
      AtomicInteger max = new AtomicInteger();
      maxInFlight.add(max);
      PausableLeases nodeLeases = new PausableLeases(shared);
      leases.add(nodeLeases);
      // The cleanup function: asynchronous (a timer), like the real one's store round trips.
      NodeLiveness live = new NodeLiveness(vertx, ids.get(i), nodeLeases, registry, ref -> {
        cleaned.add(ref);
        if (failOnce.remove(ref)) {
          return Future.failedFuture("store hiccup");
        }
        max.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        Promise<Void> done = Promise.promise();
        vertx.setTimer(5, t -> {
          inFlight.decrementAndGet();
          done.complete();
        });
        return done.future();
      }, LEASE_TTL);
      TestVertx.await(live.start());
      liveness.add(live);
      ((VertxInternal) vertx).blockedThreadChecker().setThreadBlockedHandler(event -> {
        if (!crashed.contains(node) && event.thread().getName().contains("eventloop")) {
          blocked.add("node " + node + ": " + event.thread().getName() + " blocked for "
              + event.duration() / 1_000_000 + " ms");
        }
      });
    }
    for (NodeId id : ids) {
      assertTrue(TestVertx.await(shared.alive(id)), "lease renewed on start");
    }
  }

  @AfterAll
  static void stopCluster() {
    for (NodeLiveness live : liveness) {
      TestVertx.await(live.stop(), 10_000);
    }
    for (int i = 0; i < nodes.size(); i++) {
      try {
        TestVertx.await(nodes.get(i).close(), 30_000);
      } catch (RuntimeException | AssertionError e) {
        if (!crashed.contains(i)) {
          throw e;
        }
      }
    }
  }

  @AfterEach
  void noBlockedEventLoops() {
    assertTrue(blocked.isEmpty(), () -> "event loop blocked: " + blocked);
  }

  @Test
  @Order(1)
  void membersMapToVertxNodeIdsThroughTheMemberAttribute() {
    for (int i = 0; i < 3; i++) {
      HazelcastMembership membership = HazelcastMembership.of(nodes.get(i));
      Member local = membership.hazelcast().getCluster().getLocalMember();
      // vertx-hazelcast 5.1.1: a random UUID of its own in the member attribute, not the member UUID.
      assertEquals(ids.get(i).value(), local.getAttribute(HazelcastMembership.NODE_ID_ATTRIBUTE));
      assertNotEquals(local.getUuid().toString(), ids.get(i).value(), "node id is not the member UUID");
      assertEquals(ids.get(i), HazelcastMembership.nodeIdOf(local));
      assertEquals(Set.copyOf(ids), membership.members());
      assertEquals(Set.copyOf(ids), Set.copyOf(ClusterNode.members(nodes.get(i))));
    }
  }

  @Test
  @Order(2)
  void aMemberWhoseLeaseLapsedIsNotCleanedUp() {
    NodeId paused = ids.get(1);
    List<SocketRef> sockets = register(paused, "lapsed", 5);
    long renewalFailuresBefore = liveness.get(1).renewalFailures();
    leases.get(1).paused = true; // its shared state "hangs": every call of node 1 fails
    TestVertx.await(shared.renew(paused, Duration.ofMillis(1))); // and its lease lapses
    sleep(2 * SCAN_MS + 500); // two scans by every node
    assertFalse(TestVertx.await(shared.alive(paused)), "the lease did lapse");
    assertTrue(liveness.get(1).renewalFailures() > renewalFailuresBefore, "renewals failed meanwhile");
    for (SocketRef s : sockets) {
      assertTrue(TestVertx.await(registry.contains(s)), "a member's sockets stay: " + s);
    }
    assertTrue(cleanedBy.stream().allMatch(List::isEmpty), () -> "nothing cleaned up: " + cleanedBy);
    assertTrue(TestVertx.await(shared.known()).contains(paused));

    leases.get(1).paused = false; // the shared state is back: the next tick renews
    awaitTrue(() -> TestVertx.await(shared.alive(paused)), LEASE_TTL.toMillis() / 3 + 2_000, "lease renewed again");
    for (SocketRef s : sockets) {
      TestVertx.await(registry.remove(s));
    }
  }

  @Test
  @Order(3)
  void aNodeWhoseLeaseExpiredAndIsNoMemberIsCleanedUpByOneSurvivorWithinAScan() {
    NodeId ghost = NodeId.of("ghost-" + UUID.randomUUID());
    TestVertx.await(shared.renew(ghost, Duration.ofMillis(1)));
    List<SocketRef> sockets = register(ghost, "g", 5);
    long start = System.nanoTime();
    awaitTrue(() -> TestVertx.await(registry.socketsOf(ghost)).isEmpty()
        && !TestVertx.await(shared.known()).contains(ghost), SCAN_MS + 3_000, "ghost cleaned up");
    long ms = (System.nanoTime() - start) / 1_000_000;
    System.out.println("[NodeLivenessTest] expired lease of a non-member cleaned up in " + ms
        + " ms (scan every " + SCAN_MS + " ms)");
    sleep(SCAN_MS + 200); // another scan: nobody cleans it again
    assertCleanedOnceByOneNode(sockets, Set.of(0, 1, 2));
    assertEquals(1, liveness.stream().mapToLong(NodeLiveness::deadNodesCleaned).sum());
    clearCleaned();
  }

  @Test
  @Order(4)
  void aFailedCleanupIsRetriedByALaterScanAndOnlyTheFailedSocketsAgain() {
    NodeId ghost = NodeId.of("ghost-" + UUID.randomUUID());
    TestVertx.await(shared.renew(ghost, Duration.ofMillis(1)));
    List<SocketRef> sockets = register(ghost, "f", 6);
    SocketRef flaky = sockets.get(2);
    failOnce.add(flaky);
    long failuresBefore = liveness.stream().mapToLong(NodeLiveness::cleanupFailures).sum();
    awaitTrue(() -> TestVertx.await(registry.socketsOf(ghost)).isEmpty()
        && !TestVertx.await(shared.known()).contains(ghost), 3 * SCAN_MS + 3_000, "ghost cleaned up after a retry");
    assertEquals(failuresBefore + 1, liveness.stream().mapToLong(NodeLiveness::cleanupFailures).sum());
    Map<SocketRef, Long> calls = new HashMap<>();
    cleanedBy.forEach(list -> list.forEach(ref -> calls.merge(ref, 1L, Long::sum)));
    for (SocketRef s : sockets) {
      assertEquals(s.equals(flaky) ? 2L : 1L, calls.get(s), "cleanup calls for " + s);
    }
    assertEquals(1, cleanedBy.stream().filter(l -> !l.isEmpty()).count(), "the claimant retried its own claim");
    clearCleaned();
  }

  @Test
  @Order(5)
  void aCrashedNodeIsCleanedUpByExactlyOneSurvivorWithinFiveSeconds() {
    NodeId dead = ids.get(2);
    List<SocketRef> sockets = register(dead, "s", 40);
    List<SocketRef> others = new ArrayList<>(register(ids.get(0), "keep0-", 3));
    others.addAll(register(ids.get(1), "keep1-", 3));
    long cleanedBefore = liveness.get(0).deadNodesCleaned() + liveness.get(1).deadNodesCleaned();
    long[] socketsBefore = {liveness.get(0).socketsCleaned(), liveness.get(1).socketsCleaned()};

    // kill -9: its timers die with it, its Hazelcast member vanishes without leaving.
    TestVertx.await(liveness.get(2).stop());
    crashed.add(2);
    long start = System.nanoTime();
    HazelcastMembership.of(nodes.get(2)).hazelcast().getLifecycleService().terminate();
    long terminatedMs = (System.nanoTime() - start) / 1_000_000;

    long[] firstCleanupMs = {-1};
    awaitTrue(() -> {
      if (firstCleanupMs[0] < 0 && !(cleanedBy.get(0).isEmpty() && cleanedBy.get(1).isEmpty())) {
        firstCleanupMs[0] = (System.nanoTime() - start) / 1_000_000;
      }
      return TestVertx.await(registry.socketsOf(dead)).isEmpty() && !TestVertx.await(shared.known()).contains(dead);
    }, 20_000, "the dead node's sockets cleaned up and the node forgotten");
    long ms = (System.nanoTime() - start) / 1_000_000;
    System.out.println("[NodeLivenessTest] crash of node 2 (terminate took " + terminatedMs + " ms): cleanup started after "
        + firstCleanupMs[0] + " ms, " + sockets.size() + " sockets cleaned up and node forgotten after " + ms + " ms");
    assertTrue(ms < 8_000, "cleaned up " + ms + " ms after the crash");

    sleep(SCAN_MS + 500); // a late membership event or a scan must not clean it up again
    assertCleanedOnceByOneNode(sockets, Set.of(0, 1));
    int winner = cleanedBy.get(0).isEmpty() ? 1 : 0;
    assertTrue(maxInFlight.get(winner).get() <= NodeLiveness.DEFAULT_CONCURRENCY,
        "bounded concurrency: " + maxInFlight.get(winner).get());
    assertEquals(sockets.size(), liveness.get(winner).socketsCleaned() - socketsBefore[winner]);
    assertEquals(0, liveness.get(1 - winner).socketsCleaned() - socketsBefore[1 - winner]);
    assertEquals(cleanedBefore + 1, liveness.get(0).deadNodesCleaned() + liveness.get(1).deadNodesCleaned());
    for (SocketRef s : others) {
      assertTrue(TestVertx.await(registry.contains(s)), "survivors' sockets stay: " + s);
    }
    assertTrue(TestVertx.await(shared.alive(ids.get(0))) && TestVertx.await(shared.alive(ids.get(1))));
    TestVertx.await(nodes.get(2).close().otherwiseEmpty(), 30_000);
  }

  @Test
  @Order(0)
  void boundedRunsEverythingWithAtMostTheLimitInFlight() {
    try (TestVertx t = TestVertx.create(1)) {
      // Synchronous actions over a long list: no recursion, no stack overflow.
      List<Integer> many = java.util.stream.IntStream.range(0, 100_000).boxed().toList();
      AtomicInteger ran = new AtomicInteger();
      Bounded.Result r = TestVertx.await(Bounded.forEach(many, 16, () -> true, i -> {
        ran.incrementAndGet();
        return i % 1000 == 0 ? Future.failedFuture("x") : Future.succeededFuture();
      }));
      assertEquals(new Bounded.Result(99_900, 100, 0), r);
      assertEquals(100_000, ran.get());
      // Asynchronous actions on a context: never more than the limit at once; a stop ends it early.
      AtomicInteger inFlight = new AtomicInteger();
      AtomicInteger max = new AtomicInteger();
      Promise<Bounded.Result> done = Promise.promise();
      t.vertx().runOnContext(v -> Bounded.<Integer>forEach(java.util.stream.IntStream.range(0, 200).boxed().toList(), 16,
          () -> true, i -> {
            max.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            return t.vertx().timer(1).andThen(x -> inFlight.decrementAndGet());
          }).onComplete(done));
      assertEquals(new Bounded.Result(200, 0, 0), TestVertx.await(done.future()));
      assertEquals(16, max.get());
      AtomicInteger started = new AtomicInteger();
      Bounded.Result stopped = TestVertx.await(Bounded.forEach(List.of(1, 2, 3, 4, 5), 2,
          () -> started.get() < 3, i -> {
            started.incrementAndGet();
            return Future.succeededFuture();
          }));
      assertEquals(new Bounded.Result(3, 0, 2), stopped);
      t.assertNoBlockedThreads();
    }
  }

  // ---- helpers ----

  private static List<SocketRef> register(NodeId node, String prefix, int n) {
    List<SocketRef> refs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      SocketRef ref = new SocketRef(SocketId.of(prefix + i), node);
      TestVertx.await(registry.add(ref));
      refs.add(ref);
    }
    return refs;
  }

  private static void assertCleanedOnceByOneNode(List<SocketRef> sockets, Set<Integer> candidates) {
    Map<SocketRef, Integer> calls = new HashMap<>();
    Set<Integer> cleaners = new HashSet<>();
    for (int i = 0; i < cleanedBy.size(); i++) {
      for (SocketRef ref : cleanedBy.get(i)) {
        if (sockets.contains(ref)) {
          calls.merge(ref, 1, Integer::sum);
          cleaners.add(i);
        }
      }
    }
    for (SocketRef s : sockets) {
      assertEquals(1, calls.getOrDefault(s, 0), "cleanup calls for " + s);
      assertFalse(TestVertx.await(registry.contains(s)), "no longer registered: " + s);
    }
    assertEquals(1, cleaners.size(), () -> "exactly one survivor cleaned up: " + cleaners);
    assertTrue(candidates.containsAll(cleaners), () -> "cleaned up by a survivor: " + cleaners);
  }

  private static void clearCleaned() {
    cleanedBy.forEach(List::clear);
  }

  private static void awaitTrue(BooleanSupplier condition, long timeoutMs, String what) {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (!condition.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("not within " + timeoutMs + " ms: " + what);
      }
      sleep(10);
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** One node's view of the shared leases; while paused every call fails, as when the shared state hangs. */
  private static final class PausableLeases implements NodeLeases {
    private final NodeLeases delegate;
    volatile boolean paused;

    PausableLeases(NodeLeases delegate) {
      this.delegate = delegate;
    }

    private <T> Future<T> down() {
      return Future.failedFuture("shared state unavailable");
    }

    @Override
    public Future<Void> renew(NodeId node, Duration ttl) {
      return paused ? down() : delegate.renew(node, ttl);
    }

    @Override
    public Future<Set<NodeId>> known() {
      return paused ? down() : delegate.known();
    }

    @Override
    public Future<Boolean> alive(NodeId node) {
      return paused ? down() : delegate.alive(node);
    }

    @Override
    public Future<Boolean> claimCleanup(NodeId dead, NodeId claimant, Duration ttl) {
      return paused ? down() : delegate.claimCleanup(dead, claimant, ttl);
    }

    @Override
    public Future<Void> forget(NodeId node) {
      return paused ? down() : delegate.forget(node);
    }
  }
}
