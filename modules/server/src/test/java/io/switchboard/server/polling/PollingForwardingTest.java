package io.switchboard.server.polling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.socket.client.IO;
import io.socket.client.Socket;
import io.switchboard.cluster.ClusterNode;
import io.switchboard.cluster.ClusterSettings;
import io.switchboard.server.Backend;
import io.switchboard.server.ServerConfig;
import io.switchboard.server.SwitchboardNode;
import io.switchboard.testkit.RedisServer;
import io.switchboard.testkit.TestVertx;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Polling without sticky sessions: two real clustered nodes on one Redis. A session opened on one
 * node is used through the other (raw Engine.IO steps), and a client polls through a proxy that
 * sends each request to the next node in turn, as an ingress without session affinity does.
 */
class PollingForwardingTest {
  private static RedisServer redis;
  private static final List<Vertx> vertxes = new ArrayList<>();
  private static final List<SwitchboardNode> nodes = new ArrayList<>();
  private static Vertx clientVertx;
  private static HttpClient http;
  private static HttpServer proxy;
  private static final AtomicInteger[] proxied = {new AtomicInteger(), new AtomicInteger()};

  @BeforeAll
  static void startCluster() {
    TestVertx.warmUp();
    redis = RedisServer.start();
    String cluster = "poll-" + UUID.randomUUID();
    for (int i = 0; i < 2; i++) {
      ServerConfig config = ServerConfig.fromEnv(Map.of("PORT", "0", "SWITCHBOARD_HOST", "127.0.0.1",
          "REDIS_URL", redis.url(), "SWITCHBOARD_REDIS_PREFIX", cluster + ":", "SWITCHBOARD_CLUSTER_NAME", cluster,
          "SWITCHBOARD_MEETINGS_AUTO_CREATE", "true", "SWITCHBOARD_EVENT_LOOPS", "1"));
      Vertx vertx = TestVertx.await(ClusterNode.start(new VertxOptions().setEventLoopPoolSize(1),
          ClusterSettings.loopback().withClusterName(cluster)), 60_000);
      vertxes.add(vertx);
      Backend backend = TestVertx.await(Backend.redis(vertx, config.redis(), ClusterNode.nodeId(vertx)));
      nodes.add(TestVertx.await(SwitchboardNode.start(vertx, config, backend), 30_000));
    }
    long deadline = System.currentTimeMillis() + 30_000;
    while (ClusterNode.members(vertxes.get(0)).size() < 2 && System.currentTimeMillis() < deadline) {
      sleep(50);
    }
    clientVertx = Vertx.vertx();
    http = clientVertx.createHttpClient();
    // A proxy without affinity: request i goes to node i % 2.
    AtomicInteger next = new AtomicInteger();
    proxy = TestVertx.await(clientVertx.createHttpServer().requestHandler(req -> {
      int target = next.getAndIncrement() % 2;
      proxied[target].incrementAndGet();
      req.body().compose(body -> http.request(new RequestOptions().setMethod(req.method()).setHost("127.0.0.1")
              .setPort(nodes.get(target).port()).setURI(req.uri()))
          .compose(out -> out.send(body)))
          .onSuccess(res -> res.body().onSuccess(b -> {
            req.response().setStatusCode(res.statusCode());
            res.headers().forEach(h -> req.response().headers().add(h.getKey(), h.getValue()));
            req.response().end(b);
          }))
          .onFailure(e -> req.response().setStatusCode(502).end());
    }).listen(0, "127.0.0.1"));
  }

  @AfterAll
  static void stop() {
    for (SwitchboardNode n : nodes) {
      TestVertx.await(n.stop(), 30_000);
    }
    for (Vertx v : vertxes) {
      TestVertx.await(v.close(), 30_000);
    }
    if (clientVertx != null) {
      TestVertx.await(clientVertx.close());
    }
    if (redis != null) {
      redis.close();
    }
  }

  private static String[] request(HttpMethod method, int node, String query, String body) {
    return TestVertx.await(http.request(method, nodes.get(node).port(), "127.0.0.1", "/socket.io/?EIO=4&transport=polling" + query)
        .compose(req -> body == null ? req.send() : req.send(Buffer.buffer(body)))
        .compose(res -> res.body().map(b -> new String[] {String.valueOf(res.statusCode()), b.toString()})), 20_000);
  }

  @Test
  void aSessionOpenedOnOneNodeIsServedThroughTheOther() throws Exception {
    String open = request(HttpMethod.GET, 0, "", null)[1];
    String sid = new JSONObject(open.substring(1)).getString("sid");
    // CONNECT to "/" through node 1: forwarded to node 0, which holds the session.
    assertEquals("200|ok", String.join("|", request(HttpMethod.POST, 1, "&sid=" + sid, "40")));
    String[] connected = request(HttpMethod.GET, 1, "&sid=" + sid, null);
    assertEquals("200", connected[0]);
    assertTrue(connected[1].startsWith("40{\"sid\":"), connected[1]);
    // An event with an ack, sent through node 1, answered on the GET through node 0.
    assertEquals("ok", request(HttpMethod.POST, 1, "&sid=" + sid,
        "421[\"join-meeting\",{\"meetingId\":\"fw\",\"userId\":\"u1\",\"userName\":\"A\"}]")[1]);
    String answer = request(HttpMethod.GET, 0, "&sid=" + sid, null)[1];
    assertTrue(answer.contains("meeting-joined") || answer.contains("431["), answer);
    // A session id no node holds: 400 from either node.
    assertEquals("400", request(HttpMethod.GET, 1, "&sid=" + sid.substring(0, 8) + "x".repeat(20), null)[0]);
  }

  @Test
  void aSessionGoneWithItsNodeIsUnknownEverywhere() {
    String[] r = request(HttpMethod.GET, 1, "&sid=nonexistentnonexistent12345", null);
    assertEquals("400", r[0]);
    assertTrue(r[1].contains("\"code\":1"), r[1]);
  }

  @Test
  void theJavaClientPollsThroughAProxyWithoutAffinity() throws Exception {
    int before0 = proxied[0].get();
    int before1 = proxied[1].get();
    IO.Options options = IO.Options.builder().setTransports(new String[] {"polling"}).setReconnection(false).build();
    Socket client = IO.socket("http://127.0.0.1:" + proxy.actualPort(), options);
    CompletableFuture<Object[]> joined = new CompletableFuture<>();
    CompletableFuture<Object> ack = new CompletableFuture<>();
    client.on("meeting-joined", joined::complete);
    client.on(Socket.EVENT_CONNECT, a -> client.emit("join-meeting",
        new Object[] {new JSONObject(Map.of("meetingId", "px", "userId", "u9", "userName", "Proxied"))},
        args -> ack.complete(args[0])));
    client.connect();
    try {
      JSONObject reply = (JSONObject) ack.get(20, TimeUnit.SECONDS);
      assertTrue(reply.getBoolean("ok"), reply.toString());
      JSONObject meeting = (JSONObject) joined.get(20, TimeUnit.SECONDS)[0];
      assertEquals("px", meeting.getJSONObject("meeting").getString("id"));
      assertNotEquals(0, proxied[0].get() - before0, "requests reached node 0");
      assertNotEquals(0, proxied[1].get() - before1, "requests reached node 1");
    } finally {
      client.close();
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
