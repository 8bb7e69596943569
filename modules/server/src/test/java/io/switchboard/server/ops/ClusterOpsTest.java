package io.switchboard.server.ops;

import static io.switchboard.server.api.SioTestClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.cluster.ClusterNode;
import io.switchboard.cluster.ClusterSettings;
import io.switchboard.server.Backend;
import io.switchboard.server.ServerConfig;
import io.switchboard.server.SwitchboardNode;
import io.switchboard.server.api.SioTestClient;
import io.switchboard.testkit.RedisServer;
import io.switchboard.testkit.TestVertx;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Health and metrics of two clustered nodes sharing a Redis of the test's own: inter-node message
 * and Redis counters moved by real clients, readiness turning 503 while Redis is frozen or stopped
 * (and back without a restart), and during a drain; every metric the Grafana dashboard and the
 * README name is exported.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterOpsTest {
  private static RedisServer redis;
  private static final List<Vertx> vertxes = new ArrayList<>();
  private static final List<SwitchboardNode> nodes = new ArrayList<>();

  @BeforeAll
  static void startCluster() {
    TestVertx.warmUp();
    redis = RedisServer.start();
    String cluster = "ops-" + UUID.randomUUID();
    for (int i = 0; i < 2; i++) {
      ServerConfig config = ServerConfig.fromEnv(Map.of("PORT", "0", "SWITCHBOARD_HOST", "127.0.0.1",
          "REDIS_URL", redis.url(), "SWITCHBOARD_REDIS_PREFIX", cluster + ":", "SWITCHBOARD_CLUSTER_NAME", cluster,
          "SWITCHBOARD_REDIS_TIMEOUT_MS", "1000", "SWITCHBOARD_MEETINGS_AUTO_CREATE", "true",
          "SWITCHBOARD_EVENT_LOOPS", "1", "SWITCHBOARD_BCRYPT_COST", "4"));
      Vertx vertx = TestVertx.await(ClusterNode.start(new VertxOptions().setEventLoopPoolSize(1),
          ClusterSettings.loopback().withClusterName(cluster)), 60_000);
      vertxes.add(vertx);
      Backend backend = TestVertx.await(Backend.redis(vertx, config.redis(), ClusterNode.nodeId(vertx)));
      nodes.add(TestVertx.await(SwitchboardNode.start(vertx, config, backend), 30_000));
    }
    awaitTrue(() -> ClusterNode.members(vertxes.get(0)).size() == 2 && ClusterNode.members(vertxes.get(1)).size() == 2,
        30_000, "the two nodes form a cluster");
  }

  @AfterAll
  static void stopCluster() {
    for (SwitchboardNode n : nodes) {
      try {
        TestVertx.await(n.stop(), 15_000);
      } catch (RuntimeException | AssertionError e) {
        System.out.println("[ClusterOpsTest] node stop: " + e);
      }
    }
    for (Vertx v : vertxes) {
      try {
        TestVertx.await(v.close(), 15_000);
      } catch (RuntimeException | AssertionError e) {
        System.out.println("[ClusterOpsTest] Vert.x close: " + e);
      }
    }
    if (redis != null) {
      redis.close();
    }
  }

  @Test
  @Order(1)
  void interNodeAndRedisCountersMoveWithRealClients() {
    SwitchboardNode a = nodes.get(0);
    SwitchboardNode b = nodes.get(1);
    Prometheus aBefore = Prometheus.scrape(a.port());
    Prometheus bBefore = Prometheus.scrape(b.port());
    assertEquals(2, aBefore.value("switchboard_cluster_size"));
    assertEquals(2, bBefore.value("switchboard_cluster_size"));
    try (SioTestClient alice = SioTestClient.connect(a.port());
        SioTestClient bob = SioTestClient.connect(b.port(), o -> o.transports = new String[] {"polling"})) {
      assertTrue(alice.request("join-meeting", json("meetingId", "ops-m1", "userId", "u1", "userName", "Alice"))
          .optBoolean("ok"));
      assertTrue(bob.request("join-meeting", json("meetingId", "ops-m1", "userId", "u2", "userName", "Bob"))
          .optBoolean("ok"));
      alice.await("participant-joined");
      assertTrue(bob.request("offer", json("meetingId", "ops-m1", "offer", json("type", "offer", "sdp", "v=0")))
          .optBoolean("ok"));
      JSONObject offer = alice.awaitObject("offer");
      assertEquals("ops-m1", offer.optString("roomId"));

      Prometheus aAfter = Prometheus.scrape(a.port());
      Prometheus bAfter = Prometheus.scrape(b.port());
      assertTrue(bAfter.value("switchboard_cluster_messages_sent_total", "event", "offer")
          - bBefore.value("switchboard_cluster_messages_sent_total", "event", "offer") >= 1, bAfter.text());
      assertTrue(aAfter.value("switchboard_cluster_messages_received_total", "event", "offer")
          - aBefore.value("switchboard_cluster_messages_received_total", "event", "offer") >= 1);
      assertTrue(aAfter.value("switchboard_cluster_messages_received_total", "event", "participant-joined") >= 1);
      assertTrue(aAfter.value("switchboard_events_out_total", "event", "offer") >= 1,
          "the node holding the target socket counts the event written to it");
      // Redis: every round trip timed by command or script; none failed.
      assertTrue(bAfter.value("switchboard_redis_command_duration_seconds_count")
          > bBefore.value("switchboard_redis_command_duration_seconds_count"));
      assertTrue(bAfter.labelValues("switchboard_redis_command_duration_seconds_count", "command").stream()
          .anyMatch(c -> c.startsWith("script:")), bAfter.labelValues("switchboard_redis_command_duration_seconds_count", "command").toString());
      assertEquals(0, bAfter.value("switchboard_redis_command_failures_total"));
      assertTrue(aAfter.has("switchboard_cluster_dead_nodes_cleaned_total"));
      assertTrue(aAfter.has("switchboard_cluster_lease_renewals_total"));
    }
  }

  @Test
  @Order(2)
  void readinessFollowsRedisFrozenThenStoppedAndComesBackWithoutARestart() {
    for (SwitchboardNode n : nodes) {
      assertEquals(200, Prometheus.get(n.port(), "/health/ready").statusCode());
    }
    double failuresBefore = Prometheus.scrape(nodes.get(0).port())
        .value("switchboard_redis_command_failures_total", "reason", "unavailable");
    redis.freeze();
    try {
      for (SwitchboardNode n : nodes) {
        HttpResponse<String> ready = Prometheus.get(n.port(), "/health/ready");
        assertEquals(503, ready.statusCode(), "a frozen Redis: not ready (the probe's 1 s deadline)");
        assertEquals(200, Prometheus.get(n.port(), "/health/live").statusCode(), "still alive");
      }
    } finally {
      redis.thaw();
    }
    awaitReady(200);
    assertTrue(Prometheus.scrape(nodes.get(0).port()).value("switchboard_redis_command_failures_total", "reason",
        "unavailable") > failuresBefore, "the missed deadlines are counted");

    redis.stop();
    try {
      awaitReady(503);
    } finally {
      redis.restart();
    }
    awaitReady(200);
  }

  @Test
  @Order(3)
  void everyMetricTheDashboardAndTheReadmeNameIsExported() throws Exception {
    // Micrometer registers jvm_gc_pause_seconds at the first collection after the node bound its
    // metrics; a quiet test JVM may not have collected since. Collect once and wait for the
    // (asynchronous) GC notification to reach the registry.
    System.gc();
    awaitTrue(() -> Prometheus.scrape(nodes.get(0).port()).names().contains("jvm_gc_pause_seconds_count"), 10_000,
        "a collection shows up as jvm_gc_pause_seconds");
    Prometheus p = Prometheus.scrape(nodes.get(0).port());
    Set<String> exported = p.names();
    JsonNode dashboard = new ObjectMapper().readTree(Repo.read("deploy/grafana/switchboard.json"));
    Set<String> queried = new TreeSet<>();
    Pattern metric = Pattern.compile("\\b((?:switchboard|jvm|process|system)_[a-z0-9_]+)\\b");
    for (JsonNode expr : dashboard.findValues("expr")) {
      Matcher m = metric.matcher(expr.asText());
      while (m.find()) {
        queried.add(m.group(1));
      }
    }
    assertTrue(queried.size() >= 15, "the dashboard queries the node's metrics: " + queried);
    Set<String> missing = new TreeSet<>(queried);
    missing.removeAll(exported);
    assertTrue(missing.isEmpty(), "the dashboard queries metrics no node exports: " + missing + "; exported: " + exported);

    // The README's Observability section: every switchboard_* name it lists exists.
    String readme = Repo.read("README.md");
    int start = readme.indexOf("## Observability");
    assertTrue(start >= 0, "README has an Observability section");
    int end = readme.indexOf("\n## ", start + 5);
    String section = readme.substring(start, end < 0 ? readme.length() : end);
    Matcher m = Pattern.compile("`(switchboard_[a-z0-9_]+)").matcher(section);
    Set<String> documented = new TreeSet<>();
    while (m.find()) {
      documented.add(m.group(1));
    }
    Set<String> undocumented = new TreeSet<>();
    for (String name : documented) {
      if (!exported.contains(name) && !exported.contains(name + "_bucket") && !exported.contains(name + "_total")) {
        undocumented.add(name);
      }
    }
    assertTrue(documented.size() >= 10, "the README lists the metrics: " + documented);
    assertTrue(undocumented.isEmpty(), "the README names metrics no node exports: " + undocumented);
    Set<String> ours = new TreeSet<>();
    for (String name : exported) {
      if (name.startsWith("switchboard_")) {
        ours.add(name.replaceAll("_(bucket|count|sum|max)$", ""));
      }
    }
    Set<String> unlisted = new TreeSet<>();
    for (String name : ours) {
      if (!documented.contains(name) && !documented.contains(name.replaceAll("_total$", ""))) {
        unlisted.add(name);
      }
    }
    assertTrue(unlisted.isEmpty(), "metrics the README's Observability section does not list: " + unlisted);
  }

  @Test
  @Order(4)
  void aDrainingNodeIsNotReadyWhileTheOtherStaysReady() {
    SwitchboardNode a = nodes.get(0);
    SwitchboardNode b = nodes.get(1);
    TestVertx.await(b.drain(java.time.Duration.ofSeconds(5)), 15_000);
    HttpResponse<String> ready = Prometheus.get(b.port(), "/health/ready");
    assertEquals(503, ready.statusCode());
    assertTrue(ready.body().contains("draining"), ready.body());
    assertEquals(1, Prometheus.scrape(b.port()).value("switchboard_draining"));
    assertEquals(200, Prometheus.get(a.port(), "/health/ready").statusCode());
    // The drained node leaves the cluster: the other sees a cluster of one.
    TestVertx.await(vertxes.get(1).close(), 15_000);
    awaitTrue(() -> Prometheus.scrape(a.port()).value("switchboard_cluster_size") == 1, 15_000,
        "the cluster size falls to 1");
    assertEquals(200, Prometheus.get(a.port(), "/health/ready").statusCode());
  }

  private static void awaitReady(int status) {
    for (SwitchboardNode n : nodes) {
      awaitTrue(() -> Prometheus.get(n.port(), "/health/ready").statusCode() == status, 10_000,
          "node on port " + n.port() + " answers " + status + " on /health/ready");
    }
  }

  private static void awaitTrue(BooleanSupplier condition, long ms, String what) {
    long deadline = System.currentTimeMillis() + ms;
    while (!condition.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("timed out: " + what);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
