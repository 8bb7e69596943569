package io.switchboard.signaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.signaling.SignalingHarness.Outcome;
import io.switchboard.signaling.ids.GroupId;
import io.switchboard.signaling.ids.MeetingId;
import io.switchboard.signaling.ids.RoomId;
import io.switchboard.signaling.ids.UserId;
import io.switchboard.signaling.store.Stores;
import io.switchboard.testkit.TestVertx;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input, for every event of the contract: missing fields, wrong types, oversized strings and
 * payloads, non-object payloads, unknown ids. Each row must be refused with a code, change no state
 * (store snapshots before and after are equal) and deliver nothing to anyone (the refusal itself
 * reaches the sender as its {@code error} event / failed ack, outside the stores and the outbound).
 *
 * <p>The fixture, rebuilt for every row (sockets s1..s6 in creation order):
 * <ul>
 *   <li>s1: user u1, creator and participant of m1, in rooms r1, group room g1</li>
 *   <li>s2: user u2, participant of m1, m2 and mfull, in room r1, group room g1</li>
 *   <li>s3: user u3, in room r1; s4: in room r2 only; s5, s6: connected, nothing else</li>
 *   <li>meetings m1 (creator u1), m2 (creator u9), mp (password "pw"), mfull (capacity 1, full),
 *       mended (ended); group g1 = {u1, u2}</li>
 * </ul>
 */
class BadInputTest {
  /** The call events (seeds 002-004) are owned by the calls family; here they get the generic rows. */
  private static final Set<String> CALL_EVENTS = Set.of("initiateVideoCall", "initiateGroupVideoCall", "acceptVideoCall",
      "rejectVideoCall", "endVideoCall", "call-request", "call-answer", "call-reject", "call-end");
  private static final Set<String> FIXED_IDS = Set.of("m1", "m2", "mp", "mfull", "mended", "r1", "r2", "g1", "g2", "u1",
      "u2", "u3", "u4", "u9", "nope", "nowhere", "s1", "s2", "s3", "s4", "s5", "s6", "s99");
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private SignalingHarness h;
  private final List<Client> clients = new ArrayList<>();

  @BeforeEach
  void fixture() {
    h = new SignalingHarness();
    for (int i = 0; i < 6; i++) {
      clients.add(h.client());
    }
    meeting("m1", "u1", null, null);
    meeting("m2", "u9", null, null);
    meeting("mp", "u9", "pw", null);
    meeting("mfull", "u9", null, 1);
    meeting("mended", "u9", null, null);
    TestVertx.await(h.signaling().meetings().end(MeetingId.of("mended")));
    TestVertx.await(h.signaling().groups().setMembers(GroupId.of("g1"), Set.of(UserId.of("u1"), UserId.of("u2"))));
    ok(1, "userOnline", "'u1'");
    ok(2, "userOnline", "'u2'");
    ok(3, "user-connected", "'u3'");
    ok(1, "join-meeting", "{'meetingId':'m1','userId':'u1','userName':'One'}");
    ok(2, "join-meeting", "{'meetingId':'m1','userId':'u2','userName':'Two'}");
    ok(2, "join-meeting", "{'meetingId':'m2','userId':'u2','userName':'Two'}");
    ok(2, "join-meeting", "{'meetingId':'mfull','userId':'u2','userName':'Two'}");
    ok(1, "join-room", "{'roomId':'r1','userName':'One'}");
    ok(2, "join-room", "{'roomId':'r1','userName':'Two'}");
    ok(3, "join-room", "{'roomId':'r1','userName':'Three'}");
    ok(4, "join-room", "{'roomId':'r2','userName':'Four'}");
    h.clearDeliveries();
  }

  @AfterEach
  void stop() {
    h.close();
  }

  private void meeting(String id, String creator, String password, Integer max) {
    TestVertx.await(h.signaling().meetings().create(MeetingId.of(id), "Meeting " + id, UserId.of(creator), password, max));
  }

  private void ok(int socket, String event, String payload) {
    Outcome o = h.send(clients.get(socket - 1), event, SignalingHarness.json(payload));
    assertTrue(o.ok(), () -> event + " " + payload + " refused: " + o.error());
  }

  // ---- the tables ------------------------------------------------------------------------------

  /** One bad request: who sends it, what, and which codes are acceptable refusals. */
  record Row(int sender, String event, JsonNode payload, Set<String> codes, String why) {
    @Override
    public String toString() {
      return "s" + sender + " " + event + ": " + why;
    }
  }

  private static final Set<String> BAD = Set.of("bad_request");
  private static final Set<String> LARGE = Set.of("too_large");
  private static final Set<String> BAD_OR_LARGE = Set.of("bad_request", "too_large");
  private static final Set<String> NOT_MEMBER = Set.of("not_member");
  private static final Set<String> NOT_FOUND = Set.of("not_found");
  private static final Set<String> UNKNOWN_ID = Set.of("not_found", "not_member");
  /** Any code of the catalogue: the row must be refused, whichever way. */
  private static final Set<String> ANY_CODE = codes();

  private static Set<String> codes() {
    Set<String> all = new TreeSet<>();
    for (ErrorCode c : ErrorCode.values()) {
      all.add(c.wire());
    }
    return Set.copyOf(all);
  }

  /** Single-quoted JSON with placeholders for oversized strings. */
  static JsonNode p(String singleQuoted) {
    String s = singleQuoted
        .replace("ID129", "i".repeat(129))
        .replace("NAME257", "n".repeat(257))
        .replace("PW257", "w".repeat(257))
        .replace("SDP65K", "s".repeat(65_537))
        .replace("CAND4K", "c".repeat(4_097))
        .replace("BIG300K", "x".repeat(300_000));
    return SignalingHarness.json(s);
  }

  private static Row row(String event, String payload, Set<String> codes, String why) {
    return new Row(1, event, p(payload), codes, why);
  }

  private static Row row(int sender, String event, String payload, Set<String> codes, String why) {
    return new Row(sender, event, p(payload), codes, why);
  }

  /** Everything any event might look for, valid, plus a field that makes the payload over 256 KiB. */
  private static JsonNode oversizedPayload() {
    return p("{'roomId':'r1','meetingId':'m1','groupId':'g1','userId':'u1','userName':'One','to':'u2','from':'u1',"
        + "'id':'c1','callId':'c1','callerId':'u1','callerName':'One','receiverId':'u2','receiverName':'Two',"
        + "'isGroupCall':false,'roomName':'call-1','type':'video','timestamp':'2025-08-06T00:00:00Z',"
        + "'offer':{'type':'offer','sdp':'v=0'},'answer':{'type':'answer','sdp':'v=0'},'candidate':{'candidate':'c'},"
        + "'mediaState':{'audio':true},'memberIds':['u1','u2'],'participantId':'p1','targetUserId':'s2','text':'hi',"
        + "'junk':'BIG300K'}");
  }

  /** The rows every event gets, whatever its fields. */
  static List<Row> genericRows(Set<String> events) {
    List<Row> rows = new ArrayList<>();
    for (String event : new TreeSet<>(events)) {
      boolean mine = !CALL_EVENTS.contains(event);
      rows.add(new Row(1, event, null, BAD, "no argument"));
      rows.add(new Row(1, event, NullNode.instance, BAD, "null"));
      rows.add(new Row(1, event, F.booleanNode(true), BAD, "a boolean"));
      rows.add(new Row(1, event, F.numberNode(1.5), BAD, "a fraction"));
      rows.add(new Row(1, event, F.arrayNode(), BAD, "an empty array"));
      rows.add(new Row(1, event, F.arrayNode().add("m1").add("g1"), BAD, "an array of ids"));
      rows.add(new Row(1, event, F.textNode(""), BAD, "an empty string"));
      rows.add(new Row(1, event, F.textNode("   "), BAD, "a blank string"));
      rows.add(new Row(1, event, F.textNode("i".repeat(129)), BAD_OR_LARGE, "a string over the id cap"));
      // A call event's required fields are the calls family's to define: for them an empty object
      // may be refused as bad_request or as an unknown call (not_found); either way, refused.
      rows.add(new Row(1, event, F.objectNode(), mine ? BAD : ANY_CODE, "an empty object"));
      rows.add(new Row(1, event, oversizedPayload(), mine ? LARGE : BAD_OR_LARGE, "a payload over 256 KiB"));
    }
    return rows;
  }

  /** Rows per event of the meeting, room, group, presence and chat families. */
  static List<Row> specificRows() {
    String offer = "'offer':{'type':'offer','sdp':'v=0'}";
    String answer = "'answer':{'type':'answer','sdp':'v=0'}";
    String cand = "'candidate':{'candidate':'candidate:1 1 udp 1 10.0.0.1 5000 typ host'}";
    List<Row> rows = new ArrayList<>(List.of(
        // join-meeting (s1 is not in m2: a valid join there would change state)
        row("join-meeting", "{'userId':'u1','userName':'One'}", BAD, "meetingId missing"),
        row("join-meeting", "{'meetingId':null,'userId':'u1'}", BAD, "meetingId null"),
        row("join-meeting", "{'meetingId':1.5,'userId':'u1'}", BAD, "meetingId a fraction"),
        row("join-meeting", "{'meetingId':true,'userId':'u1'}", BAD, "meetingId a boolean"),
        row("join-meeting", "{'meetingId':{'id':'m2'},'userId':'u1'}", BAD, "meetingId an object"),
        row("join-meeting", "{'meetingId':['m2'],'userId':'u1'}", BAD, "meetingId an array"),
        row("join-meeting", "{'meetingId':'','userId':'u1'}", BAD, "meetingId empty"),
        row("join-meeting", "{'meetingId':'ID129','userId':'u1'}", LARGE, "meetingId over 128"),
        row("join-meeting", "{'meetingId':'m2'}", BAD, "userId missing (open mode)"),
        row("join-meeting", "{'meetingId':'m2','userId':{'id':'u1'}}", BAD, "userId an object"),
        row("join-meeting", "{'meetingId':'m2','userId':'ID129'}", LARGE, "userId over 128"),
        row("join-meeting", "{'meetingId':'m2','userId':'u1','userName':'NAME257'}", LARGE, "userName over 256"),
        row("join-meeting", "{'meetingId':'m2','userId':'u1','userName':42}", BAD, "userName a number"),
        row("join-meeting", "{'meetingId':'m2','userId':'u1','userName':['a']}", BAD, "userName an array"),
        row("join-meeting", "{'meetingId':'mp','userId':'u1','meeting_password':42}", BAD, "password a number"),
        row("join-meeting", "{'meetingId':'mp','userId':'u1','meeting_password':'PW257'}", LARGE, "password over 256"),
        row("join-meeting", "{'meetingId':'m2','userId':'u1','junk':'BIG300K'}", LARGE, "payload over 256 KiB"),
        row("join-meeting", "{'meetingId':'nope','userId':'u1'}", NOT_FOUND, "unknown meeting"),
        row("join-meeting", "{'meetingId':'mp','userId':'u1','meeting_password':'wrong'}", Set.of("bad_password"),
            "wrong password"),
        row("join-meeting", "{'meetingId':'mended','userId':'u1'}", Set.of("meeting_ended"), "ended meeting"),
        row("join-meeting", "{'meetingId':'mfull','userId':'u1'}", Set.of("meeting_full"), "full meeting"),
        // leave-meeting
        row("leave-meeting", "{'meetingId':1.5}", BAD, "meetingId a fraction"),
        row("leave-meeting", "{'meetingId':'ID129'}", LARGE, "meetingId over 128"),
        row("leave-meeting", "{'meetingId':'nope'}", UNKNOWN_ID, "unknown meeting"),
        row("leave-meeting", "{'meetingId':'m2'}", NOT_MEMBER, "a meeting the sender is not in"),
        // kick-participant
        row("kick-participant", "{'participantId':'p'}", BAD, "meetingId missing"),
        row("kick-participant", "{'meetingId':'m1'}", BAD, "participantId missing"),
        row("kick-participant", "{'meetingId':'m1','participantId':{}}", BAD, "participantId an object"),
        row("kick-participant", "{'meetingId':'m1','participantId':'ID129'}", LARGE, "participantId over 128"),
        row("kick-participant", "{'meetingId':'ID129','participantId':'p'}", LARGE, "meetingId over 128"),
        row("kick-participant", "{'meetingId':'nope','participantId':'p'}", NOT_FOUND, "unknown meeting"),
        row("kick-participant", "{'meetingId':'m1','participantId':'nope'}", NOT_FOUND, "unknown participant"),
        row(2, "kick-participant", "{'meetingId':'m1','participantId':'nope'}", Set.of("unauthorized"), "not the creator"),
        // end-meeting
        row("end-meeting", "{'meetingId':[]}", BAD, "meetingId an array"),
        row("end-meeting", "{'meetingId':'ID129'}", LARGE, "meetingId over 128"),
        row("end-meeting", "{'meetingId':'nope'}", NOT_FOUND, "unknown meeting"),
        row(2, "end-meeting", "{'meetingId':'m1'}", Set.of("unauthorized"), "not the creator"),
        // join-room / leave-room (s5 is in no room)
        row(5, "join-room", "{'userName':'Five'}", BAD, "roomId missing"),
        row(5, "join-room", "{'roomId':1.5}", BAD, "roomId a fraction"),
        row(5, "join-room", "{'roomId':{'id':'r9'}}", BAD, "roomId an object"),
        row(5, "join-room", "{'roomId':'ID129'}", LARGE, "roomId over 128"),
        row(5, "join-room", "{'roomId':'r9','userName':'NAME257'}", LARGE, "userName over 256"),
        row(5, "join-room", "{'roomId':'r9','userName':7}", BAD, "userName a number"),
        row(5, "join-room", "{'roomId':'r9','junk':'BIG300K'}", LARGE, "payload over 256 KiB"),
        row(5, "join-room", "{'roomId':'m2'}", NOT_MEMBER, "a meeting's room, not a participant"),
        row("leave-room", "{'roomId':true}", BAD, "roomId a boolean"),
        row("leave-room", "{'roomId':'ID129'}", LARGE, "roomId over 128"),
        row("leave-room", "{'roomId':'nope'}", NOT_MEMBER, "unknown room"),
        row("leave-room", "{'roomId':'r2'}", NOT_MEMBER, "a room the sender is not in"),
        // answer needs a target
        row("answer", "{'roomId':'r1'," + answer + "}", BAD, "targetUserId missing"),
        // ice-candidate: neither shape
        row("ice-candidate", "{" + cand + "}", BAD, "neither roomId nor to"),
        row("ice-candidate", "{" + cand + ",'targetUserId':'s2'}", BAD, "a target but no room"),
        // media-state-change specifics: the state must not change
        row("media-state-change", "{'roomId':'r1','mediaState':{'audio':'off'}}", BAD, "audio a string"),
        row("media-state-change", "{'roomId':'r1','mediaState':{'video':1}}", BAD, "video a number"),
        row("media-state-change", "{'meetingId':'m1','mediaState':{'audio':false,'screen':'yes'}}", BAD,
            "one bad field in a meeting"),
        row("media-state-change", "{'meetingId':'m1','mediaState':{'audio':false},'targetUserId':'s3'}", NOT_MEMBER,
            "a target outside the meeting"),
        row("media-state-change", "{'meetingId':'m1','mediaState':{'audio':false},'targetUserId':'ID129'}", LARGE,
            "target over 128 in a meeting"),
        row("media-state-change", "{'meetingId':'m2','mediaState':{'audio':false}}", NOT_MEMBER,
            "a meeting the sender is not in"),
        // groups
        row("joinGroup", "{'groupId':1.5}", BAD, "groupId a fraction"),
        row("joinGroup", "{'groupId':'ID129'}", LARGE, "groupId over 128"),
        row("joinGroup", "{'groupId':['g1']}", BAD, "groupId an array"),
        row("leaveGroup", "{'groupId':{}}", BAD, "groupId an object"),
        row("leaveGroup", "{'groupId':'ID129'}", LARGE, "groupId over 128"),
        row("groupCreated", "{'memberIds':['u1']}", BAD, "groupId missing"),
        row("groupCreated", "{'groupId':'g2'}", BAD, "memberIds missing"),
        row("groupCreated", "{'groupId':'g2','memberIds':'u1'}", BAD, "memberIds a string"),
        row("groupCreated", "{'groupId':'g2','memberIds':{'u1':true}}", BAD, "memberIds an object"),
        row("groupCreated", "{'groupId':'g2','memberIds':['u1',1.5]}", BAD, "a member id a fraction"),
        row("groupCreated", "{'groupId':'g2','memberIds':['u1',null]}", BAD, "a member id null"),
        row("groupCreated", "{'groupId':'g2','memberIds':['u1',{}]}", BAD, "a member id an object"),
        row("groupCreated", "{'groupId':'g2','memberIds':['u1','']}", BAD, "a member id empty"),
        row("groupCreated", "{'groupId':'g2','memberIds':['u1','ID129']}", LARGE, "a member id over 128"),
        row("groupCreated", "{'groupId':'ID129','memberIds':['u1']}", LARGE, "groupId over 128"),
        row("groupCreated", "{'groupId':'g1','memberIds':['u1'],'junk':'BIG300K'}", LARGE, "payload over 256 KiB"),
        // chat
        row("sendMessage", "{'text':'hi'}", BAD, "to missing"),
        row("sendMessage", "{'to':['u2'],'text':'hi'}", BAD, "to an array"),
        row("sendMessage", "{'to':1.5,'text':'hi'}", BAD, "to a fraction"),
        row("sendMessage", "{'to':'ID129','text':'hi'}", LARGE, "to over 128"),
        row("sendMessage", "{'to':'u2','text':'BIG300K'}", LARGE, "message over 256 KiB"),
        row("sendGroupMessage", "{'text':'hi'}", BAD, "groupId missing"),
        row("sendGroupMessage", "{'groupId':{},'text':'hi'}", BAD, "groupId an object"),
        row("sendGroupMessage", "{'groupId':'ID129','text':'hi'}", LARGE, "groupId over 128"),
        row("sendGroupMessage", "{'groupId':'g1','text':'BIG300K'}", LARGE, "message over 256 KiB")));

    // Registration: four events, the same table (s5 is registered as nobody).
    for (String e : List.of("userOnline", "user-connected", "joinVideoRoom", "leaveVideoRoom")) {
      rows.add(row(5, e, "{'userId':1.5}", BAD, "userId a fraction"));
      rows.add(row(5, e, "{'userId':['u5']}", BAD, "userId an array"));
      rows.add(row(5, e, "{'userId':''}", BAD, "userId empty"));
      rows.add(row(5, e, "{'userId':'ID129'}", LARGE, "userId over 128"));
      rows.add(row(5, e, "'ID129'", LARGE, "a bare userId over 128"));
      rows.add(row(5, e, "{'userId':'u5','junk':'BIG300K'}", LARGE, "payload over 256 KiB"));
    }

    // The room relays: the same checks for each, plus the field each one carries.
    String[][] relays = {
        {"offer", offer, "offer"}, {"answer", answer, "answer"}, {"ice-candidate", cand, "candidate"},
        {"media-state-change", "'mediaState':{'audio':false}", "mediaState"},
        {"request-media-state", "'x':1", null},
        {"media-state-response", "'mediaState':{'audio':false}", "mediaState"}};
    for (String[] r : relays) {
      String e = r[0];
      String body = r[1];
      String target = ",'targetUserId':'s2'";
      rows.add(row(e, "{" + body + target + "}", BAD, "roomId missing"));
      rows.add(row(e, "{'roomId':1.5," + body + target + "}", BAD, "roomId a fraction"));
      rows.add(row(e, "{'roomId':{'id':'r1'}," + body + target + "}", BAD, "roomId an object"));
      rows.add(row(e, "{'roomId':'ID129'," + body + target + "}", LARGE, "roomId over 128"));
      rows.add(row(e, "{'meetingId':'ID129'," + body + target + "}", LARGE, "meetingId over 128"));
      rows.add(row(e, "{'roomId':'r1'," + body + ",'targetUserId':'ID129'}", LARGE, "targetUserId over 128"));
      rows.add(row(e, "{'roomId':'r1'," + body + ",'targetUserId':{'id':'s2'}}", BAD, "targetUserId an object"));
      rows.add(row(e, "{'roomId':'r1'," + body + ",'targetUserId':1.5}", BAD, "targetUserId a fraction"));
      rows.add(row(e, "{'roomId':'r1'," + body + target + ",'junk':'BIG300K'}", LARGE, "payload over 256 KiB"));
      rows.add(row(e, "{'roomId':'nowhere'," + body + target + "}", NOT_MEMBER, "unknown room"));
      rows.add(row(e, "{'roomId':'r2'," + body + target + "}", NOT_MEMBER, "a room the sender is not in"));
      rows.add(row(4, e, "{'roomId':'r1'," + body + target + "}", NOT_MEMBER, "a sender outside the room"));
      rows.add(row(e, "{'roomId':'r1'," + body + ",'targetUserId':'s4'}", NOT_MEMBER, "a target in another room"));
      rows.add(row(e, "{'roomId':'r1'," + body + ",'targetUserId':'s99'}", NOT_MEMBER, "an unknown target"));
      rows.add(row(e, "{'meetingId':'m2'," + body + target + "}", NOT_MEMBER, "a meeting the sender is not in"));
      rows.add(row(e, "{'meetingId':'m1'," + body + ",'targetUserId':'s3'}", NOT_MEMBER, "a target outside the meeting"));
      if (r[2] != null) {
        rows.add(row(e, "{'roomId':'r1'" + target + "}", BAD, r[2] + " missing"));
        rows.add(row(e, "{'roomId':'r1','" + r[2] + "':42" + target + "}", BAD, r[2] + " a number"));
        rows.add(row(e, "{'roomId':'r1','" + r[2] + "':[1]" + target + "}", BAD, r[2] + " an array"));
      }
    }
    for (String e : List.of("offer", "answer")) {
      rows.add(row(e, "{'roomId':'r1','" + e + "':'SDP65K'" + ",'targetUserId':'s2'}", LARGE, "a bare SDP over 64 KiB"));
      rows.add(row(e, "{'roomId':'r1','" + e + "':{'type':'" + e + "','sdp':'SDP65K'},'targetUserId':'s2'}", LARGE,
          "an SDP over 64 KiB"));
      rows.add(row(e, "{'roomId':'r1','" + e + "':{'type':'" + e + "','sdp':42},'targetUserId':'s2'}", BAD,
          "sdp a number"));
    }
    rows.add(row("ice-candidate", "{'roomId':'r1','candidate':'CAND4K'}", LARGE, "a bare candidate over 4 KiB"));
    rows.add(row("ice-candidate", "{'roomId':'r1','candidate':{'candidate':'CAND4K','sdpMid':'0'}}", LARGE,
        "a candidate over 4 KiB"));
    rows.add(row("ice-candidate", "{'roomId':'r1','candidate':true}", BAD, "candidate a boolean"));

    ObjectNode tooMany = F.objectNode().put("groupId", "g2");
    ArrayNode ids = tooMany.putArray("memberIds");
    for (int i = 0; i < 10_001; i++) {
      ids.add("u" + i);
    }
    rows.add(new Row(1, "groupCreated", tooMany, LARGE, "10 001 member ids"));
    return rows;
  }

  static Set<String> contractEvents() {
    try (SignalingHarness probe = new SignalingHarness()) {
      return probe.signaling().events();
    }
  }

  static Stream<Arguments> allRows() {
    List<Row> rows = new ArrayList<>(genericRows(contractEvents()));
    Set<String> events = contractEvents();
    for (Row r : specificRows()) {
      if (events.contains(r.event())) {
        rows.add(r);
      }
    }
    return rows.stream().map(Arguments::of);
  }

  // ---- the checks ------------------------------------------------------------------------------

  @ParameterizedTest(name = "{0}")
  @MethodSource("allRows")
  void badInputIsRefusedWithACodeChangesNothingAndDeliversNothing(Row row) {
    Client sender = clients.get(row.sender() - 1);
    Set<String> probeIds = new TreeSet<>(FIXED_IDS);
    collectStrings(row.payload(), probeIds);
    Map<String, Object> before = snapshot(probeIds);
    List<Delivery> deliveriesBefore = h.deliveries();

    Outcome o = h.send(sender, row.event(), row.payload());

    assertNotNull(o.error(), () -> row + " was accepted: " + o.ack());
    assertTrue(row.codes().contains(o.code()), () -> row + " refused with " + o.code() + " (" + o.error().getMessage()
        + "), expected one of " + row.codes());
    assertNotNull(o.error().getMessage());
    assertEquals(deliveriesBefore, h.deliveries(), () -> row + " delivered something");
    Map<String, Object> after = snapshot(probeIds);
    assertEquals(before, after, () -> row + " changed state");
  }

  @Test
  void anUnknownEventIsRefusedAndChangesNothing() {
    Map<String, Object> before = snapshot(FIXED_IDS);
    Outcome o = h.send(clients.get(0), "no-such-event", p("{'roomId':'r1'}"));
    assertEquals("unknown_event", o.code());
    assertEquals(List.of(), h.deliveries());
    assertEquals(before, snapshot(FIXED_IDS));
  }

  @Test
  void everyEventOutsideTheCallsFamilyHasItsOwnRows() {
    Set<String> covered = new TreeSet<>();
    for (Row r : specificRows()) {
      covered.add(r.event());
    }
    Set<String> missing = new TreeSet<>(h.signaling().events());
    missing.removeAll(covered);
    missing.removeAll(CALL_EVENTS);
    assertEquals(Set.of(), missing, "events without specific bad-input rows");
  }

  @Test
  void theFixtureIsWhatTheTablesAssume() {
    Stores s = h.stores();
    assertEquals(2, TestVertx.await(s.meetings().participants(MeetingId.of("m1"))).size());
    assertEquals(3, TestVertx.await(s.rooms().members(RoomId.of("r1"))).size());
    assertEquals(2, TestVertx.await(s.groups().roomSockets(GroupId.of("g1"))).size());
    assertEquals(1, TestVertx.await(s.meetings().participants(MeetingId.of("mfull"))).size());
    assertEquals(List.of(), h.deliveries());
  }

  // ---- snapshots -------------------------------------------------------------------------------

  private static void collectStrings(JsonNode node, Set<String> into) {
    if (node == null) {
      return;
    }
    if (node.isTextual() && !node.textValue().isBlank() && node.textValue().length() <= 1_000) {
      into.add(node.textValue());
    }
    node.forEach(child -> collectStrings(child, into));
  }

  /** Everything the stores say about the given ids, and what each client believes it is. */
  private Map<String, Object> snapshot(Set<String> ids) {
    Stores s = h.stores();
    Map<String, Object> snap = new LinkedHashMap<>();
    for (String id : new TreeSet<>(ids)) {
      snap.put("meeting " + id, TestVertx.await(s.meetings().get(MeetingId.of(id))));
      snap.put("participants " + id, TestVertx.await(s.meetings().participants(MeetingId.of(id))));
      snap.put("room " + id, TestVertx.await(s.rooms().members(RoomId.of(id))));
      snap.put("group members " + id, TestVertx.await(s.groups().members(GroupId.of(id))));
      snap.put("group room " + id, TestVertx.await(s.groups().roomSockets(GroupId.of(id))));
      snap.put("groups of " + id, TestVertx.await(s.groups().groupsOf(UserId.of(id))));
      snap.put("sockets of " + id, TestVertx.await(s.presence().sockets(UserId.of(id))));
      snap.put("calls of " + id, TestVertx.await(s.calls().callsOf(UserId.of(id))));
    }
    for (Client c : clients) {
      snap.put("user of " + c.socketId(), TestVertx.await(s.presence().userOf(c.socketId())));
      snap.put("client user " + c.socketId(), String.valueOf(c.user()));
    }
    return snap;
  }
}
