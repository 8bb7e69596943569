package io.switchboard.server.ops;

import static io.switchboard.server.api.SioTestClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.server.ServerConfig;
import io.switchboard.server.SwitchboardNode;
import io.switchboard.server.api.SioTestClient;
import io.switchboard.server.api.TestNodes;
import io.switchboard.testkit.TestVertx;
import io.vertx.core.Vertx;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Set;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code /metrics} and {@code /health/*} of a running single node, moved by real Socket.IO clients
 * (the official Java client over WebSocket and over polling). Ends with the drain.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NodeMetricsTest {
  private static TestVertx tv;
  private static SwitchboardNode node;

  @BeforeAll
  static void start() {
    warmUp();
    tv = TestVertx.create(2);
    node = TestNodes.start(tv, "SWITCHBOARD_MEETINGS_AUTO_CREATE", "true", "SWITCHBOARD_HOST", "127.0.0.1");
  }

  /**
   * The same traffic once on a throwaway node, so that the node under test does not load the
   * classes of a first join, relay, refusal, scrape and drain on its event loops (the test asserts
   * that none is blocked, and this class may be the first to run in the JVM).
   */
  private static void warmUp() {
    Vertx vertx = Vertx.vertx();
    try {
      TestNodes.warmUp();
      SwitchboardNode warm = TestVertx.await(SwitchboardNode.start(vertx, ServerConfig.fromEnv(Map.of("PORT", "0",
          "SWITCHBOARD_HOST", "127.0.0.1", "SWITCHBOARD_EVENT_LOOPS", "1", "SWITCHBOARD_MEETINGS_AUTO_CREATE", "true",
          "SWITCHBOARD_BCRYPT_COST", "4"))));
      try (SioTestClient a = SioTestClient.connect(warm.port());
          SioTestClient b = SioTestClient.connect(warm.port(), o -> o.transports = new String[] {"polling"})) {
        a.request("join-meeting", json("meetingId", "warm", "userId", "w1", "userName", "W1"));
        b.request("join-meeting", json("meetingId", "warm", "userId", "w2", "userName", "W2"));
        b.request("offer", json("meetingId", "warm", "offer", json("type", "offer", "sdp", "v=0")));
        b.request("join-meeting", json("meetingId", ""));
        b.request("made-up", json());
        Prometheus.scrape(warm.port());
        Prometheus.get(warm.port(), "/health/ready");
      }
      TestVertx.await(warm.drain(java.time.Duration.ofSeconds(5)));
    } finally {
      TestVertx.await(vertx.close());
    }
  }

  @AfterAll
  static void stop() {
    try {
      TestVertx.await(node.stop());
      tv.assertNoBlockedThreads();
    } finally {
      tv.close();
    }
  }

  @Test
  @Order(1)
  void exportsTheJvmAndTheNodesMetersInPrometheusText() {
    Prometheus p = Prometheus.scrape(node.port());
    for (String name : Set.of("jvm_memory_used_bytes", "jvm_gc_memory_allocated_bytes_total", "jvm_threads_live_threads",
        "jvm_classes_loaded_classes", "process_cpu_usage", "system_cpu_count", "process_uptime_seconds",
        "process_files_open_files", "switchboard_info", "switchboard_sockets_connected", "switchboard_draining",
        "switchboard_cluster_size", "switchboard_events_in_total", "switchboard_errors_total",
        "switchboard_join_duration_seconds_bucket", "switchboard_relay_duration_seconds_bucket",
        "switchboard_socket_connects_total", "switchboard_redis_command_failures_total")) {
      assertTrue(p.names().contains(name), name + " is exported; got " + p.names());
    }
    assertEquals(1, p.value("switchboard_cluster_size"), "a single node is a cluster of one");
    assertEquals(0, p.value("switchboard_draining"));
    assertTrue(p.has("switchboard_info", "node", node.backend().node().value()), "the node id is a label of switchboard_info");
    // Every contract event and every error code is there from the start, at 0.
    assertTrue(p.has("switchboard_events_in_total", "event", "join-meeting"));
    assertTrue(p.has("switchboard_errors_total", "code", "room_full"));
    assertTrue(p.has("switchboard_join_duration_seconds_bucket", "outcome", "ok", "le", "0.005"),
        "the join histogram has fixed buckets");
  }

  @Test
  @Order(2)
  void healthAnswersLiveAndReady() {
    HttpResponse<String> live = Prometheus.get(node.port(), "/health/live");
    assertEquals(200, live.statusCode());
    HttpResponse<String> ready = Prometheus.get(node.port(), "/health/ready");
    assertEquals(200, ready.statusCode(), ready.body());
    assertTrue(ready.body().contains("UP"));
  }

  @Test
  @Order(3)
  void realClientsMoveTheCounters() {
    Prometheus before = Prometheus.scrape(node.port());
    try (SioTestClient alice = SioTestClient.connect(node.port());
        SioTestClient bob = SioTestClient.connect(node.port(), o -> o.transports = new String[] {"polling"})) {
      Prometheus connected = Prometheus.scrape(node.port());
      assertEquals(1, connected.value("switchboard_sockets_connected", "transport", "websocket"), connected.text());
      assertEquals(1, connected.value("switchboard_sockets_connected", "transport", "polling"));
      assertEquals(2, connected.value("switchboard_socket_connects_total")
          - before.value("switchboard_socket_connects_total"));

      JSONObject ack = alice.request("join-meeting", json("meetingId", "metrics-m1", "userId", "u1", "userName", "Alice"));
      assertTrue(ack.optBoolean("ok"), ack.toString());
      alice.await("meeting-joined");
      assertTrue(bob.request("join-meeting", json("meetingId", "metrics-m1", "userId", "u2", "userName", "Bob"))
          .optBoolean("ok"));
      bob.await("meeting-joined");
      alice.await("participant-joined");
      assertTrue(bob.request("offer", json("meetingId", "metrics-m1", "offer", json("type", "offer", "sdp", "v=0")))
          .optBoolean("ok"));
      alice.await("offer");
      // A refusal: bad_request, an error event out.
      JSONObject refused = bob.request("join-meeting", json("meetingId", ""));
      assertEquals("bad_request", refused.optString("code"));
      bob.await("error");
      // Made-up event names all count as "other".
      for (int i = 0; i < 20; i++) {
        bob.request("made-up-" + i, json("x", i));
      }

      Prometheus after = Prometheus.scrape(node.port());
      assertEquals(3, delta(before, after, "switchboard_events_in_total", "event", "join-meeting"));
      assertEquals(1, delta(before, after, "switchboard_events_in_total", "event", "offer"));
      assertEquals(20, delta(before, after, "switchboard_events_in_total", "event", "other"));
      assertFalse(after.labelValues("switchboard_events_in_total", "event").stream().anyMatch(e -> e.startsWith("made-up")),
          "client-chosen names never become label values");
      assertEquals(2, delta(before, after, "switchboard_events_out_total", "event", "meeting-joined"));
      assertEquals(1, delta(before, after, "switchboard_events_out_total", "event", "participant-joined"));
      assertEquals(1, delta(before, after, "switchboard_events_out_total", "event", "offer"));
      assertEquals(1, delta(before, after, "switchboard_events_out_total", "event", "error"));
      assertEquals(1, delta(before, after, "switchboard_errors_total", "code", "bad_request"));
      assertEquals(20, delta(before, after, "switchboard_errors_total", "code", "unknown_event"));
      assertEquals(2, delta(before, after, "switchboard_join_duration_seconds_count", "outcome", "ok"));
      assertEquals(1, delta(before, after, "switchboard_join_duration_seconds_count", "outcome", "error"));
      assertEquals(1, delta(before, after, "switchboard_relay_duration_seconds_count", "event", "offer", "outcome", "ok"));
      assertTrue(after.value("switchboard_join_duration_seconds_sum") > before.value("switchboard_join_duration_seconds_sum"));
    }
    // Disconnects are counted by reason, and the gauges fall back.
    long deadline = System.currentTimeMillis() + 5_000;
    Prometheus gone;
    do {
      gone = Prometheus.scrape(node.port());
    } while (gone.value("switchboard_sockets_connected") > 0 && System.currentTimeMillis() < deadline);
    assertEquals(0, gone.value("switchboard_sockets_connected"), gone.text());
    assertTrue(gone.value("switchboard_socket_disconnects_total") >= 2);
  }

  @Test
  @Order(4)
  void drainTurnsReadinessOffAndTheDrainingGaugeOn() {
    try (SioTestClient carol = SioTestClient.connect(node.port())) {
      TestVertx.await(node.drain(java.time.Duration.ofSeconds(5)));
      HttpResponse<String> ready = Prometheus.get(node.port(), "/health/ready");
      assertEquals(503, ready.statusCode());
      assertTrue(ready.body().contains("draining"), ready.body());
      assertEquals(200, Prometheus.get(node.port(), "/health/live").statusCode(), "a draining node is alive");
      Prometheus p = Prometheus.scrape(node.port());
      assertEquals(1, p.value("switchboard_draining"));
      assertEquals(0, p.value("switchboard_sockets_connected"), "the drain closed every connection");
      assertTrue(p.value("switchboard_socket_disconnects_total", "reason", "transport close")
          + p.value("switchboard_socket_disconnects_total", "reason", "server shutting down") >= 1, p.text());
    }
  }

  @Test
  @Order(5)
  void refusedHandshakesAreCountedByReason() {
    try (TestVertx jwtVertx = TestVertx.create(1)) {
      SwitchboardNode jwt = TestNodes.start(jwtVertx, "SWITCHBOARD_JWT_SECRET", "0123456789abcdef0123456789abcdef",
          "SWITCHBOARD_HOST", "127.0.0.1");
      try {
        JSONObject error = SioTestClient.connectError(jwt.port(), o -> { });
        assertEquals("Unauthorized", error.optString("message"));
        Prometheus p = Prometheus.scrape(jwt.port());
        assertEquals(1, p.value("switchboard_handshakes_refused_total", "reason", "token_missing"), p.text());
        assertEquals(0, p.value("switchboard_socket_connects_total"));
      } finally {
        TestVertx.await(jwt.stop());
      }
      jwtVertx.assertNoBlockedThreads();
    }
  }

  private static double delta(Prometheus before, Prometheus after, String name, String... labels) {
    return after.value(name, labels) - before.value(name, labels);
  }
}
