package io.switchboard.server.cluster;

import static io.switchboard.server.cluster.Peer.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.server.e2e.JsScenarios;
import io.switchboard.testkit.NodeJs;
import io.switchboard.testkit.RedisServer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.json.JSONArray;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Faults with real processes: four nodes, each a JVM of its own ({@link NodeProcess}, the real
 * {@code Main} with its SIGTERM hook), clustered over Hazelcast on loopback and sharing one Redis
 * of the test's own. In order: Redis hangs and then restarts under traffic (all nodes), node 3
 * hangs (SIGSTOP), node 2 is killed with {@code kill -9}, node 1 drains on SIGTERM (node 0
 * watches). Every wait is
 * bounded; the measured times are printed ({@code [cluster-fault] ...}).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ClusterFaultTest {
  private static final String PREFIX = "sbf:";
  /**
   * Deadline of every Redis command in the nodes: requests during an outage fail this fast. (Not
   * much less: a node that starts on a loaded machine must load its scripts within it.)
   */
  private static final int REDIS_TIMEOUT_MS = 1_000;
  /**
   * An answer during an outage is "fast" when it comes within this: the deadline, once more for a
   * request queued behind another of the same socket (events of a socket run one at a time), and
   * slack for two loaded cores.
   */
  private static final long FAST_MS = 3 * REDIS_TIMEOUT_MS;
  /** The bound: no ghost outlives a killed node by more than this. */
  private static final long GHOST_BOUND_MS = 5_000;
  /**
   * A hung node is silent, not gone: declared dead 5 s after its last heartbeat (which came up to
   * 1 s before the hang, and is checked every second), then cleaned up.
   */
  private static final long HUNG_BOUND_MS = 7_500;

  private static final int SIZE = 4;
  private static RedisServer redis;
  private static final List<NodeProcess> nodes = new ArrayList<>();
  private final List<Peer> peers = new ArrayList<>();

  @BeforeAll
  static void startCluster() throws Exception {
    long t0 = System.nanoTime();
    redis = RedisServer.start();
    Path logs = buildDir().resolve("cluster-fault-logs");
    String clusterName = "sb-fault-" + UUID.randomUUID();
    for (int i = 0; i < SIZE; i++) {
      Map<String, String> env = new HashMap<>();
      env.put("PORT", "0");
      env.put("SWITCHBOARD_HOST", "127.0.0.1");
      env.put("SWITCHBOARD_EVENT_LOOPS", "2");
      env.put("SWITCHBOARD_BCRYPT_COST", "4");
      env.put("SWITCHBOARD_MEETINGS_AUTO_CREATE", "true");
      env.put("REDIS_URL", redis.url());
      env.put("SWITCHBOARD_REDIS_PREFIX", PREFIX);
      env.put("SWITCHBOARD_REDIS_TIMEOUT_MS", String.valueOf(REDIS_TIMEOUT_MS));
      env.put("SWITCHBOARD_CLUSTER_HOST", "127.0.0.1");
      env.put("SWITCHBOARD_CLUSTER_NAME", clusterName);
      env.put("SWITCHBOARD_DRAIN_TIMEOUT_MS", "5000");
      nodes.add(NodeProcess.start("node-" + i, env, logs));
      if (i == 0) {
        // The first node alone, then the others together: they join its cluster. (Members that
        // start at the same instant may each found a cluster of their own, merged only later.)
        nodes.get(0).awaitListening(120_000);
      }
    }
    for (NodeProcess n : nodes) {
      n.awaitListening(120_000);
      n.awaitReady(200, 30_000);
    }
    awaitClusterFormed();
    System.out.println("[cluster-fault] " + SIZE + " node processes " + nodes + " ready and clustered in "
        + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) + " ms; logs in " + logs);
  }

  /** Waits until a relay crosses between every pair of nodes (one cluster). */
  private static void awaitClusterFormed() {
    long deadline = System.currentTimeMillis() + 45_000;
    AssertionError last = null;
    while (System.currentTimeMillis() < deadline) {
      String room = "probe-" + UUID.randomUUID();
      List<Peer> probe = new ArrayList<>();
      try {
        for (NodeProcess n : nodes) {
          Peer p = Peer.connect("probe-" + n.name(), n.port());
          probe.add(p);
          p.ok("join-room", json("roomId", room, "userName", n.name()));
        }
        for (Peer from : probe) {
          from.ok("ice-candidate", json("roomId", room, "candidate", json("candidate", "c", "sdpMid", "0")));
          for (Peer to : probe) {
            if (to != from) {
              to.take("ice-candidate", o -> from.id().equals(o.optString("fromUserId")), 1_000);
            }
          }
        }
        return;
      } catch (AssertionError e) {
        last = e;
      } finally {
        probe.forEach(Peer::close);
      }
    }
    throw new AssertionError("the " + SIZE + " nodes did not form one cluster within 45 s", last);
  }

  @AfterAll
  static void stopCluster() {
    for (NodeProcess n : nodes) {
      n.close();
    }
    if (redis != null) {
      redis.close();
    }
  }

  @AfterEach
  void closePeers() {
    peers.forEach(Peer::close);
    peers.clear();
  }

  private Peer peer(String name, NodeProcess node) {
    Peer p = Peer.connect(name, node.port());
    peers.add(p);
    return p;
  }

  // ---- Redis outage ------------------------------------------------------------------------------

  /**
   * Redis hangs (SIGSTOP: connections stay open, nothing answers), then crashes and restarts empty,
   * while clients keep sending: every request is answered, those that need Redis with
   * {@code unavailable} within the command deadline; readiness goes 503 and back to 200 by itself;
   * the same processes serve again; no event loop was blocked.
   */
  @Test
  @Order(1)
  void redisOutageUnderTraffic() throws Exception {
    NodeProcess n0 = nodes.get(0);
    NodeProcess n1 = nodes.get(1);
    NodeProcess n2 = nodes.get(2);
    Set<Long> pids = new HashSet<>();
    nodes.forEach(n -> pids.add(n.pid()));
    String room = "outage-" + UUID.randomUUID();
    Peer a = peer("a", n0);
    Peer b = peer("b", n1);
    Peer c = peer("c", n2);
    for (Peer p : List.of(a, b, c)) {
      p.ok("join-room", json("roomId", room, "userName", p.name()));
    }
    Traffic traffic = new Traffic(List.of(a, b, c), room);
    traffic.start();
    Thread.sleep(500); // traffic flows before the fault
    try {
      for (String fault : List.of("hang", "restart")) {
        long t0 = System.nanoTime();
        if (fault.equals("hang")) {
          redis.freeze();
        } else {
          redis.stop();
        }
        awaitAllReady(503, 5_000);
        long notReady = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        // A request during the outage: refused fast, ack and error event both saying unavailable.
        long r0 = System.nanoTime();
        JSONObject refused = b.request("join-room", json("roomId", "outage-new-" + UUID.randomUUID(), "userName", "b"), FAST_MS + 1000);
        long refusedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - r0);
        assertFalse(refused.optBoolean("ok"), "join-room during the outage: " + refused);
        assertEquals("unavailable", refused.optString("code"), "join-room during the outage: " + refused);
        assertEquals("unavailable", b.next("error", e -> "join-room".equals(e.optString("event"))).optString("code"));
        assertTrue(refusedMs < FAST_MS, "refused in " + refusedMs + " ms");
        long h0 = System.nanoTime();
        HttpResponse<String> api = n2.get("/api/meetings/" + UUID.randomUUID());
        long apiMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - h0);
        assertEquals(503, api.statusCode(), api.body());
        assertEquals("unavailable", new JSONObject(api.body()).getJSONObject("error").getString("code"));
        assertTrue(apiMs < FAST_MS, "HTTP API answered in " + apiMs + " ms");
        Thread.sleep(1_000); // traffic keeps going against the dead Redis

        long back0 = System.nanoTime();
        if (fault.equals("hang")) {
          redis.thaw();
        } else {
          redis.restart(); // empty: every key is gone
        }
        awaitAllReady(200, 15_000);
        long readyAgain = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - back0);
        System.out.println("[cluster-fault] Redis " + fault + ": all nodes not ready after " + notReady
            + " ms; a socket request refused (unavailable) in " + refusedMs + " ms, an HTTP API request (503) in "
            + apiMs + " ms; ready again " + readyAgain + " ms after Redis returned");
        if (fault.equals("restart")) {
          // The room was in the lost data: the clients (still connected) join again.
          for (Peer p : List.of(a, b, c)) {
            awaitTrue(() -> p.request("join-room", json("roomId", room, "userName", p.name())).optBoolean("ok"), 5_000,
                p + " joins again after the restart");
          }
        }
        // Served again, across nodes, by the same processes.
        awaitTrue(() -> a.request("ice-candidate", json("roomId", room, "candidate", json("candidate", "after-" + fault)))
            .optBoolean("ok"), 5_000, "a relay is accepted after the " + fault);
        for (Peer p : List.of(b, c)) {
          p.take("ice-candidate", o -> o.optJSONObject("candidate") != null
              && ("after-" + fault).equals(o.optJSONObject("candidate").optString("candidate")), 5_000);
        }
      }
    } finally {
      traffic.stop();
    }
    System.out.println("[cluster-fault] traffic during the outages: " + traffic.summary());
    assertTrue(traffic.failures.isEmpty(), () -> "requests not answered in time: " + traffic.failures);
    assertTrue(traffic.unavailable.get() > 0, "some traffic met the outage: " + traffic.summary());
    assertTrue(traffic.maxMs < FAST_MS, "slowest answer " + traffic.maxMs + " ms");
    Set<Long> after = new HashSet<>();
    nodes.forEach(n -> {
      assertTrue(n.alive(), n + " still runs");
      after.add(n.pid());
    });
    assertEquals(pids, after, "the same processes serve");
    for (Peer p : List.of(a, b, c)) {
      assertTrue(p.connected(), p + " was never dropped");
    }
    for (NodeProcess n : nodes) {
      assertEquals(List.of(), n.blockedThreadWarnings(), n + ": blocked threads");
    }
  }

  /** Waits, on every node at once, until {@code /health/ready} answers {@code status}. */
  private static long awaitAllReady(int status, long timeoutMs) throws Exception {
    List<CompletableFuture<Long>> all = new ArrayList<>();
    for (NodeProcess n : nodes) {
      if (n.alive()) {
        all.add(CompletableFuture.supplyAsync(() -> n.awaitReady(status, timeoutMs)));
      }
    }
    long max = 0;
    for (CompletableFuture<Long> f : all) {
      try {
        max = Math.max(max, f.get(timeoutMs + 5_000, TimeUnit.MILLISECONDS));
      } catch (java.util.concurrent.ExecutionException e) {
        throw e.getCause() instanceof AssertionError a ? a : new AssertionError(e.getCause());
      }
    }
    return max;
  }

  /** Clients sending relays with acks, one after the other, from a thread of their own; every ack timed. */
  private static final class Traffic {
    private final List<Peer> peers;
    private final String room;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final java.util.concurrent.atomic.AtomicInteger ok = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicInteger unavailable = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicInteger other = new java.util.concurrent.atomic.AtomicInteger();
    private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    private volatile long maxMs;
    private Thread thread;

    Traffic(List<Peer> peers, String room) {
      this.peers = peers;
      this.room = room;
    }

    void start() {
      thread = new Thread(() -> {
        int i = 0;
        while (running.get()) {
          Peer p = peers.get(i++ % peers.size());
          long t0 = System.nanoTime();
          try {
            JSONObject ack = p.request("media-state-change", json("roomId", room, "mediaState", json("audio", i % 2 == 0)),
                FAST_MS + 2_000);
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            maxMs = Math.max(maxMs, ms);
            if (ack.optBoolean("ok")) {
              ok.incrementAndGet();
            } else if ("unavailable".equals(ack.optString("code"))) {
              unavailable.incrementAndGet();
            } else {
              other.incrementAndGet(); // not_member after the restart lost the room, until the peers join again
            }
          } catch (AssertionError e) {
            failures.add(p + ": " + e.getMessage());
          }
          try {
            Thread.sleep(20);
          } catch (InterruptedException e) {
            return;
          }
        }
      }, "outage-traffic");
      thread.setDaemon(true);
      thread.start();
    }

    void stop() throws InterruptedException {
      running.set(false);
      thread.join(10_000);
    }

    String summary() {
      return ok.get() + " ok, " + unavailable.get() + " unavailable, " + other.get() + " other refusals, "
          + failures.size() + " unanswered; slowest " + maxMs + " ms";
    }
  }

  // ---- a hung node -------------------------------------------------------------------------------

  /**
   * Node 3 hangs (SIGSTOP: its connections stay open, it answers nothing, not even Hazelcast's
   * heartbeats): the cluster declares it dead after {@code SWITCHBOARD_CLUSTER_DEAD_AFTER_S} (5 s)
   * of silence, and a survivor cleans up its participants and room members.
   */
  @Test
  @Order(2)
  void hungNodeIsDeclaredDeadAndCleanedUp() throws Exception {
    NodeProcess n0 = nodes.get(0);
    NodeProcess n1 = nodes.get(1);
    NodeProcess hung = nodes.get(3);
    String meeting = "hang-" + UUID.randomUUID();
    String room = "hang-room-" + UUID.randomUUID();
    Peer h0 = peer("h0", n0);
    Peer r1 = peer("r1", n1);
    Peer h3 = peer("h3", hung);
    h0.ok("join-meeting", json("meetingId", meeting, "userId", "hal", "userName", "Hal"));
    String gone = h3.ok("join-meeting", json("meetingId", meeting, "userId", "hung", "userName", "Hung")).getString("participantId");
    r1.ok("join-room", json("roomId", room, "userName", "R1"));
    h3.ok("join-room", json("roomId", room, "userName", "H3"));
    String h3Socket = h3.id();
    String hungId = nodeOf(h3Socket);
    h0.clear();
    r1.clear();

    long t0 = System.nanoTime();
    signal(hung, "STOP");
    try {
      Peer.Received left = h0.take("participant-left", o -> gone.equals(o.optString("participantId")), 15_000);
      assertEquals("disconnected", ((JSONObject) left.arg()).optString("reason"));
      Peer.Received userLeft = r1.take("user-left", o -> h3Socket.equals(o.optString("userId")), 15_000);
      long ms = TimeUnit.NANOSECONDS.toMillis(Math.max(left.at(), userLeft.at()) - t0);
      System.out.println("[cluster-fault] SIGSTOP of " + hung + ": declared dead and its participant and room member "
          + "announced after " + ms + " ms (Hazelcast: heartbeat 1 s, dead after 5 s of silence)");
      assertTrue(ms <= HUNG_BOUND_MS, "announced " + ms + " ms after the hang");
      awaitTrue(() -> nodeKeys(hungId).isEmpty() && !knownNodes().contains(hungId), 5_000,
          "no keys of the hung node " + hungId + " (left: " + nodeKeys(hungId) + ")");
      assertEquals(1, participants(n1, meeting).length());
      assertTrue(h0.request("ice-candidate", json("roomId", meeting, "candidate", json("candidate", "c"))).optBoolean("ok"),
          "the survivors serve on");
    } finally {
      hung.kill(); // SIGKILL ends a stopped process too
      hung.awaitExit(10_000);
    }
  }

  private static void signal(NodeProcess node, String signal) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(node.pid())).redirectErrorStream(true).start();
    assertTrue(kill.waitFor(5, TimeUnit.SECONDS) && kill.exitValue() == 0, "kill -" + signal + " " + node.pid());
  }

  // ---- kill -9 -----------------------------------------------------------------------------------

  /**
   * {@code kill -9} of node 2, which holds two participants of a meeting, a room member and a user
   * in a connected call: within 5 s the others get participant-left (disconnected), user-left and
   * call-end, and the shared state lists none of them (the meeting over the HTTP API of a survivor,
   * the user's presence), nor the dead node itself.
   */
  @Test
  @Order(3)
  void killedNodeIsCleanedUpAndAnnounced() throws Exception {
    NodeProcess n0 = nodes.get(0);
    NodeProcess n1 = nodes.get(1);
    NodeProcess victim = nodes.get(2);
    String meeting = "kill-" + UUID.randomUUID();
    String room = "kill-room-" + UUID.randomUUID();
    String alice = "alice-" + UUID.randomUUID();
    String bob = "bob-" + UUID.randomUUID();

    Peer p0 = peer("p0", n0);
    Peer p1 = peer("p1", n1);
    Peer v1 = peer("v1", victim);
    Peer v2 = peer("v2", victim);
    Peer r0 = peer("r0", n0);
    String pid0 = p0.ok("join-meeting", json("meetingId", meeting, "userId", alice, "userName", "Alice")).getString("participantId");
    String pid1 = p1.ok("join-meeting", json("meetingId", meeting, "userId", "carl", "userName", "Carl")).getString("participantId");
    String vid1 = v1.ok("join-meeting", json("meetingId", meeting, "userId", "vic", "userName", "Vic")).getString("participantId");
    String vid2 = v2.ok("join-meeting", json("meetingId", meeting, "userId", bob, "userName", "Bob")).getString("participantId");
    r0.ok("join-room", json("roomId", room, "userName", "R0"));
    v1.ok("join-room", json("roomId", room, "userName", "V1"));
    // Bob (on the victim) in a connected call with Alice (on node 0).
    p0.ok("userOnline", alice);
    v2.ok("userOnline", bob);
    String callId = "call-" + UUID.randomUUID();
    p0.ok("call-request", json("id", callId, "from", alice, "to", bob, "type", "video",
        "offer", json("type", "offer", "sdp", "v=0\r\n"), "timestamp", System.currentTimeMillis()));
    v2.next("call-request", o -> callId.equals(o.optString("id")));
    v2.ok("call-answer", json("callId", callId, "to", alice, "answer", json("type", "answer", "sdp", "v=0\r\n")));
    p0.next("call-answer", o -> callId.equals(o.optString("callId")));
    assertEquals(4, participants(n1, meeting).length());
    assertEquals(json("online", true, "sockets", 1).toString(), presence(n0, bob).toString());
    String v1Socket = v1.id();
    String victimId = nodeOf(v1Socket);
    assertEquals(victimId, nodeOf(v2.id()));
    awaitTrue(() -> knownNodes().contains(victimId), 10_000, "the victim holds a lease");
    for (Peer p : List.of(p0, p1, r0)) {
      p.clear();
    }

    long t0 = System.nanoTime();
    victim.kill();
    List<Long> arrivals = new ArrayList<>();
    for (Peer p : List.of(p0, p1)) {
      for (String gone : List.of(vid1, vid2)) {
        Peer.Received left = p.take("participant-left", o -> gone.equals(o.optString("participantId")), GHOST_BOUND_MS + 5_000);
        assertEquals("disconnected", ((JSONObject) left.arg()).optString("reason"), left.toString());
        arrivals.add(left.at());
      }
    }
    Peer.Received userLeft = r0.take("user-left", o -> v1Socket.equals(o.optString("userId")), GHOST_BOUND_MS + 5_000);
    assertEquals(room, ((JSONObject) userLeft.arg()).optString("roomId"));
    arrivals.add(userLeft.at());
    Peer.Received callEnd = p0.take("call-end", o -> callId.equals(o.optString("callId")), GHOST_BOUND_MS + 5_000);
    assertEquals("disconnected", ((JSONObject) callEnd.arg()).optString("reason"), callEnd.toString());
    arrivals.add(callEnd.at());
    long first = TimeUnit.NANOSECONDS.toMillis(arrivals.stream().mapToLong(Long::longValue).min().orElseThrow() - t0);
    long last = TimeUnit.NANOSECONDS.toMillis(arrivals.stream().mapToLong(Long::longValue).max().orElseThrow() - t0);
    System.out.println("[cluster-fault] kill -9 of " + victim + ": first announcement after " + first
        + " ms, all " + arrivals.size() + " (participant-left x4, user-left, call-end) after " + last + " ms");
    assertTrue(last <= GHOST_BOUND_MS, "every announcement within " + GHOST_BOUND_MS + " ms, took " + last + " ms");

    // The shared state: the survivors only; Bob offline; the dead node forgotten.
    List<String> left = new ArrayList<>();
    JSONArray remaining = participants(n1, meeting);
    for (int i = 0; i < remaining.length(); i++) {
      left.add(remaining.getJSONObject(i).getString("participantId"));
    }
    assertEquals(Set.of(pid0, pid1), new HashSet<>(left));
    assertEquals(json("online", false, "sockets", 0).toString(), presence(n0, bob).toString());
    awaitTrue(() -> nodeKeys(victimId).isEmpty() && !knownNodes().contains(victimId), 5_000,
        "no keys of the dead node " + victimId + " (left: " + nodeKeys(victimId) + ")");
    assertEquals(List.of(), socketKeys(v1Socket), "no keys of the dead node's sockets");
    assertFalse(victim.alive());
    // The call is over for good: Alice may call Bob again (he is offline now).
    JSONObject again = p0.request("call-request", json("id", "call-" + UUID.randomUUID(), "from", alice, "to", bob,
        "type", "video", "offer", json("type", "offer", "sdp", "v=0\r\n"), "timestamp", System.currentTimeMillis()));
    assertTrue(again.optBoolean("ok"), again.toString());
    assertEquals("offline", p0.next("call-failed").optString("reason"));
  }

  // ---- drain -------------------------------------------------------------------------------------

  /**
   * SIGTERM to node 1, which holds 24 participants of a meeting (official JS clients on every
   * transport; one registered as a user): readiness turns 503 while it drains, its clients are
   * disconnected with "transport close" (so they reconnect elsewhere), node 0's participant gets
   * participant-left (disconnected) for each, the process exits, and Redis keeps none of its
   * entries. The script {@code cluster/drain-clients.js} connects the clients and sends the signal.
   */
  @Test
  @Order(4)
  void drainOnSigterm() throws Exception {
    NodeJs js = JsScenarios.nodeJs();
    NodeProcess n0 = nodes.get(0);
    NodeProcess drained = nodes.get(1);
    String meeting = "drain-" + UUID.randomUUID();
    String carol = "carol-" + UUID.randomUUID();
    int count = 24;
    Peer q0 = peer("q0", n0);
    q0.ok("join-meeting", json("meetingId", meeting, "userId", "dora", "userName", "Dora"));
    awaitTrue(() -> knownNodes().size() == 2, 10_000, "both survivors hold a lease: " + knownNodes());
    String n0Id = nodeOf(q0.id());
    String drainedId = knownNodes().stream().filter(id -> !id.equals(n0Id)).findFirst().orElseThrow();

    List<String> readiness = new CopyOnWriteArrayList<>();
    AtomicBoolean watching = new AtomicBoolean(true);
    Thread watcher = new Thread(() -> {
      while (watching.get()) {
        int s = drained.status("/health/ready");
        if (readiness.isEmpty() || !readiness.get(readiness.size() - 1).equals(String.valueOf(s))) {
          readiness.add(String.valueOf(s));
        }
        if (s == -1 && !drained.alive()) {
          return;
        }
      }
    }, "readiness-watch");
    watcher.setDaemon(true);
    watcher.start();
    awaitTrue(() -> readiness.contains("200"), 5_000, "readiness watched");

    long clockOffset = System.currentTimeMillis() - TimeUnit.NANOSECONDS.toMillis(System.nanoTime());
    CompletableFuture<NodeJs.Result> clients = CompletableFuture.supplyAsync(() -> {
      try {
        return js.run(List.of("cluster/drain-clients.js", "http://127.0.0.1:" + drained.port(), String.valueOf(drained.pid()),
            meeting, String.valueOf(count), carol), 60, Map.of());
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    NodeJs.Result r = clients.get(90, TimeUnit.SECONDS);
    assertEquals(0, r.exit(), () -> "drain-clients.js: " + r);
    JSONObject out = new JSONObject(r.stdout().strip().lines().reduce((a, b) -> b).orElseThrow());
    long sigtermAt = out.getLong("sigtermAt");
    assertTrue(drained.awaitExit(20_000), "the drained node exits\n" + drained.tail(30));
    long exited = System.currentTimeMillis() - sigtermAt;
    watching.set(false);
    watcher.join(5_000);

    JSONArray disconnects = out.getJSONArray("disconnects");
    long lastDisconnect = 0;
    for (int i = 0; i < disconnects.length(); i++) {
      JSONObject d = disconnects.getJSONObject(i);
      assertEquals("transport close", d.optString("reason"), d.toString());
      lastDisconnect = Math.max(lastDisconnect, d.getLong("ms"));
    }
    JSONArray gone = out.getJSONArray("participants");
    assertEquals(count, gone.length());
    long lastLeft = 0;
    for (int i = 0; i < gone.length(); i++) {
      String participant = gone.getString(i);
      Peer.Received left = q0.take("participant-left", o -> participant.equals(o.optString("participantId")), 5_000);
      assertEquals("disconnected", ((JSONObject) left.arg()).optString("reason"), left.toString());
      lastLeft = Math.max(lastLeft, clockOffset + TimeUnit.NANOSECONDS.toMillis(left.at()) - sigtermAt);
    }
    System.out.println("[cluster-fault] SIGTERM to " + drained + ": " + count + " clients (websocket, polling, upgrade) "
        + "disconnected (transport close) within " + lastDisconnect + " ms, participant-left x" + count
        + " on node 0 within " + lastLeft + " ms, exit code " + drained.exitValue() + " after " + exited
        + " ms; readiness seen: " + readiness);
    // Readiness: 200 until the drain, then 503 (never 200 again) until the port closed.
    int firstNotReady = readiness.indexOf("503");
    assertTrue(firstNotReady > 0, "readiness went 503 during the drain: " + readiness);
    assertFalse(readiness.subList(firstNotReady, readiness.size()).contains("200"), "never ready again: " + readiness);

    awaitTrue(() -> nodeKeys(drainedId).isEmpty() && !knownNodes().contains(drainedId), 5_000,
        "no keys of the drained node " + drainedId + " (left: " + nodeKeys(drainedId) + ")");
    JSONArray sockets = out.getJSONArray("sockets");
    for (int i = 0; i < sockets.length(); i++) {
      assertEquals(List.of(), socketKeys(sockets.getString(i)), "no keys of the drained node's sockets");
    }
    assertEquals(json("online", false, "sockets", 0).toString(), presence(n0, carol).toString());
    assertEquals(1, participants(n0, meeting).length(), "only node 0's participant is left");
    assertEquals(List.of(), drained.blockedThreadWarnings(), "blocked threads while draining");
  }

  // ---- helpers -----------------------------------------------------------------------------------

  private static JSONArray participants(NodeProcess node, String meeting) throws Exception {
    HttpResponse<String> r = node.get("/api/meetings/" + meeting);
    assertEquals(200, r.statusCode(), r.body());
    return new JSONObject(r.body()).getJSONArray("participants");
  }

  private static JSONObject presence(NodeProcess node, String user) throws Exception {
    HttpResponse<String> r = node.get("/api/users/" + user + "/presence");
    assertEquals(200, r.statusCode(), r.body());
    return new JSONObject(r.body());
  }

  /** The node holding a socket, from the socket registry in Redis. */
  private static String nodeOf(String socketId) {
    for (String key : keys(PREFIX + "{n:*}:sockets")) {
      if (Long.valueOf(1).equals(redis.command("SISMEMBER", key, socketId))) {
        return key.substring(key.indexOf("{n:") + 3, key.indexOf("}:"));
      }
    }
    throw new AssertionError("socket " + socketId + " is on no node");
  }

  private static Set<String> knownNodes() {
    Set<String> known = new HashSet<>();
    if (redis.command("SMEMBERS", PREFIX + "{nodes}:known") instanceof List<?> l) {
      l.forEach(x -> known.add(String.valueOf(x)));
    }
    return known;
  }

  private static List<String> nodeKeys(String node) {
    return keys(PREFIX + "{n:" + node + "}:*");
  }

  private static List<String> socketKeys(String socket) {
    return keys(PREFIX + "{s:" + socket + "}:*");
  }

  private static List<String> keys(String pattern) {
    List<String> out = new ArrayList<>();
    if (redis.command("KEYS", pattern) instanceof List<?> l) {
      l.forEach(x -> out.add(String.valueOf(x)));
    }
    return out;
  }

  private static void awaitTrue(BooleanSupplier condition, long timeoutMs, String what) {
    long deadline = System.currentTimeMillis() + timeoutMs;
    AssertionError last = null;
    while (System.currentTimeMillis() < deadline) {
      try {
        if (condition.getAsBoolean()) {
          return;
        }
      } catch (AssertionError e) {
        last = e;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
    throw new AssertionError(what + ": not within " + timeoutMs + " ms", last);
  }

  /** The module's build folder (its name depends on -Dsb.target): where the test classes are. */
  private static Path buildDir() {
    try {
      return Paths.get(ClusterFaultTest.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getParent();
    } catch (Exception e) {
      return Paths.get(System.getProperty("java.io.tmpdir"));
    }
  }
}
