package io.switchboard.signaling.rooms;

import static io.switchboard.signaling.SignalingHarness.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.signaling.Client;
import io.switchboard.signaling.Delivery;
import io.switchboard.signaling.SignalingConfig;
import io.switchboard.signaling.SignalingHarness;
import io.switchboard.signaling.SignalingHarness.Outcome;
import io.switchboard.signaling.ids.MeetingId;
import io.switchboard.signaling.ids.RoomId;
import io.switchboard.signaling.ids.UserId;
import io.switchboard.signaling.store.RoomMember;
import io.switchboard.testkit.TestVertx;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Mesh rooms (seed 000) and the relays inside rooms and meetings. Sockets are s1, s2, ... in the
 * order the test creates them; payload tables use those ids.
 */
class RoomHandlersTest {
  private SignalingHarness h;

  @BeforeEach
  void start() {
    h = new SignalingHarness();
  }

  @AfterEach
  void stop() {
    h.close();
  }

  private Outcome joinRoom(Client c, String room, String name) {
    return h.send(c, "join-room", name == null
        ? json("{'roomId':'" + room + "'}")
        : json("{'roomId':'" + room + "','userName':'" + name + "'}"));
  }

  private void inRoom(Client c, String room, String name) {
    Outcome o = joinRoom(c, room, name);
    assertTrue(o.ok(), () -> "join-room refused: " + o.error());
  }

  private List<String> members(String room) {
    List<String> out = new ArrayList<>();
    for (RoomMember m : TestVertx.await(h.stores().rooms().members(RoomId.of(room)))) {
      out.add(m.socket().id().value());
    }
    return out;
  }

  private static List<Delivery> deliveries(Client c, String event, JsonNode... payloads) {
    List<Delivery> out = new ArrayList<>();
    for (JsonNode p : payloads) {
      out.add(new Delivery(c.socketId().value(), event, p));
    }
    return out;
  }

  // ---- join-room / leave-room ------------------------------------------------------------------

  @Test
  void joinRoomRepliesRoomJoinedAndTellsTheOthersUserJoined() {
    Client s1 = h.client();
    Client s2 = h.client();
    Client s3 = h.client();
    inRoom(s1, "r1", "Alice");
    assertEquals(deliveries(s1, "room-joined", json("{'roomId':'r1','participants':[]}")), h.deliveries());
    h.clearDeliveries();

    inRoom(s2, "r1", "Bob");
    assertEquals(deliveries(s2, "room-joined", json("{'roomId':'r1','participants':[{'userId':'s1','userName':'Alice'}]}")),
        h.receivedBy(s2));
    assertEquals(deliveries(s1, "user-joined", json("{'roomId':'r1','userId':'s2','userName':'Bob'}")), h.receivedBy(s1));
    h.clearDeliveries();

    inRoom(s3, "r1", null);
    assertEquals(deliveries(s3, "room-joined",
            json("{'roomId':'r1','participants':[{'userId':'s1','userName':'Alice'},{'userId':'s2','userName':'Bob'}]}")),
        h.receivedBy(s3));
    JsonNode joined = json("{'roomId':'r1','userId':'s3','userName':null}");
    assertEquals(deliveries(s1, "user-joined", joined), h.receivedBy(s1));
    assertEquals(deliveries(s2, "user-joined", joined), h.receivedBy(s2));
    assertEquals(List.of("s1", "s2", "s3"), members("r1"));
  }

  @Test
  void joinRoomIsIdempotentAndTheSeed000RoomIsFullCannotHappen() {
    try (SignalingHarness two = new SignalingHarness(SignalingConfig.defaults().withRoomMaxSize(2))) {
      Client s1 = two.client();
      Client s2 = two.client();
      Client s3 = two.client();
      assertTrue(two.send(s1, "join-room", json("{'roomId':'zfhym-'}")).ok());
      assertTrue(two.send(s2, "join-room", json("{'roomId':'zfhym-'}")).ok());
      two.clearDeliveries();

      // "successfully joined existing room (2 users total)", then JOIN_ROOM again from the same socket
      for (int i = 0; i < 3; i++) {
        Outcome again = two.send(s2, "join-room", json("{'roomId':'zfhym-'}"));
        assertTrue(again.ok(), () -> "re-join refused: " + again.error());
      }
      Outcome firstAgain = two.send(s1, "join-room", json("{'roomId':'zfhym-'}"));
      assertTrue(firstAgain.ok());
      assertEquals(3, two.received(s2, "room-joined").size(), "every re-join gets its success again");
      assertEquals(json("{'roomId':'zfhym-','participants':[{'userId':'s1','userName':null}]}"),
          two.received(s2, "room-joined").get(2));
      assertEquals(List.of(), two.received(s1, "user-joined"), "a re-join is not announced");
      assertEquals(List.of(), two.received(s2, "user-joined"));
      assertEquals(2, TestVertx.await(two.stores().rooms().members(RoomId.of("zfhym-"))).size());

      two.clearDeliveries();
      Outcome third = two.send(s3, "join-room", json("{'roomId':'zfhym-'}"));
      assertEquals("room_full", third.code());
      assertEquals("Room is full", third.error().getMessage());
      assertEquals(List.of(), two.deliveries());
    }
  }

  @Test
  void concurrentJoinsNeverOverfillARoomAndEveryoneLearnsOfEveryOtherOnce() throws Exception {
    List<Client> clients = new ArrayList<>();
    for (int i = 0; i < 24; i++) {
      clients.add(h.client());
    }
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Outcome> outcomes = new ArrayList<>();
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Outcome>> started = new ArrayList<>();
      for (Client c : clients) {
        started.add(pool.submit(() -> {
          go.await();
          return joinRoom(c, "r1", null);
        }));
      }
      go.countDown();
      for (Future<Outcome> f : started) {
        outcomes.add(f.get(20, TimeUnit.SECONDS));
      }
    } finally {
      pool.shutdownNow();
    }
    List<String> in = new ArrayList<>();
    for (int i = 0; i < clients.size(); i++) {
      if (outcomes.get(i).ok()) {
        in.add(clients.get(i).socketId().value());
      } else {
        assertEquals("room_full", outcomes.get(i).code());
        assertEquals(List.of(), h.receivedBy(clients.get(i)), "a refused joiner hears nothing");
      }
    }
    assertEquals(8, in.size());
    assertEquals(new HashSet<>(in), new HashSet<>(members("r1")));
    for (Client c : clients) {
      if (!in.contains(c.socketId().value())) {
        continue;
      }
      List<String> learned = new ArrayList<>();
      for (JsonNode p : h.received(c, "room-joined").get(0).get("participants")) {
        learned.add(p.get("userId").asText());
      }
      for (JsonNode p : h.received(c, "user-joined")) {
        learned.add(p.get("userId").asText());
      }
      List<String> expected = new ArrayList<>(in);
      expected.remove(c.socketId().value());
      assertEquals(expected.size(), learned.size(), c.socketId() + " learned " + learned);
      assertEquals(new HashSet<>(expected), new HashSet<>(learned));
    }
  }

  @Test
  void theDefaultRoomHoldsEightSockets() {
    for (int i = 0; i < 8; i++) {
      inRoom(h.client(), "r1", null);
    }
    assertEquals("room_full", joinRoom(h.client(), "r1", null).code());
    assertEquals(8, members("r1").size());
  }

  @Test
  void leaveRoomTellsTheOthersUserLeft() {
    Client s1 = h.client();
    Client s2 = h.client();
    Client s3 = h.client();
    inRoom(s1, "r1", "A");
    inRoom(s2, "r1", "B");
    inRoom(s3, "r1", "C");
    h.clearDeliveries();
    assertTrue(h.send(s2, "leave-room", json("{'roomId':'r1'}")).ok());
    JsonNode left = json("{'roomId':'r1','userId':'s2'}");
    assertEquals(deliveries(s1, "user-left", left), h.receivedBy(s1));
    assertEquals(deliveries(s3, "user-left", left), h.receivedBy(s3));
    assertEquals(List.of(), h.receivedBy(s2));
    assertEquals(List.of("s1", "s3"), members("r1"));
  }

  @Test
  void leavingARoomOneIsNotInIsNotMember() {
    Client s1 = h.client();
    inRoom(s1, "r1", "A");
    h.clearDeliveries();
    assertEquals("not_member", h.send(h.client(), "leave-room", json("{'roomId':'r1'}")).code());
    assertEquals("not_member", h.send(s1, "leave-room", json("{'roomId':'r2'}")).code());
    assertEquals(List.of("s1"), members("r1"));
    assertEquals(List.of(), h.deliveries());
  }

  @Test
  void disconnectLeavesEveryRoomWithUserLeft() {
    Client s1 = h.client();
    Client s2 = h.client();
    Client s3 = h.client();
    inRoom(s1, "r1", "A");
    inRoom(s2, "r1", "B");
    inRoom(s1, "r2", "A");
    inRoom(s3, "r2", "C");
    h.clearDeliveries();
    h.disconnect(s1);
    assertEquals(deliveries(s2, "user-left", json("{'roomId':'r1','userId':'s1'}")), h.receivedBy(s2));
    assertEquals(deliveries(s3, "user-left", json("{'roomId':'r2','userId':'s1'}")), h.receivedBy(s3));
    assertEquals(List.of("s2"), members("r1"));
    assertEquals(List.of("s3"), members("r2"));
  }

  @Test
  void aSocketThatLeftCanNoLongerRelay() {
    Client s1 = h.client();
    Client s2 = h.client();
    inRoom(s1, "r1", "A");
    inRoom(s2, "r1", "B");
    assertTrue(h.send(s2, "leave-room", json("{'roomId':'r1'}")).ok());
    h.clearDeliveries();
    assertEquals("not_member", h.send(s2, "offer", json("{'roomId':'r1','offer':{'type':'offer','sdp':'v=0'}}")).code());
    assertEquals(List.of(), h.deliveries());
  }

  // ---- relays: a table -------------------------------------------------------------------------

  /**
   * Rows: event, what s1 sends, who receives, what they receive. Room r1 holds s1, s2, s3; s4 is in
   * r2. The output is the input with the server's fields added (overwriting any the sender forged).
   */
  static Stream<Arguments> relays() {
    String offer = "'offer':{'type':'offer','sdp':'v=0 o=- 1 2 IN IP4 127.0.0.1'}";
    String answer = "'answer':{'type':'answer','sdp':'v=0 o=- 3 4 IN IP4 127.0.0.1'}";
    String cand = "'candidate':{'candidate':'candidate:1 1 udp 2122260223 10.0.0.1 5000 typ host','sdpMid':'0','sdpMLineIndex':0}";
    return Stream.of(
        Arguments.of("offer", "{'roomId':'r1'," + offer + ",'targetUserId':'s2'}", List.of("s2"),
            "{'roomId':'r1'," + offer + ",'targetUserId':'s2','fromUserId':'s1'}"),
        Arguments.of("offer", "{'roomId':'r1'," + offer + "}", List.of("s2", "s3"),
            "{'roomId':'r1'," + offer + ",'fromUserId':'s1'}"),
        Arguments.of("offer", "{'roomId':'r1','offer':'v=0 bare sdp string'}", List.of("s2", "s3"),
            "{'roomId':'r1','offer':'v=0 bare sdp string','fromUserId':'s1'}"),
        Arguments.of("offer", "{'roomId':'r1'," + offer + ",'fromUserId':'s3','extra':{'k':[1,2]}}", List.of("s2", "s3"),
            "{'roomId':'r1'," + offer + ",'fromUserId':'s1','extra':{'k':[1,2]}}"),
        Arguments.of("answer", "{'roomId':'r1'," + answer + ",'targetUserId':'s3'}", List.of("s3"),
            "{'roomId':'r1'," + answer + ",'targetUserId':'s3','fromUserId':'s1'}"),
        Arguments.of("ice-candidate", "{'roomId':'r1'," + cand + ",'targetUserId':'s3'}", List.of("s3"),
            "{'roomId':'r1'," + cand + ",'targetUserId':'s3','fromUserId':'s1'}"),
        Arguments.of("ice-candidate", "{'roomId':'r1'," + cand + "}", List.of("s2", "s3"),
            "{'roomId':'r1'," + cand + ",'fromUserId':'s1'}"),
        Arguments.of("ice-candidate", "{'roomId':'r1','candidate':null}", List.of("s2", "s3"),
            "{'roomId':'r1','candidate':null,'fromUserId':'s1'}"),
        Arguments.of("media-state-change", "{'roomId':'r1','mediaState':{'audio':false,'video':true},'targetUserId':'s2'}",
            List.of("s2"), "{'roomId':'r1','mediaState':{'audio':false,'video':true},'targetUserId':'s2','userId':'s1'}"),
        Arguments.of("media-state-change", "{'roomId':'r1','mediaState':{'screen':true}}", List.of("s2", "s3"),
            "{'roomId':'r1','mediaState':{'screen':true},'userId':'s1'}"),
        Arguments.of("media-state-change", "{'roomId':'r1','mediaState':{'audio':false},'userId':'forged'}", List.of("s2", "s3"),
            "{'roomId':'r1','mediaState':{'audio':false},'userId':'s1'}"),
        Arguments.of("request-media-state", "{'roomId':'r1'}", List.of("s2", "s3"),
            "{'roomId':'r1','userId':'s1'}"),
        Arguments.of("media-state-response", "{'roomId':'r1','mediaState':{'audio':true,'video':false,'screen':false},"
                + "'targetUserId':'s3'}", List.of("s3"),
            "{'roomId':'r1','mediaState':{'audio':true,'video':false,'screen':false},'targetUserId':'s3','userId':'s1'}"),
        Arguments.of("media-state-response", "{'roomId':'r1','mediaState':{'audio':true}}", List.of("s2", "s3"),
            "{'roomId':'r1','mediaState':{'audio':true},'userId':'s1'}"));
  }

  private Client[] roomOfThreeAndAnOutsider() {
    Client[] c = {h.client(), h.client(), h.client(), h.client()};
    inRoom(c[0], "r1", "A");
    inRoom(c[1], "r1", "B");
    inRoom(c[2], "r1", "C");
    inRoom(c[3], "r2", "D");
    h.clearDeliveries();
    return c;
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("relays")
  void relaysReachExactlyTheirTargetsWithTheServersFieldsAdded(String event, String in, List<String> to, String out) {
    Client[] c = roomOfThreeAndAnOutsider();
    List<String> roomBefore = members("r1");
    Outcome o = h.send(c[0], event, json(in));
    assertTrue(o.ok(), () -> "refused: " + o.error());
    List<Delivery> expected = new ArrayList<>();
    for (String s : to) {
      expected.add(new Delivery(s, event, json(out)));
    }
    assertEquals(expected, h.deliveries());
    assertEquals(roomBefore, members("r1"));
  }

  @Test
  void anAnswerNeedsATarget() {
    Client[] c = roomOfThreeAndAnOutsider();
    assertEquals("bad_request", h.send(c[0], "answer", json("{'roomId':'r1','answer':{'type':'answer','sdp':'v=0'}}")).code());
    assertEquals(List.of(), h.deliveries());
  }

  @Test
  void aLargeButAllowedSdpIsRelayed() {
    Client[] c = roomOfThreeAndAnOutsider();
    ObjectNode in = (ObjectNode) json("{'roomId':'r1','targetUserId':'s2'}");
    in.putObject("offer").put("type", "offer").put("sdp", "a".repeat(60_000));
    assertTrue(h.send(c[0], "offer", in).ok());
    assertEquals(1, h.received(c[1], "offer").size());
  }

  /** Rows: event and payload sent in room r1 where the sender or the target is outside it. */
  static Stream<Arguments> membershipRefusals() {
    String offer = "'offer':{'type':'offer','sdp':'v=0'}";
    String answer = "'answer':{'type':'answer','sdp':'v=0'}";
    String cand = "'candidate':{'candidate':'c'}";
    List<Arguments> rows = new ArrayList<>();
    String[][] events = {
        {"offer", offer}, {"answer", answer}, {"ice-candidate", cand}, {"media-state-change", "'mediaState':{'audio':false}"},
        {"request-media-state", "'x':1"}, {"media-state-response", "'mediaState':{'audio':false}"}};
    for (String[] e : events) {
      String target = ",'targetUserId':'s2'";
      rows.add(Arguments.of(e[0], "sender outside the room", "s4", "{'roomId':'r1'," + e[1] + target + "}"));
      rows.add(Arguments.of(e[0], "sender in another room", "s4", "{'roomId':'r2'," + e[1] + target + "}"));
      rows.add(Arguments.of(e[0], "unknown room", "s1", "{'roomId':'nowhere'," + e[1] + target + "}"));
      rows.add(Arguments.of(e[0], "target in another room", "s1", "{'roomId':'r1'," + e[1] + ",'targetUserId':'s4'}"));
      rows.add(Arguments.of(e[0], "unknown target", "s1", "{'roomId':'r1'," + e[1] + ",'targetUserId':'s99'}"));
      rows.add(Arguments.of(e[0], "meeting the sender is not in", "s1", "{'meetingId':'m1'," + e[1] + target + "}"));
    }
    return rows.stream();
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("membershipRefusals")
  void theSenderAndTheTargetMustBeInTheRoom(String event, String why, String sender, String in) {
    Client[] c = roomOfThreeAndAnOutsider();
    TestVertx.await(h.signaling().meetings().create(MeetingId.of("m1"), "M", UserId.of("u"), null, null));
    Client other = h.client();
    assertTrue(h.send(other, "join-meeting", json("{'meetingId':'m1','userId':'u5'}")).ok());
    h.clearDeliveries();
    Client from = c[Integer.parseInt(sender.substring(1)) - 1];
    Outcome o = h.send(from, event, json(in));
    assertEquals("not_member", o.code(), why);
    assertEquals(List.of(), h.deliveries());
    assertEquals(List.of("s1", "s2", "s3"), members("r1"));
  }

  // ---- inside meetings -------------------------------------------------------------------------

  private Client[] meetingOfThree() {
    TestVertx.await(h.signaling().meetings().create(MeetingId.of("m1"), "M", UserId.of("u1"), null, null));
    Client[] c = {h.client(), h.client(), h.client(), h.client()};
    for (int i = 0; i < 3; i++) {
      assertTrue(h.send(c[i], "join-meeting", json("{'meetingId':'m1','userId':'u" + (i + 1) + "','userName':'N" + (i + 1) + "'}"))
          .ok());
    }
    h.clearDeliveries();
    return c;
  }

  /** Rows: event, what s1 sends with meetingId (or roomId = the meeting id), who gets what. */
  static Stream<Arguments> meetingRelays() {
    String offer = "'offer':{'type':'offer','sdp':'v=0'}";
    String cand = "'candidate':{'candidate':'c','sdpMid':'0'}";
    return Stream.of(
        Arguments.of("offer", "{'meetingId':'m1'," + offer + ",'targetUserId':'s2'}", List.of("s2"),
            "{'meetingId':'m1'," + offer + ",'targetUserId':'s2','fromUserId':'s1','roomId':'m1'}"),
        Arguments.of("offer", "{'meetingId':'m1'," + offer + "}", List.of("s2", "s3"),
            "{'meetingId':'m1'," + offer + ",'fromUserId':'s1','roomId':'m1'}"),
        Arguments.of("offer", "{'roomId':'m1'," + offer + "}", List.of("s2", "s3"),
            "{'roomId':'m1'," + offer + ",'fromUserId':'s1'}"),
        Arguments.of("answer", "{'meetingId':'m1','answer':{'type':'answer','sdp':'v=0'},'targetUserId':'s3'}", List.of("s3"),
            "{'meetingId':'m1','answer':{'type':'answer','sdp':'v=0'},'targetUserId':'s3','fromUserId':'s1','roomId':'m1'}"),
        Arguments.of("ice-candidate", "{'meetingId':'m1'," + cand + "}", List.of("s2", "s3"),
            "{'meetingId':'m1'," + cand + ",'fromUserId':'s1','roomId':'m1'}"),
        Arguments.of("request-media-state", "{'meetingId':'m1'}", List.of("s2", "s3"),
            "{'meetingId':'m1','userId':'s1','roomId':'m1'}"),
        Arguments.of("media-state-response", "{'meetingId':'m1','mediaState':{'audio':true},'targetUserId':'s2'}", List.of("s2"),
            "{'meetingId':'m1','mediaState':{'audio':true},'targetUserId':'s2','userId':'s1','roomId':'m1'}"),
        Arguments.of("media-state-change", "{'meetingId':'m1','mediaState':{'audio':false}}", List.of("s2", "s3"),
            "{'meetingId':'m1','mediaState':{'audio':false},'userId':'s1','roomId':'m1'}"));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("meetingRelays")
  void relaysInsideAMeetingCarryTheMeetingIdAsRoomId(String event, String in, List<String> to, String out) {
    Client[] c = meetingOfThree();
    Outcome o = h.send(c[0], event, json(in));
    assertTrue(o.ok(), () -> "refused: " + o.error());
    List<Delivery> expected = new ArrayList<>();
    for (String s : to) {
      expected.add(new Delivery(s, event, json(out)));
    }
    assertEquals(expected, h.deliveries());
  }

  @Test
  void aMeetingRelayToASocketOutsideTheMeetingIsNotMember() {
    Client[] c = meetingOfThree();
    assertEquals("not_member", h.send(c[0], "offer",
        json("{'meetingId':'m1','offer':{'type':'offer','sdp':'v=0'},'targetUserId':'s4'}")).code());
    assertEquals("not_member", h.send(c[3], "offer",
        json("{'meetingId':'m1','offer':{'type':'offer','sdp':'v=0'}}")).code());
    assertEquals(List.of(), h.deliveries());
  }

  @Test
  void joinRoomOnAMeetingIdIsAnIdempotentSuccessForAParticipant() {
    Client[] c = meetingOfThree();
    for (int i = 0; i < 2; i++) {
      Outcome o = h.send(c[1], "join-room", json("{'roomId':'m1','userName':'ignored'}"));
      assertTrue(o.ok(), () -> "refused: " + o.error());
    }
    JsonNode roomJoined = json("{'roomId':'m1','participants':[{'userId':'s1','userName':'N1'},{'userId':'s3','userName':'N3'}]}");
    assertEquals(deliveries(c[1], "room-joined", roomJoined, roomJoined), h.deliveries(), "nobody is told of a join twice");
    assertEquals(List.of(), members("m1"), "the meeting's capacity rules, not a second mesh membership");
    assertEquals(3, TestVertx.await(h.stores().meetings().participants(MeetingId.of("m1"))).size());
  }

  @Test
  void joinRoomOnAMeetingIdByANonParticipantIsRefused() {
    Client[] c = meetingOfThree();
    Outcome o = h.send(c[3], "join-room", json("{'roomId':'m1'}"));
    assertEquals("not_member", o.code());
    assertEquals(List.of(), h.deliveries());
    assertEquals(List.of(), members("m1"));
  }
}
