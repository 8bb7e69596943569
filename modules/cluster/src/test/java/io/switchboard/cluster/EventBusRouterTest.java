package io.switchboard.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.signaling.ids.NodeId;
import io.switchboard.signaling.ids.SocketId;
import io.switchboard.signaling.ids.SocketRef;
import io.switchboard.testkit.TestVertx;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Three real clustered Vert.x nodes (Hazelcast on loopback) in one JVM, one router each. */
class EventBusRouterTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** A cluster of this run's own: concurrent test runs on one machine do not join each other. */
  private static final String CLUSTER = "sb-router-" + java.util.UUID.randomUUID();
  private static final List<Vertx> nodes = new ArrayList<>();
  private static final List<EventBusRouter> routers = new ArrayList<>();
  private static final List<List<String>> received = new ArrayList<>();

  @BeforeAll
  static void startCluster() {
    TestVertx.warmUp();
    for (int i = 0; i < 3; i++) {
      Vertx vertx = TestVertx.await(ClusterNode.start(new VertxOptions().setEventLoopPoolSize(1),
          ClusterSettings.loopback().withClusterName(CLUSTER)), 60_000);
      nodes.add(vertx);
      List<String> inbox = new CopyOnWriteArrayList<>();
      received.add(inbox);
      NodeId id = ClusterNode.nodeId(vertx);
      EventBusRouter router = new EventBusRouter(vertx, id, (sockets, event, payload) -> {
        for (SocketId s : sockets) {
          inbox.add(s.value() + " " + event + " " + payload);
        }
        return sockets.size();
      });
      TestVertx.await(router.start());
      routers.add(router);
    }
    long deadline = System.currentTimeMillis() + 30_000;
    while (ClusterNode.members(nodes.get(0)).size() < 3 && System.currentTimeMillis() < deadline) {
      sleep(50);
    }
    assertEquals(3, ClusterNode.members(nodes.get(0)).size(), "all three nodes joined");
  }

  @AfterAll
  static void stopCluster() {
    for (Vertx v : nodes) {
      TestVertx.await(v.close(), 30_000);
    }
  }

  @org.junit.jupiter.api.BeforeEach
  void emptyInboxes() {
    received.forEach(List::clear);
  }

  @Test
  void oneMessagePerTargetNodeWhateverTheNumberOfSockets() throws Exception {
    NodeId n0 = routers.get(0).self();
    NodeId n1 = routers.get(1).self();
    NodeId n2 = routers.get(2).self();
    List<SocketRef> targets = List.of(
        new SocketRef(SocketId.of("a"), n0),
        new SocketRef(SocketId.of("b"), n1), new SocketRef(SocketId.of("c"), n1), new SocketRef(SocketId.of("d"), n1),
        new SocketRef(SocketId.of("e"), n2));
    JsonNode payload = JSON.readTree("{\"roomId\":\"r1\",\"n\":1}");
    long before = sent(0, "offer");
    TestVertx.await(routers.get(0).deliver(targets, "offer", payload));

    awaitSize(received.get(0), 1);
    awaitSize(received.get(1), 3);
    awaitSize(received.get(2), 1);
    assertEquals("a offer {\"roomId\":\"r1\",\"n\":1}", received.get(0).get(0));
    assertTrue(received.get(1).containsAll(List.of("b offer {\"roomId\":\"r1\",\"n\":1}",
        "c offer {\"roomId\":\"r1\",\"n\":1}", "d offer {\"roomId\":\"r1\",\"n\":1}")));
    assertEquals("e offer {\"roomId\":\"r1\",\"n\":1}", received.get(2).get(0));
    assertEquals(2, sent(0, "offer") - before, "two remote target nodes: two inter-node messages");
  }

  @Test
  void ordersArePreservedPerTarget() {
    NodeId n1 = routers.get(1).self();
    for (int i = 0; i < 200; i++) {
      routers.get(2).deliver(List.of(new SocketRef(SocketId.of("x"), n1)), "ice-candidate",
          JSON.valueToTree(Map.of("seq", i)));
    }
    awaitSize(received.get(1), 200);
    for (int i = 0; i < 200; i++) {
      assertEquals("x ice-candidate {\"seq\":" + i + "}", received.get(1).get(i));
    }
  }

  private static long sent(int node, String event) {
    return routers.get(node).stats().sentByEvent().getOrDefault(event, 0L);
  }

  private static void awaitSize(List<String> list, int size) {
    long deadline = System.currentTimeMillis() + 10_000;
    while (list.size() < size && System.currentTimeMillis() < deadline) {
      sleep(10);
    }
    assertEquals(size, list.size(), () -> "received " + list);
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
