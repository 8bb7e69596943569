package io.switchboard.server.cluster;

import static io.switchboard.server.api.SioTestClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.cluster.RouterStats;
import io.switchboard.server.api.SioTestClient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Routing cost across the cluster, counted by each node's {@link RouterStats}: a relay whose
 * targets live on k other nodes makes the sender's node send exactly k inter-node messages for
 * that event (one per target node, whatever the number of target sockets there), and each of those
 * nodes receive exactly one. Clients are the official Java client ({@code io.socket}) over
 * WebSocket, each connected to the node the case puts it on.
 */
@ExtendWith(ClusterFixture.Shared.class)
class InterNodeRoutingTest {
  private static ClusterFixture cluster;
  private static ClusterFixture.NodeGroup group;
  private static int blockedAtStart;
  private final List<SioTestClient> clients = new ArrayList<>();

  @BeforeAll
  static void setUp(ClusterFixture fixture) {
    cluster = fixture;
    blockedAtStart = cluster.blockedCount();
    group = cluster.group("routing", Map.of());
  }

  @AfterAll
  static void tearDown() {
    if (group != null) {
      group.close();
    }
    if (cluster != null) {
      List<String> blocked = cluster.blockedSince(blockedAtStart);
      assertTrue(blocked.isEmpty(), () -> "event loops blocked: " + blocked);
    }
  }

  @AfterEach
  void closeClients() {
    clients.forEach(SioTestClient::close);
  }

  private SioTestClient connect(int node) {
    SioTestClient c = SioTestClient.connect(group.node(node).port());
    clients.add(c);
    return c;
  }

  private static RouterStats stats(int node) {
    return group.node(node).clusterRouter().stats();
  }

  private static long sent(int node, String event) {
    return stats(node).sentByEvent().getOrDefault(event, 0L);
  }

  private static long received(int node, String event) {
    return stats(node).receivedByEvent().getOrDefault(event, 0L);
  }

  /**
   * A room with the sender on node 0 and {@code others} (a digit per member: the node it is on),
   * then one broadcast ice-candidate: every member gets it, and node 0 sends one message per other
   * node holding members.
   */
  @ParameterizedTest(name = "members on nodes {0}: {1} inter-node messages")
  @CsvSource({
      "00, 0",
      "1, 1",
      "111, 1",
      "12, 2",
      "0112220, 2",
  })
  void roomRelaySendsOneMessagePerTargetNode(String others, int expected) {
    String room = "routing-" + UUID.randomUUID();
    SioTestClient sender = connect(0);
    assertEquals(true, sender.request("join-room", json("roomId", room, "userName", "sender")).optBoolean("ok"));
    List<SioTestClient> members = new ArrayList<>();
    List<Integer> nodes = new ArrayList<>();
    for (char c : others.toCharArray()) {
      int node = c - '0';
      SioTestClient m = connect(node);
      assertTrue(m.request("join-room", json("roomId", room, "userName", "m" + members.size())).optBoolean("ok"));
      members.add(m);
      nodes.add(node);
    }
    Map<Integer, Long> receivedBefore = new HashMap<>();
    for (int n = 0; n < ClusterFixture.SIZE; n++) {
      receivedBefore.put(n, received(n, "ice-candidate"));
    }
    long before = sent(0, "ice-candidate");

    JSONObject candidate = json("candidate", "candidate:1 1 udp 2122260223 192.0.2.1 54321 typ host", "sdpMid", "0");
    assertTrue(sender.request("ice-candidate", json("roomId", room, "candidate", candidate)).optBoolean("ok"));
    for (SioTestClient m : members) {
      JSONObject got = m.awaitObject("ice-candidate");
      assertEquals(sender.id(), got.optString("fromUserId"));
    }
    assertFalse(sender.receives("ice-candidate", 100), "the sender does not get its own relay");

    assertEquals(expected, sent(0, "ice-candidate") - before, "inter-node messages sent by the sender's node");
    long otherNodes = nodes.stream().filter(n -> n != 0).distinct().count();
    assertEquals(otherNodes, expected, "the case's own arithmetic");
    for (int n = 1; n < ClusterFixture.SIZE; n++) {
      long want = nodes.contains(n) ? 1 : 0;
      assertEquals(want, received(n, "ice-candidate") - receivedBefore.get(n), "messages received by node " + n);
    }
  }

  /** A relay targeted at one member on node 2, in a room with members on every node: one message, to node 2. */
  @Test
  void targetedRelayReachesOnlyTheTargetNode() {
    String room = "routing-" + UUID.randomUUID();
    SioTestClient sender = connect(0);
    SioTestClient onOne = connect(1);
    SioTestClient onTwo = connect(2);
    for (SioTestClient c : List.of(sender, onOne, onTwo)) {
      assertTrue(c.request("join-room", json("roomId", room, "userName", "x")).optBoolean("ok"));
    }
    long before = sent(0, "offer");
    long oneBefore = received(1, "offer");
    long twoBefore = received(2, "offer");
    JSONObject offer = json("type", "offer", "sdp", "v=0\r\n");
    assertTrue(sender.request("offer", json("roomId", room, "offer", offer, "targetUserId", onTwo.id())).optBoolean("ok"));
    assertEquals(sender.id(), onTwo.awaitObject("offer").optString("fromUserId"));
    assertFalse(onOne.receives("offer", 200), "a member that is not the target gets nothing");
    assertEquals(1, sent(0, "offer") - before);
    assertEquals(0, received(1, "offer") - oneBefore);
    assertEquals(1, received(2, "offer") - twoBefore);
  }

  /** A chat message to a user with three devices on two other nodes: two messages, every device served. */
  @Test
  void messageToAUserOnSeveralNodesSendsOnePerNode() {
    String bob = "bob-" + UUID.randomUUID();
    SioTestClient alice = connect(0);
    List<SioTestClient> devices = List.of(connect(1), connect(2), connect(2));
    for (SioTestClient d : devices) {
      assertTrue(d.request("userOnline", bob).optBoolean("ok"));
    }
    long before = sent(0, "receiveMessage");
    assertTrue(alice.request("sendMessage", json("to", bob, "text", "hello")).optBoolean("ok"));
    for (SioTestClient d : devices) {
      assertEquals("hello", d.awaitObject("receiveMessage").optString("text"));
    }
    assertEquals(2, sent(0, "receiveMessage") - before);
  }

  /** Nothing leaves the node when every target is local. */
  @Test
  void localTargetsCostNoMessage() {
    long joinedBefore = sent(1, "user-joined");
    long offersBefore = sent(1, "offer");
    String room = "routing-" + UUID.randomUUID();
    SioTestClient a = connect(1);
    SioTestClient b = connect(1);
    assertTrue(a.request("join-room", json("roomId", room, "userName", "a")).optBoolean("ok"));
    assertTrue(b.request("join-room", json("roomId", room, "userName", "b")).optBoolean("ok"));
    a.awaitObject("user-joined");
    assertTrue(a.request("offer", json("roomId", room, "offer", json("type", "offer", "sdp", "v=0\r\n"))).optBoolean("ok"));
    b.awaitObject("offer");
    assertEquals(joinedBefore, sent(1, "user-joined"), "no inter-node message for a local user-joined");
    assertEquals(offersBefore, sent(1, "offer"), "no inter-node message for a local offer");
  }
}
