package io.switchboard.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.signaling.ids.CallId;
import io.switchboard.signaling.ids.NodeId;
import io.switchboard.signaling.ids.SocketId;
import io.switchboard.signaling.ids.SocketRef;
import io.switchboard.signaling.ids.UserId;
import io.switchboard.signaling.store.Call;
import io.switchboard.signaling.store.CallFlavor;
import io.switchboard.signaling.store.CallState;
import io.switchboard.signaling.store.Stores;
import io.switchboard.testkit.TestVertx;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two real clustered Vert.x nodes (Hazelcast on loopback) sharing one state, each reading it
 * through its own {@link NearCaches}: once a change made through one node's stores completed, the
 * other node no longer serves an older copy (the change waited for its confirmation).
 */
class NearCachesClusterTest {
  private static final String CLUSTER = "sb-nearcache-" + UUID.randomUUID();
  /** The shared state (Redis in production; the same store contract). */
  private static final Stores shared = Stores.inMemory();
  private static final List<Vertx> nodes = new ArrayList<>();
  private static final List<NearCaches> caches = new ArrayList<>();
  private static final List<Stores> views = new ArrayList<>();

  @BeforeAll
  static void startCluster() {
    TestVertx.warmUp();
    for (int i = 0; i < 2; i++) {
      Vertx vertx = TestVertx.await(ClusterNode.start(new VertxOptions().setEventLoopPoolSize(1),
          ClusterSettings.loopback().withClusterName(CLUSTER)), 60_000);
      nodes.add(vertx);
      NearCaches c = new NearCaches(vertx, CLUSTER, Duration.ofMinutes(5), 1_000);
      TestVertx.await(c.start());
      caches.add(c);
      views.add(c.wrap(shared));
    }
    await(() -> ClusterNode.members(nodes.get(0)).size() == 2, "both nodes joined");
  }

  @AfterAll
  static void stopCluster() {
    for (int i = 0; i < nodes.size(); i++) {
      TestVertx.await(caches.get(i).stop());
      TestVertx.await(nodes.get(i).close(), 30_000);
    }
  }

  @Test
  void aSocketRegisteredOnOneNodeReachesTheOtherNodesCopy() {
    UserId user = UserId.of("u-" + UUID.randomUUID());
    SocketRef s1 = new SocketRef(SocketId.of("s1-" + UUID.randomUUID()), NodeId.of("n0"));
    SocketRef s2 = new SocketRef(SocketId.of("s2-" + UUID.randomUUID()), NodeId.of("n1"));
    TestVertx.await(views.get(0).presence().register(user, s1));
    assertEquals(List.of(s1), TestVertx.await(views.get(1).presence().socketsToDeliver(user)));
    // Once no invalidation is in flight, a second read is served from node 1's copy.
    await(() -> {
      TestVertx.await(views.get(1).presence().socketsToDeliver(user));
      long hits = caches.get(1).stats().userHits();
      return TestVertx.await(views.get(1).presence().socketsToDeliver(user)).equals(List.of(s1))
          && caches.get(1).stats().userHits() == hits + 1;
    }, "node 1 serves its copy");

    TestVertx.await(views.get(0).presence().register(user, s2));
    // Acknowledged changes are visible on every node at once: the change waited for their confirmation.
    assertEquals(Set.of(s1, s2), Set.copyOf(TestVertx.await(views.get(1).presence().socketsToDeliver(user))),
        "node 1 sees the socket node 0 registered");
    TestVertx.await(views.get(0).presence().removeSocket(s1.id()));
    assertEquals(List.of(s2), TestVertx.await(views.get(1).presence().socketsToDeliver(user)),
        "node 1 drops the socket node 0 removed");
    TestVertx.await(views.get(1).presence().unregister(user, s2.id()));
    assertEquals(List.of(), TestVertx.await(views.get(1).presence().socketsToDeliver(user)),
        "the node that made the change drops its copy at once");
  }

  @Test
  void aConnectedCallEndedOnOneNodeIsGoneFromTheOtherNodesCopy() {
    CallId id = CallId.of("c-" + UUID.randomUUID());
    UserId caller = UserId.of("caller-" + UUID.randomUUID());
    UserId callee = UserId.of("callee-" + UUID.randomUUID());
    SocketRef callerSocket = new SocketRef(SocketId.of("a-" + UUID.randomUUID()), NodeId.of("n0"));
    SocketRef calleeSocket = new SocketRef(SocketId.of("b-" + UUID.randomUUID()), NodeId.of("n1"));
    TestVertx.await(views.get(0).calls().ring(Call.oneToOne(id, CallFlavor.WEBRTC, caller, callerSocket, callee,
        null, 0, NodeId.of("n0"))));
    assertEquals(CallState.RINGING, TestVertx.await(views.get(1).calls().getToRelay(id)).state());
    assertEquals(0, caches.get(1).stats().calls(), "a ringing call is not copied");

    TestVertx.await(views.get(1).calls().connect(id, calleeSocket));
    assertEquals(CallState.CONNECTED, TestVertx.await(views.get(1).calls().getToRelay(id)).state());
    long hits = caches.get(1).stats().callHits();
    assertEquals(CallState.CONNECTED, TestVertx.await(views.get(1).calls().getToRelay(id)).state());
    assertEquals(hits + 1, caches.get(1).stats().callHits(), "node 1 served its copy of the connected call");

    TestVertx.await(views.get(0).calls().end(id));
    assertNull(TestVertx.await(views.get(1).calls().getToRelay(id)), "node 1 forgets the call node 0 ended");
    assertNull(TestVertx.await(views.get(0).calls().getToRelay(id)));
  }

  private static void await(Supplier<Boolean> condition, String what) {
    long deadline = System.currentTimeMillis() + 10_000;
    while (!condition.get()) {
      assertTrue(System.currentTimeMillis() < deadline, "timed out: " + what);
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
  }
}
