package io.switchboard.server.api;

import static io.switchboard.server.api.SioTestClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.server.SwitchboardNode;
import io.switchboard.server.api.HttpTestClient.Response;
import io.switchboard.testkit.TestVertx;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The HTTP API reaching connected Socket.IO clients (the official Java client): end and kick
 * tell the sockets, group membership set over HTTP moves online users' sockets in and out of the
 * group room, and presence counts sockets.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HttpApiSocketsTest {
  private static TestVertx testVertx;
  private static SwitchboardNode node;
  private static HttpTestClient http;
  private final List<SioTestClient> clients = new ArrayList<>();

  @BeforeAll
  static void start() {
    testVertx = TestVertx.create();
    node = TestNodes.start(testVertx);
    http = new HttpTestClient(node.port(), Map.of());
  }

  @AfterAll
  static void stop() {
    try {
      http.close();
      TestVertx.await(node.stop());
      testVertx.assertNoBlockedThreads();
    } finally {
      testVertx.close();
    }
  }

  @AfterEach
  void closeClients() {
    clients.forEach(SioTestClient::close);
    clients.clear();
  }

  private SioTestClient client() {
    SioTestClient c = SioTestClient.connect(node.port());
    clients.add(c);
    return c;
  }

  private static String meeting(String creator) {
    Response r = http.post("/api/meetings", "{\"meeting_name\":\"m\",\"creator_id\":\"" + creator + "\"}");
    assertEquals(201, r.status(), r::toString);
    return r.json().get("id").asText();
  }

  private static String join(SioTestClient c, String meetingId, String user) throws Exception {
    JSONObject ack = c.request("join-meeting", json("meetingId", meetingId, "userId", user, "userName", user + " name"));
    assertTrue(ack.getBoolean("ok"), ack::toString);
    c.awaitObject("meeting-joined");
    return ack.getString("participantId");
  }

  @Test
  void getShowsTheParticipants() throws Exception {
    String id = meeting("alice");
    SioTestClient a = client();
    String pa = join(a, id, "alice");
    SioTestClient b = client();
    String pb = join(b, id, "bob");
    JsonNode m = http.get("/api/meetings/" + id).json();
    JsonNode ps = m.get("participants");
    assertEquals(2, ps.size(), m::toString);
    assertEquals(pa, ps.get(0).get("participantId").asText());
    assertEquals("alice", ps.get(0).get("userId").asText());
    assertEquals("alice name", ps.get(0).get("userName").asText());
    assertEquals(a.id(), ps.get(0).get("socketId").asText());
    assertEquals(pb, ps.get(1).get("participantId").asText());
    assertTrue(ps.get(1).get("audio").asBoolean());
  }

  @Test
  void endOverHttpReachesEveryConnectedSocket() throws Exception {
    String id = meeting("alice");
    SioTestClient a = client();
    join(a, id, "alice");
    SioTestClient b = client();
    join(b, id, "bob");

    Response end = http.post("/api/meetings/" + id + "/end", null);
    assertEquals(200, end.status(), end::toString);
    assertEquals(2, end.json().get("participants_removed").asInt());
    assertEquals(id, a.awaitObject("meeting-ended").getString("meetingId"));
    assertEquals(id, b.awaitObject("meeting-ended").getString("meetingId"));

    JsonNode after = http.get("/api/meetings/" + id).json();
    assertEquals("ended", after.get("meeting_status").asText());
    assertEquals(0, after.get("participants").size());
    JSONObject rejoin = client().request("join-meeting", json("meetingId", id, "userId", "carol"));
    assertFalse(rejoin.getBoolean("ok"));
    assertEquals("meeting_ended", rejoin.getString("code"));
  }

  @Test
  void kickOverHttpReachesTheKickedAndTheOthers() throws Exception {
    String id = meeting("alice");
    SioTestClient a = client();
    join(a, id, "alice");
    SioTestClient b = client();
    String pb = join(b, id, "bob");
    a.awaitObject("participant-joined");

    Response kick = http.delete("/api/meetings/" + id + "/participants/" + pb);
    assertEquals(200, kick.status(), kick::toString);
    assertTrue(kick.json().get("kicked").asBoolean());
    assertEquals(id, b.awaitObject("kicked").getString("meetingId"));
    JSONObject left = a.awaitObject("participant-left");
    assertEquals(pb, left.getString("participantId"));
    assertEquals("kicked", left.getString("reason"));
    assertFalse(b.receives("participant-left", 200), "the kicked socket hears no participant-left about itself");

    JsonNode ps = http.get("/api/meetings/" + id).json().get("participants");
    assertEquals(1, ps.size());
    Response again = http.delete("/api/meetings/" + id + "/participants/" + pb);
    assertEquals(404, again.status(), "already gone");
  }

  @Test
  void groupMembersSetOverHttpAreRungAndReachedAndRemovedOnesAreNot() throws Exception {
    String group = "team-" + UUID.randomUUID();
    String dora = "dora-" + UUID.randomUUID();
    SioTestClient doraPhone = client();
    assertTrue(doraPhone.request("userOnline", dora).getBoolean("ok"));
    SioTestClient doraLaptop = client();
    assertTrue(doraLaptop.request("joinVideoRoom", json("userId", dora)).getBoolean("ok"));
    String erin = "erin-" + UUID.randomUUID();
    SioTestClient erinSocket = client();
    assertTrue(erinSocket.request("userOnline", erin).getBoolean("ok"));

    Response presence = http.get("/api/users/" + dora + "/presence");
    assertTrue(presence.json().get("online").asBoolean());
    assertEquals(2, presence.json().get("sockets").asInt());

    Response put = http.put("/api/groups/" + group + "/members", "{\"memberIds\":[\"" + dora + "\",\"" + erin + "\"]}");
    assertEquals(200, put.status(), put::toString);

    JSONObject call = json("roomName", "r-" + group, "callerId", erin, "callerName", "Erin", "isGroupCall", true,
        "groupId", group);
    JSONObject ack = erinSocket.request("initiateGroupVideoCall", call);
    assertTrue(ack.getBoolean("ok"), ack::toString);
    JSONObject rung = doraPhone.awaitObject("incomingVideoCall");
    assertEquals(group, rung.getString("groupId"));
    assertEquals(erin, rung.getString("callerId"));
    assertEquals(group, doraLaptop.awaitObject("incomingVideoCall").getString("groupId"));
    assertFalse(erinSocket.receives("incomingVideoCall", 200), "the caller is not rung");

    erinSocket.request("sendGroupMessage", json("groupId", group, "text", "hello team"));
    assertEquals("hello team", doraPhone.awaitObject("receiveGroupMessage").getString("text"));
    assertEquals("hello team", doraLaptop.awaitObject("receiveGroupMessage").getString("text"));

    Response removed = http.delete("/api/groups/" + group + "/members/" + dora);
    assertEquals(200, removed.status(), removed::toString);
    erinSocket.request("sendGroupMessage", json("groupId", group, "text", "after removal"));
    assertFalse(doraPhone.receives("receiveGroupMessage", 300), "a removed user's sockets left the group room");
    assertFalse(doraLaptop.receives("receiveGroupMessage", 10));

    Response added = http.post("/api/groups/" + group + "/members", "{\"userId\":\"" + dora + "\"}");
    assertEquals(200, added.status(), added::toString);
    erinSocket.request("sendGroupMessage", json("groupId", group, "text", "welcome back"));
    assertEquals("welcome back", doraPhone.awaitObject("receiveGroupMessage").getString("text"));

    Response replaced = http.put("/api/groups/" + group + "/members", "{\"memberIds\":[\"" + erin + "\"]}");
    assertEquals(200, replaced.status());
    erinSocket.request("sendGroupMessage", json("groupId", group, "text", "replaced"));
    assertFalse(doraPhone.receives("receiveGroupMessage", 300), "PUT without dora took her sockets out");
  }

  @Test
  void aUserRegisteringLaterJoinsTheGroupsSetOverHttp() throws Exception {
    String group = "later-" + UUID.randomUUID();
    String fay = "fay-" + UUID.randomUUID();
    assertEquals(200, http.put("/api/groups/" + group + "/members", "{\"memberIds\":[\"" + fay + "\",\"gus\"]}").status());
    assertEquals(List.of(group), HttpApiTest.strings(http.get("/api/users/" + fay + "/groups").json().get("groups")));
    SioTestClient faySocket = client();
    faySocket.request("userOnline", fay);
    SioTestClient gus = client();
    gus.request("userOnline", "gus");
    gus.request("sendGroupMessage", json("groupId", group, "text", "hi fay"));
    assertEquals("hi fay", faySocket.awaitObject("receiveGroupMessage").getString("text"));
  }

  @Test
  void presenceCountsSocketsAndFollowsDisconnects() {
    String user = "hal-" + UUID.randomUUID();
    SioTestClient one = client();
    one.request("userOnline", user);
    SioTestClient two = client();
    two.request("user-connected", user);
    JsonNode p = http.get("/api/users/" + user + "/presence").json();
    assertTrue(p.get("online").asBoolean());
    assertEquals(2, p.get("sockets").asInt());
    one.close();
    two.close();
    long deadline = System.currentTimeMillis() + 5000;
    JsonNode after;
    do {
      after = http.get("/api/users/" + user + "/presence").json();
    } while (after.get("online").asBoolean() && System.currentTimeMillis() < deadline);
    assertFalse(after.get("online").asBoolean(), after::toString);
    assertEquals(0, after.get("sockets").asInt());
  }

  @Test
  void aPasswordSetOverHttpIsCheckedOnJoin() throws Exception {
    Response r = http.post("/api/meetings", "{\"meeting_name\":\"secret\",\"creator_id\":\"ian\",\"password\":\"pw\"}");
    String id = r.json().get("id").asText();
    SioTestClient c = client();
    JSONObject without = c.request("join-meeting", json("meetingId", id, "userId", "ian"));
    assertEquals("bad_password", without.getString("code"));
    assertEquals("Invalid meeting password", c.awaitObject("error").getString("message"));
    JSONObject with = c.request("join-meeting", json("meetingId", id, "userId", "ian", "meeting_password", "pw"));
    assertTrue(with.getBoolean("ok"), with::toString);
    JSONObject joined = c.awaitObject("meeting-joined");
    assertFalse(joined.getJSONObject("meeting").has("password"));
  }
}
