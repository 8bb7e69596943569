package io.switchboard.signaling.meetings;

import static io.switchboard.signaling.SignalingHarness.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.signaling.Client;
import io.switchboard.signaling.Delivery;
import io.switchboard.signaling.Identity;
import io.switchboard.signaling.SignalingConfig;
import io.switchboard.signaling.SignalingException;
import io.switchboard.signaling.SignalingHarness;
import io.switchboard.signaling.SignalingHarness.Outcome;
import io.switchboard.signaling.Views;
import io.switchboard.signaling.ids.MeetingId;
import io.switchboard.signaling.ids.ParticipantId;
import io.switchboard.signaling.ids.SocketId;
import io.switchboard.signaling.ids.UserId;
import io.switchboard.signaling.store.MediaState;
import io.switchboard.signaling.store.Meeting;
import io.switchboard.signaling.store.MeetingStatus;
import io.switchboard.signaling.store.Participant;
import io.switchboard.testkit.TestVertx;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Meetings (seed 001 and EVENTS.md): join, leave, disconnect, media, kick, end, passwords, auto-create. */
class MeetingHandlersTest {
  private static final String M1 = "m1";

  private SignalingHarness h;

  @BeforeEach
  void start() {
    h = new SignalingHarness();
  }

  @AfterEach
  void stop() {
    h.close();
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private static Meeting create(SignalingHarness h, String id, String creator, String password, Integer max) {
    return TestVertx.await(h.signaling().meetings().create(MeetingId.of(id), "Team Meeting", UserId.of(creator), password, max));
  }

  private Meeting create(String id, String creator) {
    return create(h, id, creator, null, null);
  }

  private static ObjectNode joinPayload(String meeting, String user, String name) {
    ObjectNode o = Views.object();
    o.put("meetingId", meeting);
    o.put("userId", user);
    o.put("userName", name);
    return o;
  }

  private Outcome join(Client c, String meeting, String user, String name) {
    return h.send(c, "join-meeting", joinPayload(meeting, user, name));
  }

  /** Joins and returns the participant id from the ack, asserting success. */
  private String joined(Client c, String meeting, String user, String name) {
    Outcome o = join(c, meeting, user, name);
    assertTrue(o.ok(), () -> "join refused: " + o.error());
    String pid = o.ack().get("participantId").asText();
    assertFalse(pid.isBlank());
    return pid;
  }

  private JsonNode lastMeetingJoined(Client c) {
    List<JsonNode> all = h.received(c, "meeting-joined");
    assertFalse(all.isEmpty(), c.socketId() + " got no meeting-joined");
    return all.get(all.size() - 1);
  }

  private List<Participant> participants(String meeting) {
    return TestVertx.await(h.stores().meetings().participants(MeetingId.of(meeting)));
  }

  private static ObjectNode participantView(String pid, String user, String name, Client c, boolean audio, boolean video,
      boolean screen) {
    ObjectNode o = Views.object();
    o.put("participantId", pid);
    o.put("userId", user);
    o.put("userName", name);
    o.put("socketId", c.socketId().value());
    o.put("audio", audio);
    o.put("video", video);
    o.put("screen", screen);
    return o;
  }

  private static ObjectNode joinedAnnouncement(String pid, String user, String name, Client c, boolean canRecord) {
    ObjectNode o = participantView(pid, user, name, c, true, true, false);
    ObjectNode permissions = o.putObject("permissions");
    permissions.put("canShare", true);
    permissions.put("canChat", true);
    permissions.put("canRecord", canRecord);
    return o;
  }

  private static List<String> participantIds(JsonNode list) {
    List<String> out = new ArrayList<>();
    for (JsonNode p : list) {
      out.add(p.get("participantId").asText());
    }
    return out;
  }

  /** Every field name in the tree, at every depth. */
  private static void fieldNames(JsonNode node, Set<String> into) {
    if (node == null) {
      return;
    }
    if (node.isObject()) {
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        into.add(e.getKey());
        fieldNames(e.getValue(), into);
      }
    } else if (node.isArray()) {
      node.forEach(n -> fieldNames(n, into));
    }
  }

  // ---- seed 001 "Testing Checklist" ------------------------------------------------------------

  @Nested
  class Seed001Checklist {

    @Test
    void test1SingleUserJoin() {
      // Connect socket; emit join-meeting
      Meeting m = create(M1, "u1");
      Client user1 = h.client();
      Outcome o = join(user1, M1, "u1", "User One");

      // No errors
      assertTrue(o.ok(), () -> "refused: " + o.error());
      // Receive meeting-joined with empty participants array
      JsonNode joined = lastMeetingJoined(user1);
      assertTrue(joined.get("participants").isArray());
      assertEquals(0, joined.get("participants").size());
      assertTrue(joined.get("success").asBoolean());
      ObjectNode meeting = Views.object();
      meeting.put("id", M1);
      meeting.put("meeting_name", "Team Meeting");
      meeting.put("meeting_status", "live");
      meeting.put("creator_id", "u1");
      meeting.put("max_participants", m.maxParticipants());
      meeting.put("created_at", Instant.ofEpochMilli(m.createdAt()).toString());
      assertEquals(meeting, joined.get("meeting"));
      assertEquals(json("{'iceServers':[]}"), joined.get("webrtcConfig"));
      // participantId is unique (per session: not the user id, and what the ack says)
      String pid = joined.get("participantId").asText();
      assertFalse(pid.isBlank());
      assertNotEquals("u1", pid);
      assertEquals(pid, o.ack().get("participantId").asText());
      assertEquals(Set.of("success", "meeting", "participantId", "participants", "webrtcConfig"), fieldSet(joined));
      // and nothing else reached anyone
      assertEquals(1, h.deliveries().size(), h.deliveries().toString());
    }

    @Test
    void test2SecondUserJoins() {
      create(M1, "creator");
      Client user1 = h.client();
      Client user2 = h.client();
      // User 1 already in meeting
      String p1 = joined(user1, M1, "u1", "User One");
      // User 2 emits join-meeting
      String p2 = joined(user2, M1, "u2", "User Two");

      // User 2 receives meeting-joined with User 1 in participants array
      JsonNode joined2 = lastMeetingJoined(user2);
      assertEquals(p2, joined2.get("participantId").asText());
      assertEquals(List.of(participantView(p1, "u1", "User One", user1, true, true, false)),
          List.copyOf(iterable(joined2.get("participants"))));
      // User 1 receives participant-joined for User 2
      assertEquals(List.of(joinedAnnouncement(p2, "u2", "User Two", user2, false)), h.received(user1, "participant-joined"));
      assertEquals(List.of(), h.received(user2, "participant-joined"), "never to the joiner");
      // Both have unique participantIds
      assertNotEquals(p1, p2);
    }

    @Test
    void test3ThirdUserJoins() {
      create(M1, "creator");
      Client user1 = h.client();
      Client user2 = h.client();
      Client user3 = h.client();
      // Users 1 & 2 already in meeting
      String p1 = joined(user1, M1, "u1", "User One");
      String p2 = joined(user2, M1, "u2", "User Two");
      h.clearDeliveries();
      // User 3 emits join-meeting
      String p3 = joined(user3, M1, "u3", "User Three");

      // User 3 receives meeting-joined with [User 1, User 2] in participants
      assertEquals(List.of(
              participantView(p1, "u1", "User One", user1, true, true, false),
              participantView(p2, "u2", "User Two", user2, true, true, false)),
          List.copyOf(iterable(lastMeetingJoined(user3).get("participants"))));
      // Users 1 & 2 receive participant-joined for User 3
      ObjectNode announce = joinedAnnouncement(p3, "u3", "User Three", user3, false);
      assertEquals(List.of(announce), h.received(user1, "participant-joined"));
      assertEquals(List.of(announce), h.received(user2, "participant-joined"));
      assertEquals(List.of(), h.received(user3, "participant-joined"));
      // All three have unique participantIds
      assertEquals(3, new HashSet<>(List.of(p1, p2, p3)).size());
    }

    @Test
    void test4UserLeavesAndRejoins() {
      create(M1, "creator");
      Client user1 = h.client();
      Client user2 = h.client();
      String p1 = joined(user1, M1, "u1", "User One");
      String p2 = joined(user2, M1, "u2", "User Two");
      h.clearDeliveries();

      // User 2 emits leave-meeting
      assertTrue(h.send(user2, "leave-meeting", json("{'meetingId':'m1'}")).ok());
      // Expected: User 1 receives participant-left for User 2
      List<JsonNode> left = h.received(user1, "participant-left");
      assertEquals(1, left.size());
      assertEquals(p2, left.get(0).get("participantId").asText());
      assertEquals("User Two", left.get(0).get("userName").asText());
      assertEquals("left", left.get(0).get("reason").asText());
      assertEquals(List.of(), h.received(user2, "participant-left"));
      h.clearDeliveries();

      // User 2 rejoins
      String p2again = joined(user2, M1, "u2", "User Two");
      // User 2 gets NEW participantId (not same as before)
      assertNotEquals(p2, p2again);
      // User 1 sees User 2 as new participant
      assertEquals(List.of(joinedAnnouncement(p2again, "u2", "User Two", user2, false)),
          h.received(user1, "participant-joined"));
      // No duplicate entries
      assertEquals(List.of(p1), participantIds(lastMeetingJoined(user2).get("participants")));
      List<Participant> state = participants(M1);
      assertEquals(List.of(p1, p2again), state.stream().map(p -> p.id().value()).toList());
    }

    @Test
    void test5DisconnectHandling() {
      create(M1, "creator");
      Client user1 = h.client();
      Client user2 = h.client();
      String p1 = joined(user1, M1, "u1", "User One");
      String p2 = joined(user2, M1, "u2", "User Two");
      h.clearDeliveries();

      // User 2's socket disconnects unexpectedly
      h.disconnect(user2);

      // User 1 receives participant-left for User 2
      List<JsonNode> left = h.received(user1, "participant-left");
      assertEquals(1, left.size());
      assertEquals(p2, left.get(0).get("participantId").asText());
      assertEquals("User Two", left.get(0).get("userName").asText());
      assertEquals("disconnected", left.get(0).get("reason").asText());
      // User 2 removed from room state
      assertEquals(List.of(p1), participants(M1).stream().map(p -> p.id().value()).toList());
      assertNull(TestVertx.await(h.stores().meetings().participant(MeetingId.of(M1), user2.socketId())));
      assertEquals(List.of(), h.receivedBy(user2));
    }
  }

  private static Set<String> fieldSet(JsonNode o) {
    Set<String> out = new HashSet<>();
    o.fieldNames().forEachRemaining(out::add);
    return out;
  }

  private static List<JsonNode> iterable(JsonNode array) {
    List<JsonNode> out = new ArrayList<>();
    array.forEach(out::add);
    return out;
  }

  // ---- joins -----------------------------------------------------------------------------------

  @Test
  void participantJoinedNeverReachesTheJoinerWhateverHappens() {
    create(M1, "u1");
    List<Client> clients = new ArrayList<>();
    for (int i = 1; i <= 5; i++) {
      Client c = h.client();
      clients.add(c);
      joined(c, M1, "u" + i, "User " + i);
      joined(c, M1, "u" + i, "User " + i);
    }
    for (int i = 0; i < clients.size(); i++) {
      List<JsonNode> got = h.received(clients.get(i), "participant-joined");
      assertEquals(clients.size() - 1 - i, got.size(), "one announcement per later joiner, none about oneself");
      for (JsonNode p : got) {
        assertNotEquals(clients.get(i).socketId().value(), p.get("socketId").asText());
      }
    }
  }

  /** Sends join-meeting from every client at once, one thread each; returns the outcomes in client order. */
  private List<Outcome> joinAllAtOnce(List<Client> clients, String meeting) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(clients.size());
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Outcome>> started = new ArrayList<>();
      for (int i = 0; i < clients.size(); i++) {
        Client c = clients.get(i);
        int n = i;
        started.add(pool.submit(() -> {
          go.await();
          return join(c, meeting, "u" + n, "User " + n);
        }));
      }
      go.countDown();
      List<Outcome> outcomes = new ArrayList<>();
      for (Future<Outcome> f : started) {
        outcomes.add(f.get(20, TimeUnit.SECONDS));
      }
      return outcomes;
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void concurrentJoinersEachLearnOfEveryOtherExactlyOnce() throws Exception {
    create(M1, "creator");
    List<Client> clients = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      clients.add(h.client());
    }
    List<Outcome> outcomes = joinAllAtOnce(clients, M1);
    Map<String, String> pidBySocket = new HashMap<>();
    for (int i = 0; i < clients.size(); i++) {
      assertTrue(outcomes.get(i).ok(), String.valueOf(outcomes.get(i).error()));
      pidBySocket.put(clients.get(i).socketId().value(), outcomes.get(i).ack().get("participantId").asText());
    }
    for (Client c : clients) {
      List<String> learned = new ArrayList<>(participantIds(lastMeetingJoined(c).get("participants")));
      for (JsonNode p : h.received(c, "participant-joined")) {
        learned.add(p.get("participantId").asText());
      }
      Set<String> expected = new HashSet<>(pidBySocket.values());
      expected.remove(pidBySocket.get(c.socketId().value()));
      assertEquals(expected.size(), learned.size(), c.socketId() + " learned of someone twice or of itself: " + learned);
      assertEquals(expected, new HashSet<>(learned));
    }
    assertEquals(16, participants(M1).size());
  }

  @Test
  void concurrentJoinersNeverOverfillAMeeting() throws Exception {
    create(h, M1, "creator", null, 5);
    List<Client> clients = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      clients.add(h.client());
    }
    List<Outcome> outcomes = joinAllAtOnce(clients, M1);
    int admitted = 0;
    for (Outcome o : outcomes) {
      if (o.ok()) {
        admitted++;
      } else {
        assertEquals("meeting_full", o.code());
        assertEquals("Meeting is full", o.error().getMessage());
      }
    }
    assertEquals(5, admitted);
    assertEquals(5, participants(M1).size());
  }

  @Test
  void canRecordIsOnlyForTheCreator() {
    create(M1, "boss");
    Client first = h.client();
    Client creator = h.client();
    Client guest = h.client();
    joined(first, M1, "u1", "First");
    String pc = joined(creator, M1, "boss", "The Boss");
    String pg = joined(guest, M1, "u2", "Guest");
    List<JsonNode> seen = h.received(first, "participant-joined");
    assertEquals(List.of(
        joinedAnnouncement(pc, "boss", "The Boss", creator, true),
        joinedAnnouncement(pg, "u2", "Guest", guest, false)), seen);
  }

  @Test
  void sameSocketJoiningTwiceStaysOneParticipantWithTheSameId() {
    create(M1, "creator");
    Client a = h.client();
    Client b = h.client();
    String pa = joined(a, M1, "u1", "A");
    String pb = joined(b, M1, "u2", "B");
    h.clearDeliveries();

    String again = joined(b, M1, "u2", "B");
    assertEquals(pb, again);
    JsonNode rejoined = lastMeetingJoined(b);
    assertEquals(pb, rejoined.get("participantId").asText());
    assertEquals(List.of(pa), participantIds(rejoined.get("participants")));
    assertEquals(List.of(), h.received(a, "participant-joined"), "no second announcement");
    assertEquals(2, participants(M1).size());
  }

  @Test
  void sameUserFromTwoSocketsIsTwoParticipants() {
    create(M1, "creator");
    Client phone = h.client();
    Client laptop = h.client();
    String p1 = joined(phone, M1, "u1", "Ann");
    String p2 = joined(laptop, M1, "u1", "Ann");
    assertNotEquals(p1, p2);
    assertEquals(List.of(joinedAnnouncement(p2, "u1", "Ann", laptop, false)), h.received(phone, "participant-joined"));
    assertEquals(List.of(participantView(p1, "u1", "Ann", phone, true, true, false)),
        iterable(lastMeetingJoined(laptop).get("participants")));
    List<Participant> state = participants(M1);
    assertEquals(2, state.size());
    assertEquals(Set.of(phone.socketId(), laptop.socketId()),
        Set.of(state.get(0).socket().id(), state.get(1).socket().id()));
  }

  @Test
  void userNameDefaultsToTheUserId() {
    create(M1, "creator");
    Client a = h.client();
    assertTrue(h.send(a, "join-meeting", json("{'meetingId':'m1','userId':'u1'}")).ok());
    assertEquals("u1", participants(M1).get(0).userName());
  }

  @Test
  void withATokenTheUserIsTheTokensAndAnotherDeclaredUserIsRefused() {
    create(M1, "creator");
    Client verified = h.client(new Identity(UserId.of("u1"), "Token Name", Set.of()));
    Outcome spoof = h.send(verified, "join-meeting", json("{'meetingId':'m1','userId':'u2','userName':'X'}"));
    assertEquals("unauthorized", spoof.code());
    assertEquals("Unauthorized", spoof.error().getMessage());
    assertEquals(List.of(), participants(M1));

    assertTrue(h.send(verified, "join-meeting", json("{'meetingId':'m1','userName':'Declared'}")).ok());
    Participant p = participants(M1).get(0);
    assertEquals(UserId.of("u1"), p.user());
    assertEquals("Token Name", p.userName());
  }

  // ---- refusals of join-meeting: a table -------------------------------------------------------

  /** Each row: how the meeting is set up, what is sent, the expected code and message. */
  static Stream<Arguments> joinRefusals() {
    return Stream.of(
        Arguments.of("unknown meeting", "none", "{'meetingId':'m1','userId':'u9','userName':'N'}",
            "not_found", "Meeting not found"),
        Arguments.of("ended meeting", "ended", "{'meetingId':'m1','userId':'u9','userName':'N'}",
            "meeting_ended", "Meeting has ended"),
        Arguments.of("full meeting", "full", "{'meetingId':'m1','userId':'u9','userName':'N'}",
            "meeting_full", "Meeting is full"),
        Arguments.of("wrong password", "password", "{'meetingId':'m1','userId':'u9','userName':'N','meeting_password':'nope'}",
            "bad_password", "Invalid meeting password"),
        Arguments.of("missing password", "password", "{'meetingId':'m1','userId':'u9','userName':'N'}",
            "bad_password", "Invalid meeting password"),
        Arguments.of("empty password", "password", "{'meetingId':'m1','userId':'u9','userName':'N','meeting_password':''}",
            "bad_password", "Invalid meeting password"),
        Arguments.of("null password", "password", "{'meetingId':'m1','userId':'u9','userName':'N','meeting_password':null}",
            "bad_password", "Invalid meeting password"),
        Arguments.of("password with different case", "password",
            "{'meetingId':'m1','userId':'u9','userName':'N','meeting_password':'S3CRET'}",
            "bad_password", "Invalid meeting password"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("joinRefusals")
  void joinRefusalsChangeNothingAndDeliverNothing(String name, String setup, String payload, String code, String message) {
    Client inside = h.client();
    switch (setup) {
      case "none" -> { }
      case "ended" -> {
        create(M1, "u1");
        joined(inside, M1, "u1", "In");
        TestVertx.await(h.signaling().meetings().end(MeetingId.of(M1)));
      }
      case "full" -> {
        create(h, M1, "u1", null, 1);
        joined(inside, M1, "u1", "In");
      }
      case "password" -> {
        create(h, M1, "u1", "s3cret", null);
        Outcome in = h.send(inside, "join-meeting", json("{'meetingId':'m1','userId':'u1','userName':'In','meeting_password':'s3cret'}"));
        assertTrue(in.ok());
      }
      default -> throw new IllegalArgumentException(setup);
    }
    List<Participant> before = participants(M1);
    Meeting meetingBefore = TestVertx.await(h.stores().meetings().get(MeetingId.of(M1)));
    h.clearDeliveries();

    Client joiner = h.client();
    Outcome o = h.send(joiner, "join-meeting", json(payload));
    assertEquals(code, o.code(), name);
    assertEquals(message, o.error().getMessage());
    assertEquals(before, participants(M1));
    assertEquals(meetingBefore, TestVertx.await(h.stores().meetings().get(MeetingId.of(M1))));
    assertEquals(List.of(), h.deliveries(), "a refusal delivers nothing");
  }

  // ---- passwords -------------------------------------------------------------------------------

  @Test
  void passwordIsStoredHashedAndTheRightOneJoins() {
    create(h, M1, "u1", "s3cret", null);
    Meeting stored = TestVertx.await(h.stores().meetings().get(MeetingId.of(M1)));
    assertTrue(stored.hasPassword());
    assertNotEquals("s3cret", stored.passwordHash());
    assertFalse(stored.passwordHash().contains("s3cret"));
    assertTrue(stored.passwordHash().startsWith("$2"), "a bcrypt hash: " + stored.passwordHash());
    assertTrue(TestVertx.await(h.signaling().context().passwords().verify("s3cret", stored.passwordHash())));

    Client a = h.client();
    assertTrue(h.send(a, "join-meeting", json("{'meetingId':'m1','userId':'u1','userName':'A','meeting_password':'s3cret'}")).ok());
    assertEquals(1, participants(M1).size());
  }

  @Test
  void anEmptyPasswordAtCreationMeansNoPassword() {
    create(h, M1, "u1", "", null);
    assertFalse(TestVertx.await(h.stores().meetings().get(MeetingId.of(M1))).hasPassword());
    assertTrue(join(h.client(), M1, "u2", "B").ok());
  }

  @Test
  void noPayloadEverCarriesAPassword() {
    create(h, M1, "u1", "s3cret", null);
    Client a = h.client();
    Client b = h.client();
    List<Outcome> outcomes = new ArrayList<>();
    outcomes.add(h.send(a, "join-meeting", json("{'meetingId':'m1','userId':'u1','userName':'A','meeting_password':'s3cret'}")));
    outcomes.add(h.send(b, "join-meeting", json("{'meetingId':'m1','userId':'u2','userName':'B','meeting_password':'s3cret'}")));
    outcomes.add(h.send(b, "join-meeting", json("{'meetingId':'m1','userId':'u2','userName':'B','meeting_password':'s3cret'}")));
    outcomes.add(h.send(a, "media-state-change", json("{'meetingId':'m1','mediaState':{'audio':false}}")));
    outcomes.add(h.send(b, "leave-meeting", json("{'meetingId':'m1'}")));
    outcomes.add(h.send(b, "join-meeting", json("{'meetingId':'m1','userId':'u2','userName':'B','meeting_password':'s3cret'}")));
    outcomes.add(h.send(a, "end-meeting", json("{'meetingId':'m1'}")));
    for (Outcome o : outcomes) {
      assertTrue(o.ok(), () -> "refused: " + o.error());
    }
    Set<String> names = new HashSet<>();
    for (Delivery d : h.deliveries()) {
      fieldNames(d.payload(), names);
    }
    for (Outcome o : outcomes) {
      fieldNames(o.ack(), names);
    }
    fieldNames(Views.meeting(TestVertx.await(h.stores().meetings().get(MeetingId.of(M1)))), names);
    assertTrue(names.contains("meeting_name"), "the scan saw the meeting: " + names);
    for (String n : names) {
      assertFalse(n.toLowerCase(Locale.ROOT).contains("password"), "a payload carried " + n);
    }
    for (Delivery d : h.deliveries()) {
      assertFalse(d.payload().toString().contains(TestVertx.await(h.stores().meetings().get(MeetingId.of(M1))).passwordHash()));
    }
  }

  // ---- auto-create -----------------------------------------------------------------------------

  @Test
  void autoCreateMakesAnUnknownMeetingLiveWithTheFirstJoinerAsCreator() {
    try (SignalingHarness auto = new SignalingHarness(SignalingConfig.defaults().withAutoCreate(true))) {
      Client first = auto.client();
      Client second = auto.client();
      Client creatorAgain = auto.client();
      assertTrue(auto.send(first, "join-meeting", json("{'meetingId':'fresh','userId':'u1','userName':'One'}")).ok());
      Meeting m = TestVertx.await(auto.stores().meetings().get(MeetingId.of("fresh")));
      assertNotNull(m);
      assertEquals(MeetingStatus.LIVE, m.status());
      assertEquals(UserId.of("u1"), m.creator());
      assertFalse(m.hasPassword());
      JsonNode meeting = auto.received(first, "meeting-joined").get(0).get("meeting");
      assertEquals("fresh", meeting.get("id").asText());
      assertEquals("live", meeting.get("meeting_status").asText());
      assertEquals("u1", meeting.get("creator_id").asText());

      assertTrue(auto.send(second, "join-meeting", json("{'meetingId':'fresh','userId':'u2','userName':'Two'}")).ok());
      assertEquals(UserId.of("u1"), TestVertx.await(auto.stores().meetings().get(MeetingId.of("fresh"))).creator(),
          "a later joiner does not become creator");
      assertTrue(auto.send(creatorAgain, "join-meeting", json("{'meetingId':'fresh','userId':'u1','userName':'One'}")).ok());
      List<JsonNode> seen = auto.received(first, "participant-joined");
      assertEquals(List.of(false, true), seen.stream().map(p -> p.get("permissions").get("canRecord").asBoolean()).toList());
    }
  }

  @Test
  void withoutAutoCreateAnUnknownMeetingStaysUnknown() {
    Outcome o = join(h.client(), "fresh", "u1", "One");
    assertEquals("not_found", o.code());
    assertNull(TestVertx.await(h.stores().meetings().get(MeetingId.of("fresh"))));
  }

  @Test
  void autoCreateDoesNotReviveAnEndedMeeting() {
    try (SignalingHarness auto = new SignalingHarness(SignalingConfig.defaults().withAutoCreate(true))) {
      create(auto, M1, "u1", null, null);
      TestVertx.await(auto.signaling().meetings().end(MeetingId.of(M1)));
      Outcome o = auto.send(auto.client(), "join-meeting", json("{'meetingId':'m1','userId':'u2','userName':'Two'}"));
      assertEquals("meeting_ended", o.code());
    }
  }

  // ---- leave -----------------------------------------------------------------------------------

  @Test
  void leaveTellsEveryoneElseWithTheSeedFields() {
    create(M1, "creator");
    Client a = h.client();
    Client b = h.client();
    Client c = h.client();
    joined(a, M1, "u1", "A");
    String pb = joined(b, M1, "u2", "B");
    joined(c, M1, "u3", "C");
    h.clearDeliveries();
    assertTrue(h.send(b, "leave-meeting", json("{'meetingId':'m1'}")).ok());
    for (Client other : List.of(a, c)) {
      List<JsonNode> left = h.received(other, "participant-left");
      assertEquals(1, left.size());
      JsonNode l = left.get(0);
      assertEquals(pb, l.get("participantId").asText());
      assertEquals("B", l.get("userName").asText());
      assertEquals("left", l.get("reason").asText());
    }
    assertEquals(List.of(), h.receivedBy(b));
    assertEquals(2, participants(M1).size());
  }

  @Test
  void leavingAMeetingOneIsNotInIsRefusedNotMember() {
    create(M1, "creator");
    Client a = h.client();
    joined(a, M1, "u1", "A");
    h.clearDeliveries();
    Outcome o = h.send(h.client(), "leave-meeting", json("{'meetingId':'m1'}"));
    assertEquals("not_member", o.code());
    assertEquals(1, participants(M1).size());
    assertEquals(List.of(), h.deliveries());
  }

  @Test
  void disconnectLeavesEveryMeetingOfTheSocket() {
    create(M1, "creator");
    create("m2", "creator");
    Client a = h.client();
    Client b = h.client();
    Client c = h.client();
    joined(a, M1, "u1", "A");
    joined(a, "m2", "u1", "A");
    joined(b, M1, "u2", "B");
    joined(c, "m2", "u3", "C");
    h.clearDeliveries();
    h.disconnect(a);
    assertEquals("disconnected", h.received(b, "participant-left").get(0).get("reason").asText());
    assertEquals("disconnected", h.received(c, "participant-left").get(0).get("reason").asText());
    assertEquals(1, participants(M1).size());
    assertEquals(1, participants("m2").size());
  }

  // ---- media state -----------------------------------------------------------------------------

  @Test
  void mediaStateIsMergedStoredAndSeenByLateJoiners() {
    create(M1, "creator");
    Client a = h.client();
    Client b = h.client();
    String pa = joined(a, M1, "u1", "A");
    joined(b, M1, "u2", "B");
    h.clearDeliveries();

    assertTrue(h.send(a, "media-state-change", json("{'meetingId':'m1','mediaState':{'audio':false}}")).ok());
    assertEquals(List.of(json("{'meetingId':'m1','mediaState':{'audio':false},'userId':'s1','roomId':'m1'}")),
        h.received(b, "media-state-change"));
    assertEquals(new MediaState(false, true, false), participants(M1).get(0).media());

    assertTrue(h.send(a, "media-state-change", json("{'meetingId':'m1','mediaState':{'screen':true}}")).ok());
    assertEquals(new MediaState(false, true, true), participants(M1).get(0).media(), "audio stays off, video stays on");

    assertTrue(h.send(a, "media-state-change", json("{'roomId':'m1','mediaState':{'video':false,'audio':null}}")).ok());
    assertEquals(new MediaState(false, false, true), participants(M1).get(0).media(), "null leaves a field as it was");

    Client late = h.client();
    joined(late, M1, "u3", "Late");
    JsonNode first = lastMeetingJoined(late).get("participants").get(0);
    assertEquals(participantView(pa, "u1", "A", a, false, false, true), first);
    assertEquals(List.of(), h.received(a, "media-state-change"), "the sender does not get its own change");
  }

  @Test
  void aTargetedMediaChangeIsStoredAndReachesOnlyTheTarget() {
    create(M1, "creator");
    Client a = h.client();
    Client b = h.client();
    Client c = h.client();
    joined(a, M1, "u1", "A");
    joined(b, M1, "u2", "B");
    joined(c, M1, "u3", "C");
    h.clearDeliveries();
    String payload = "{'meetingId':'m1','mediaState':{'video':false},'targetUserId':'" + c.socketId().value() + "'}";
    assertTrue(h.send(a, "media-state-change", json(payload)).ok());
    ObjectNode expected = (ObjectNode) json(payload);
    expected.put("userId", a.socketId().value());
    expected.put("roomId", M1);
    assertEquals(List.of(expected), h.received(c, "media-state-change"));
    assertEquals(List.of(), h.received(b, "media-state-change"));
    assertEquals(new MediaState(true, false, false), participants(M1).get(0).media());
  }

  @Test
  void aMediaChangeToATargetOutsideTheMeetingIsRefusedAndStoresNothing() {
    create(M1, "creator");
    Client a = h.client();
    Client b = h.client();
    Client outsider = h.client();
    joined(a, M1, "u1", "A");
    joined(b, M1, "u2", "B");
    h.clearDeliveries();
    Outcome o = h.send(a, "media-state-change",
        json("{'meetingId':'m1','mediaState':{'audio':false},'targetUserId':'" + outsider.socketId().value() + "'}"));
    assertEquals("not_member", o.code());
    assertEquals(MediaState.INITIAL, participants(M1).get(0).media(), "a refusal changes no state");
    assertEquals(List.of(), h.deliveries());
  }

  @Test
  void aNonParticipantCannotChangeMediaInAMeeting() {
    create(M1, "creator");
    Client a = h.client();
    joined(a, M1, "u1", "A");
    h.clearDeliveries();
    Outcome o = h.send(h.client(), "media-state-change", json("{'meetingId':'m1','mediaState':{'audio':false}}"));
    assertEquals("not_member", o.code());
    assertEquals(List.of(), h.deliveries());
  }

  // ---- kick and end ----------------------------------------------------------------------------

  @Test
  void theCreatorKicksTheKickedGetsKickedAndTheOthersParticipantLeft() {
    create(M1, "boss");
    Client boss = h.client();
    Client victim = h.client();
    Client other = h.client();
    joined(boss, M1, "boss", "Boss");
    String pv = joined(victim, M1, "u2", "Victim");
    joined(other, M1, "u3", "Other");
    h.clearDeliveries();

    Outcome o = h.send(boss, "kick-participant", json("{'meetingId':'m1','participantId':'" + pv + "'}"));
    assertTrue(o.ok(), () -> "refused: " + o.error());

    assertEquals(List.of(new Delivery(victim.socketId().value(), "kicked", json("{'meetingId':'m1'}"))), h.receivedBy(victim));
    for (Client c : List.of(boss, other)) {
      List<JsonNode> left = h.received(c, "participant-left");
      assertEquals(1, left.size());
      assertEquals(pv, left.get(0).get("participantId").asText());
      assertEquals("Victim", left.get(0).get("userName").asText());
      assertEquals("kicked", left.get(0).get("reason").asText());
    }
    assertEquals(2, participants(M1).size());
    assertNull(TestVertx.await(h.stores().meetings().participant(MeetingId.of(M1), victim.socketId())));

    // The kicked socket can no longer relay in that meeting.
    h.clearDeliveries();
    String target = other.socketId().value();
    List<Outcome> relays = List.of(
        h.send(victim, "offer", json("{'meetingId':'m1','offer':{'type':'offer','sdp':'v=0'}}")),
        h.send(victim, "answer", json("{'meetingId':'m1','answer':{'type':'answer','sdp':'v=0'},'targetUserId':'" + target + "'}")),
        h.send(victim, "ice-candidate", json("{'meetingId':'m1','candidate':{'candidate':'c'}}")),
        h.send(victim, "media-state-change", json("{'meetingId':'m1','mediaState':{'audio':false}}")),
        h.send(victim, "request-media-state", json("{'roomId':'m1'}")),
        h.send(victim, "media-state-response", json("{'roomId':'m1','mediaState':{'audio':true}}")));
    for (Outcome r : relays) {
      assertEquals("not_member", r.code());
    }
    assertEquals(List.of(), h.deliveries());
  }

  @Test
  void theCreatorMayKickFromAnotherDeviceThatRegisteredAsTheCreator() {
    create(M1, "boss");
    Client victim = h.client();
    String pv = joined(victim, M1, "u2", "Victim");
    Client bossPhone = h.client();
    assertTrue(h.send(bossPhone, "userOnline", json("'boss'")).ok());
    assertTrue(h.send(bossPhone, "kick-participant", json("{'meetingId':'m1','participantId':'" + pv + "'}")).ok());
    assertEquals(List.of(), participants(M1));
  }

  @Test
  void kickingAnUnknownParticipantIsNotFound() {
    create(M1, "boss");
    Client boss = h.client();
    joined(boss, M1, "boss", "Boss");
    h.clearDeliveries();
    Outcome o = h.send(boss, "kick-participant", json("{'meetingId':'m1','participantId':'nobody'}"));
    assertEquals("not_found", o.code());
    assertEquals(List.of(), h.deliveries());
  }

  @Test
  void theCreatorEndsTheMeetingForEveryone() {
    create(M1, "boss");
    Client boss = h.client();
    Client a = h.client();
    Client b = h.client();
    joined(boss, M1, "boss", "Boss");
    joined(a, M1, "u2", "A");
    joined(b, M1, "u3", "B");
    h.clearDeliveries();

    assertTrue(h.send(boss, "end-meeting", json("{'meetingId':'m1'}")).ok());
    for (Client c : List.of(boss, a, b)) {
      assertEquals(List.of(new Delivery(c.socketId().value(), "meeting-ended", json("{'meetingId':'m1'}"))), h.receivedBy(c));
    }
    assertEquals(MeetingStatus.ENDED, TestVertx.await(h.stores().meetings().get(MeetingId.of(M1))).status());
    assertEquals(List.of(), participants(M1));

    Outcome rejoin = join(a, M1, "u2", "A");
    assertEquals("meeting_ended", rejoin.code());
    assertEquals("Meeting has ended", rejoin.error().getMessage());
    assertEquals("not_member", h.send(a, "offer", json("{'meetingId':'m1','offer':{'type':'offer','sdp':'v=0'}}")).code());
  }

  /** Non-creators asking to kick or end: a table of who asks. */
  static Stream<Arguments> nonCreators() {
    return Stream.of(
        Arguments.of("participant", "kick-participant"),
        Arguments.of("participant", "end-meeting"),
        Arguments.of("outsider", "kick-participant"),
        Arguments.of("outsider", "end-meeting"),
        Arguments.of("registered as someone else", "kick-participant"),
        Arguments.of("registered as someone else", "end-meeting"),
        Arguments.of("token of someone else", "kick-participant"),
        Arguments.of("token of someone else", "end-meeting"));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("nonCreators")
  void onlyTheCreatorMayKickOrEnd(String who, String event) {
    create(M1, "boss");
    Client boss = h.client();
    Client victim = h.client();
    joined(boss, M1, "boss", "Boss");
    String pv = joined(victim, M1, "u2", "Victim");
    Client asker = switch (who) {
      case "participant" -> {
        Client c = h.client();
        joined(c, M1, "u3", "Guest");
        yield c;
      }
      case "outsider" -> h.client();
      case "registered as someone else" -> {
        Client c = h.client();
        assertTrue(h.send(c, "userOnline", json("'u3'")).ok());
        yield c;
      }
      case "token of someone else" -> {
        Client c = h.client(new Identity(UserId.of("u3"), "Guest", Set.of()));
        assertTrue(h.send(c, "join-meeting", json("{'meetingId':'m1'}")).ok());
        yield c;
      }
      default -> throw new IllegalArgumentException(who);
    };
    List<Participant> before = participants(M1);
    h.clearDeliveries();

    Outcome o = h.send(asker, event, json("{'meetingId':'m1','participantId':'" + pv + "'}"));
    assertEquals("unauthorized", o.code());
    assertEquals(before, participants(M1));
    assertEquals(MeetingStatus.LIVE, TestVertx.await(h.stores().meetings().get(MeetingId.of(M1))).status());
    assertEquals(List.of(), h.deliveries());
  }

  @Test
  void aParticipantWhoDeclaredTheCreatorsIdInOpenModeIsTheCreator() {
    create(M1, "boss");
    Client boss = h.client();
    Client victim = h.client();
    joined(boss, M1, "boss", "Boss");
    String pv = joined(victim, M1, "u2", "Victim");
    assertTrue(h.send(boss, "kick-participant", json("{'meetingId':'m1','participantId':'" + pv + "'}")).ok());
  }

  @Test
  void kickAndEndOfAnUnknownMeetingAreNotFound() {
    Client c = h.client();
    assertEquals("not_found", h.send(c, "kick-participant", json("{'meetingId':'nope','participantId':'p'}")).code());
    Outcome end = h.send(c, "end-meeting", json("{'meetingId':'nope'}"));
    assertEquals("not_found", end.code());
    assertEquals("Meeting not found", end.error().getMessage());
  }

  // ---- operations behind the HTTP API ----------------------------------------------------------

  @Test
  void httpKickAndEndSendTheSameEvents() {
    create(M1, "boss");
    Client a = h.client();
    Client b = h.client();
    joined(a, M1, "u1", "A");
    String pb = joined(b, M1, "u2", "B");
    h.clearDeliveries();
    TestVertx.await(h.signaling().meetings().kick(MeetingId.of(M1), ParticipantId.of(pb)));
    assertEquals(List.of(json("{'meetingId':'m1'}")), h.received(b, "kicked"));
    assertEquals("kicked", h.received(a, "participant-left").get(0).get("reason").asText());
    assertEquals(List.of(), h.received(b, "participant-left"));

    h.clearDeliveries();
    TestVertx.await(h.signaling().meetings().end(MeetingId.of(M1)));
    assertEquals(List.of(json("{'meetingId':'m1'}")), h.received(a, "meeting-ended"));
    assertEquals(List.of(), h.received(b, "meeting-ended"));
  }

  @Test
  void creatingAnExistingMeetingIsAConflict() {
    create(M1, "boss");
    SignalingException e = assertThrows(
        SignalingException.class, () -> create(M1, "other"));
    assertEquals("conflict", e.code().wire());
    assertEquals(UserId.of("boss"), TestVertx.await(h.stores().meetings().get(MeetingId.of(M1))).creator());
  }

  @Test
  void theJoinAckCarriesTheParticipantIdThatTheStoreHolds() {
    create(M1, "boss");
    Client a = h.client();
    String pa = joined(a, M1, "u1", "A");
    assertEquals(pa, TestVertx.await(h.stores().meetings().participant(MeetingId.of(M1), SocketId.of(a.socketId().value())))
        .id().value());
  }
}
