package io.switchboard.signaling.store;

import static io.switchboard.signaling.store.StoreContractSupport.allAtOnce;
import static io.switchboard.signaling.store.StoreContractSupport.await;
import static io.switchboard.signaling.store.StoreContractSupport.refused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.signaling.ErrorCode;
import io.switchboard.signaling.SignalingException;
import io.switchboard.signaling.ids.MeetingId;
import io.switchboard.signaling.ids.NodeId;
import io.switchboard.signaling.ids.ParticipantId;
import io.switchboard.signaling.ids.SocketId;
import io.switchboard.signaling.ids.SocketRef;
import io.switchboard.signaling.ids.UserId;
import io.switchboard.signaling.store.StoreContractSupport.Outcome;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link MeetingStore} contract, as its javadoc states it. Every implementation runs this very
 * suite: subclass it and return a fresh, empty store from {@link #newStore()}.
 */
public abstract class MeetingStoreContract {
  private static final NodeId NODE_A = NodeId.of("node-a");
  private static final NodeId NODE_B = NodeId.of("node-b");
  private static final MeetingId M1 = MeetingId.of("m1");
  private static final MeetingId M2 = MeetingId.of("m2");
  private static final MeetingId M3 = MeetingId.of("m3");
  private static final MeetingId M4 = MeetingId.of("m4");
  private static final UserId CREATOR = UserId.of("creator");

  private final AtomicInteger nextParticipant = new AtomicInteger();
  protected MeetingStore store;

  /** A fresh, empty store; called once per test. */
  protected abstract MeetingStore newStore();

  @BeforeEach
  protected void freshStore() {
    store = newStore();
  }

  // ---- fixtures --------------------------------------------------------------------------------

  protected static Meeting meeting(MeetingId id, int max) {
    return new Meeting(id, "Meeting " + id.value(), MeetingStatus.LIVE, CREATOR, max, null, 1_700_000_000_000L);
  }

  protected static SocketRef socket(String id) {
    return new SocketRef(SocketId.of(id), id.hashCode() % 2 == 0 ? NODE_A : NODE_B);
  }

  /** A new participant candidate with a participant id never used before. */
  protected Participant candidate(MeetingId meeting, String socket, String user) {
    int n = nextParticipant.incrementAndGet();
    return new Participant(ParticipantId.of("p" + n + "-" + socket), meeting, socket(socket), UserId.of(user),
        "Name of " + user, MediaState.INITIAL, 1_700_000_000_000L + n);
  }

  private Meeting created(MeetingId id, int max) {
    return await(store.create(meeting(id, max)));
  }

  private Participant joined(MeetingId id, String socket, String user) {
    MeetingJoin join = await(store.join(id, candidate(id, socket, user)));
    assertFalse(join.alreadyJoined(), socket + " was new to " + id);
    return join.self();
  }

  private static List<String> sockets(List<Participant> ps) {
    List<String> out = new ArrayList<>();
    for (Participant p : ps) {
      out.add(p.socket().id().value());
    }
    return out;
  }

  // ---- create, get ------------------------------------------------------------------------------

  @Test
  void createdMeetingIsReturnedAndReadBackWithEveryField() {
    Meeting m = new Meeting(M1, "Standup", MeetingStatus.LIVE, UserId.of("alice"), 12, "$2a$04$hash", 1_700_000_123_456L);
    assertEquals(m, await(store.create(m)));
    assertEquals(m, await(store.get(M1)));
  }

  @Test
  void getOfAnUnknownMeetingIsNull() {
    assertNull(await(store.get(MeetingId.of("nope"))));
  }

  @Test
  void createFailsConflictWhenTheIdExistsAndKeepsTheFirst() {
    Meeting first = created(M1, 5);
    Meeting second = new Meeting(M1, "Other", MeetingStatus.LIVE, UserId.of("mallory"), 2, "$2a$04$x", 1L);
    refused(ErrorCode.CONFLICT, store.create(second));
    assertEquals(first, await(store.get(M1)));
  }

  // ---- join ------------------------------------------------------------------------------------

  @Test
  void joinOfAnUnknownMeetingFailsNotFound() {
    SignalingException e = refused(ErrorCode.NOT_FOUND, store.join(M1, candidate(M1, "s1", "u1")));
    assertEquals("Meeting not found", e.getMessage());
    assertEquals(List.of(), await(store.participants(M1)));
  }

  @Test
  void joinOfAnEndedMeetingFailsMeetingEnded() {
    created(M1, 5);
    assertNotNull(await(store.end(M1)));
    refused(ErrorCode.MEETING_ENDED, store.join(M1, candidate(M1, "s1", "u1")));
    assertEquals(List.of(), await(store.participants(M1)));
  }

  @Test
  void joinOfAMeetingCreatedEndedFailsMeetingEnded() {
    await(store.create(meeting(M1, 5).ended()));
    refused(ErrorCode.MEETING_ENDED, store.join(M1, candidate(M1, "s1", "u1")));
  }

  @Test
  void firstJoinReturnsTheCandidateTheMeetingAndNoOthers() {
    Meeting m = created(M1, 5);
    Participant c = candidate(M1, "s1", "u1");
    MeetingJoin join = await(store.join(M1, c));
    assertEquals(m, join.meeting());
    assertEquals(c, join.self());
    assertFalse(join.alreadyJoined());
    assertEquals(List.of(), join.others());
    assertEquals(List.of(c), await(store.participants(M1)));
    assertEquals(c, await(store.participant(M1, SocketId.of("s1"))));
  }

  @Test
  void othersAreEveryoneAlreadyInInJoinOrder() {
    created(M1, 10);
    Participant a = joined(M1, "s1", "u1");
    Participant b = joined(M1, "s2", "u2");
    Participant c = candidate(M1, "s3", "u3");
    MeetingJoin third = await(store.join(M1, c));
    assertEquals(List.of(a, b), third.others());
    Participant d = joined(M1, "s0", "u0");
    assertEquals(List.of(a, b, c, d), await(store.participants(M1)));
  }

  @Test
  void participantListIsInJoinOrderNotSocketOrder() {
    created(M1, 10);
    for (String s : List.of("s9", "s1", "s5", "s3", "s7")) {
      joined(M1, s, "u-" + s);
    }
    assertEquals(List.of("s9", "s1", "s5", "s3", "s7"), sockets(await(store.participants(M1))));
  }

  @Test
  void sameSocketJoiningAgainGetsItsExistingParticipantCountedOnce() {
    created(M1, 10);
    Participant a = joined(M1, "s1", "u1");
    Participant b = joined(M1, "s2", "u2");
    Participant again = candidate(M1, "s1", "u1");
    MeetingJoin join = await(store.join(M1, again));
    assertTrue(join.alreadyJoined());
    assertEquals(a, join.self());
    assertEquals(a.id(), join.self().id());
    assertEquals(List.of(b), join.others());
    assertEquals(List.of(a, b), await(store.participants(M1)));
  }

  @Test
  void sameUserFromTwoSocketsIsTwoParticipants() {
    created(M1, 10);
    Participant phone = joined(M1, "s1", "u1");
    Participant laptop = joined(M1, "s2", "u1");
    assertNotEquals(phone.id(), laptop.id());
    assertEquals(List.of(phone, laptop), await(store.participants(M1)));
  }

  @Test
  void aFullMeetingFailsMeetingFullAndChangesNothing() {
    created(M1, 2);
    Participant a = joined(M1, "s1", "u1");
    Participant b = joined(M1, "s2", "u2");
    SignalingException e = refused(ErrorCode.MEETING_FULL, store.join(M1, candidate(M1, "s3", "u3")));
    assertEquals("Meeting is full", e.getMessage());
    assertEquals(List.of(a, b), await(store.participants(M1)));
    assertNull(await(store.participant(M1, SocketId.of("s3"))));
  }

  @Test
  void aReJoinCountsOnceAgainstCapacity() {
    created(M1, 2);
    Participant a = joined(M1, "s1", "u1");
    assertTrue(await(store.join(M1, candidate(M1, "s1", "u1"))).alreadyJoined());
    assertTrue(await(store.join(M1, candidate(M1, "s1", "u1"))).alreadyJoined());
    Participant b = joined(M1, "s2", "u2");
    assertEquals(List.of(a, b), await(store.participants(M1)));
    refused(ErrorCode.MEETING_FULL, store.join(M1, candidate(M1, "s3", "u3")));
  }

  @Test
  void aParticipantReJoiningAFullMeetingIsNotRefused() {
    created(M1, 1);
    Participant a = joined(M1, "s1", "u1");
    MeetingJoin again = await(store.join(M1, candidate(M1, "s1", "u1")));
    assertTrue(again.alreadyJoined());
    assertEquals(a, again.self());
  }

  @Test
  void capacityIsPerMeeting() {
    created(M1, 1);
    created(M2, 1);
    joined(M1, "s1", "u1");
    joined(M2, "s1", "u1");
    refused(ErrorCode.MEETING_FULL, store.join(M1, candidate(M1, "s2", "u2")));
    refused(ErrorCode.MEETING_FULL, store.join(M2, candidate(M2, "s2", "u2")));
  }

  @Test
  void concurrentJoinsNeverExceedCapacity() throws Exception {
    int capacity = 5;
    created(M1, capacity);
    List<Callable<Future<MeetingJoin>>> calls = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      Participant c = candidate(M1, "s" + i, "u" + i);
      calls.add(() -> store.join(M1, c));
    }
    List<Outcome<MeetingJoin>> outcomes = allAtOnce(8, calls);
    Set<ParticipantId> admitted = new HashSet<>();
    int full = 0;
    for (Outcome<MeetingJoin> o : outcomes) {
      if (o.refusal() != null) {
        assertEquals(ErrorCode.MEETING_FULL, o.refusal().code());
        full++;
      } else {
        assertFalse(o.value().alreadyJoined());
        assertTrue(o.value().others().size() < capacity, "others seen by an admitted joiner: " + o.value().others());
        admitted.add(o.value().self().id());
      }
    }
    assertEquals(capacity, admitted.size());
    assertEquals(60 - capacity, full);
    List<Participant> present = await(store.participants(M1));
    assertEquals(capacity, present.size());
    Set<ParticipantId> presentIds = new HashSet<>();
    present.forEach(p -> presentIds.add(p.id()));
    assertEquals(admitted, presentIds);
  }

  @Test
  void concurrentJoinsSeeAConsistentJoinOrder() throws Exception {
    created(M1, 100);
    List<Callable<Future<MeetingJoin>>> calls = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      Participant c = candidate(M1, "s" + i, "u" + i);
      calls.add(() -> store.join(M1, c));
    }
    List<Outcome<MeetingJoin>> outcomes = allAtOnce(8, calls);
    List<Participant> order = await(store.participants(M1));
    assertEquals(40, order.size());
    for (Outcome<MeetingJoin> o : outcomes) {
      assertNull(o.refusal());
      int at = order.indexOf(o.value().self());
      assertTrue(at >= 0);
      assertEquals(order.subList(0, at), o.value().others(), "others are exactly those who joined before");
    }
  }

  @Test
  void concurrentJoinsOfOneSocketMakeOneParticipant() throws Exception {
    created(M1, 10);
    List<Callable<Future<MeetingJoin>>> calls = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      Participant c = candidate(M1, "s1", "u1");
      calls.add(() -> store.join(M1, c));
    }
    List<Outcome<MeetingJoin>> outcomes = allAtOnce(8, calls);
    List<Participant> present = await(store.participants(M1));
    assertEquals(1, present.size());
    int fresh = 0;
    for (Outcome<MeetingJoin> o : outcomes) {
      assertNull(o.refusal());
      assertEquals(present.get(0), o.value().self());
      fresh += o.value().alreadyJoined() ? 0 : 1;
    }
    assertEquals(1, fresh);
  }

  // ---- joinIfOpen ------------------------------------------------------------------------------

  private static Meeting protectedMeeting(MeetingId id, int max) {
    return new Meeting(id, "Board " + id.value(), MeetingStatus.LIVE, CREATOR, max, "$2a$04$hash", 1_700_000_000_000L);
  }

  @Test
  void joinIfOpenCreatesAnAbsentMeetingAndJoinsIt() {
    Meeting m = meeting(M1, 5);
    Participant c = candidate(M1, "s1", "u1");
    OpenJoin open = await(store.joinIfOpen(M1, c, m));
    assertNull(open.passwordRequired());
    assertEquals(new MeetingJoin(m, c, false, List.of()), open.joined());
    assertEquals(m, await(store.get(M1)));
    assertEquals(List.of(c), await(store.participants(M1)));
  }

  @Test
  void joinIfOpenWithoutAMeetingToCreateFailsNotFoundAndCreatesNothing() {
    SignalingException e = refused(ErrorCode.NOT_FOUND, store.joinIfOpen(M1, candidate(M1, "s1", "u1"), null));
    assertEquals("Meeting not found", e.getMessage());
    assertNull(await(store.get(M1)));
    assertEquals(List.of(), await(store.removeSocket(SocketId.of("s1"))));
  }

  @Test
  void joinIfOpenKeepsAnExistingMeeting() {
    Meeting first = created(M1, 5);
    Meeting other = new Meeting(M1, "Other", MeetingStatus.LIVE, UserId.of("mallory"), 2, null, 1L);
    OpenJoin open = await(store.joinIfOpen(M1, candidate(M1, "s1", "u1"), other));
    assertEquals(first, open.joined().meeting());
    assertEquals(first, await(store.get(M1)));
  }

  @Test
  void joinIfOpenOfAMeetingWithAPasswordJoinsNothingAndNamesIt() {
    Meeting m = await(store.create(protectedMeeting(M1, 5)));
    Participant c = candidate(M1, "s1", "u1");
    OpenJoin open = await(store.joinIfOpen(M1, c, meeting(M1, 5)));
    assertNull(open.joined());
    assertEquals(m, open.passwordRequired());
    assertEquals(List.of(), await(store.participants(M1)));
    assertEquals(List.of(), await(store.removeSocket(SocketId.of("s1"))), "no trace of the socket");
    // The caller checked the password: the plain join lets the same candidate in.
    assertEquals(c, await(store.join(M1, c)).self());
  }

  @Test
  void joinIfOpenOfAnEndedMeetingFailsMeetingEndedBeforeAskingItsPassword() {
    await(store.create(protectedMeeting(M1, 5)));
    assertNotNull(await(store.end(M1)));
    refused(ErrorCode.MEETING_ENDED, store.joinIfOpen(M1, candidate(M1, "s1", "u1"), meeting(M1, 5)));
    assertEquals(MeetingStatus.ENDED, await(store.get(M1)).status(), "an ended meeting is not created again");
  }

  @Test
  void joinIfOpenOfAFullMeetingFailsMeetingFull() {
    created(M1, 1);
    joined(M1, "s1", "u1");
    refused(ErrorCode.MEETING_FULL, store.joinIfOpen(M1, candidate(M1, "s2", "u2"), meeting(M1, 1)));
    assertNull(await(store.participant(M1, SocketId.of("s2"))));
  }

  @Test
  void joinIfOpenOfASocketAlreadyInGetsItsParticipant() {
    created(M1, 5);
    Participant a = joined(M1, "s1", "u1");
    OpenJoin again = await(store.joinIfOpen(M1, candidate(M1, "s1", "u1"), null));
    assertTrue(again.joined().alreadyJoined());
    assertEquals(a, again.joined().self());
  }

  @Test
  void concurrentJoinIfOpenOfAnAbsentMeetingCreatesItOnceAndAdmitsEveryone() throws Exception {
    List<Callable<Future<OpenJoin>>> calls = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      Meeting m = new Meeting(M1, "name " + i, MeetingStatus.LIVE, UserId.of("u" + i), 50, null, i);
      Participant c = candidate(M1, "s" + i, "u" + i);
      calls.add(() -> store.joinIfOpen(M1, c, m));
    }
    List<Outcome<OpenJoin>> outcomes = allAtOnce(8, calls);
    Meeting stored = await(store.get(M1));
    List<Participant> order = await(store.participants(M1));
    assertEquals(20, order.size());
    for (Outcome<OpenJoin> o : outcomes) {
      assertNull(o.refusal());
      MeetingJoin join = o.value().joined();
      assertEquals(stored, join.meeting());
      assertEquals(order.subList(0, order.indexOf(join.self())), join.others());
    }
  }

  // ---- leave and remove ------------------------------------------------------------------------

  @Test
  void leaveRemovesTheSocketsParticipantAndReportsWhoRemainedInJoinOrder() {
    created(M1, 10);
    Participant a = joined(M1, "s1", "u1");
    Participant b = joined(M1, "s2", "u2");
    Participant c = joined(M1, "s3", "u3");
    MeetingLeave leave = await(store.leave(M1, SocketId.of("s2")));
    assertEquals(b, leave.removed());
    assertEquals(List.of(a, c), leave.remaining());
    assertEquals(List.of(a, c), await(store.participants(M1)));
    assertNull(await(store.participant(M1, SocketId.of("s2"))));
  }

  @Test
  void theLastLeaveReportsNobodyRemaining() {
    created(M1, 10);
    Participant a = joined(M1, "s1", "u1");
    MeetingLeave leave = await(store.leave(M1, SocketId.of("s1")));
    assertEquals(a, leave.removed());
    assertEquals(List.of(), leave.remaining());
    assertEquals(List.of(), await(store.participants(M1)));
    assertNotNull(await(store.get(M1)), "the meeting outlives its participants");
  }

  @Test
  void leaveOfASocketThatIsNotInIsNull() {
    created(M1, 10);
    Participant a = joined(M1, "s1", "u1");
    assertNull(await(store.leave(M1, SocketId.of("s2"))));
    assertNull(await(store.leave(MeetingId.of("nope"), SocketId.of("s1"))));
    assertEquals(List.of(a), await(store.participants(M1)));
  }

  @Test
  void leavingTwiceIsNullTheSecondTime() {
    created(M1, 10);
    joined(M1, "s1", "u1");
    assertNotNull(await(store.leave(M1, SocketId.of("s1"))));
    assertNull(await(store.leave(M1, SocketId.of("s1"))));
  }

  @Test
  void leaveFreesASeat() {
    created(M1, 1);
    joined(M1, "s1", "u1");
    refused(ErrorCode.MEETING_FULL, store.join(M1, candidate(M1, "s2", "u2")));
    await(store.leave(M1, SocketId.of("s1")));
    joined(M1, "s2", "u2");
  }

  @Test
  void rejoiningAfterLeaveGivesTheNewParticipantAtTheEnd() {
    created(M1, 10);
    Participant a = joined(M1, "s1", "u1");
    Participant b = joined(M1, "s2", "u2");
    await(store.leave(M1, SocketId.of("s1")));
    Participant again = candidate(M1, "s1", "u1");
    MeetingJoin join = await(store.join(M1, again));
    assertFalse(join.alreadyJoined());
    assertEquals(again, join.self());
    assertNotEquals(a.id(), join.self().id());
    assertEquals(List.of(b), join.others());
    assertEquals(List.of(b, again), await(store.participants(M1)));
  }

  @Test
  void removeByParticipantIdReportsWhoRemained() {
    created(M1, 10);
    Participant a = joined(M1, "s1", "u1");
    Participant b = joined(M1, "s2", "u2");
    Participant c = joined(M1, "s3", "u3");
    MeetingLeave leave = await(store.remove(M1, a.id()));
    assertEquals(a, leave.removed());
    assertEquals(List.of(b, c), leave.remaining());
    assertEquals(List.of(b, c), await(store.participants(M1)));
    assertNull(await(store.participant(M1, SocketId.of("s1"))));
  }

  @Test
  void removeOfAnUnknownParticipantIsNull() {
    created(M1, 10);
    created(M2, 10);
    Participant a = joined(M1, "s1", "u1");
    Participant elsewhere = joined(M2, "s2", "u2");
    assertNull(await(store.remove(M1, ParticipantId.of("nobody"))));
    assertNull(await(store.remove(M1, elsewhere.id())), "a participant of another meeting is not removed");
    assertNull(await(store.remove(MeetingId.of("nope"), a.id())));
    assertEquals(List.of(a), await(store.participants(M1)));
    assertEquals(List.of(elsewhere), await(store.participants(M2)));
  }

  @Test
  void removeTwiceIsNullTheSecondTime() {
    created(M1, 10);
    Participant a = joined(M1, "s1", "u1");
    assertNotNull(await(store.remove(M1, a.id())));
    assertNull(await(store.remove(M1, a.id())));
  }

  @Test
  void aRemovedSocketCanJoinAgainAsANewParticipant() {
    created(M1, 10);
    Participant a = joined(M1, "s1", "u1");
    await(store.remove(M1, a.id()));
    Participant again = joined(M1, "s1", "u1");
    assertNotEquals(a.id(), again.id());
  }

  // ---- reads -----------------------------------------------------------------------------------

  @Test
  void participantsOfAnUnknownOrEmptyMeetingIsEmpty() {
    assertEquals(List.of(), await(store.participants(MeetingId.of("nope"))));
    created(M1, 10);
    assertEquals(List.of(), await(store.participants(M1)));
  }

  @Test
  void participantIsPerMeetingAndSocket() {
    created(M1, 10);
    created(M2, 10);
    Participant a = joined(M1, "s1", "u1");
    Participant a2 = joined(M2, "s1", "u1");
    assertEquals(a, await(store.participant(M1, SocketId.of("s1"))));
    assertEquals(a2, await(store.participant(M2, SocketId.of("s1"))));
    assertNull(await(store.participant(M1, SocketId.of("s2"))));
    assertNull(await(store.participant(MeetingId.of("nope"), SocketId.of("s1"))));
  }

  // ---- media -----------------------------------------------------------------------------------

  @Test
  void updateMediaMergesOnlyTheGivenFields() {
    created(M1, 10);
    Participant a = joined(M1, "s1", "u1");
    Participant afterAudio = await(store.updateMedia(M1, SocketId.of("s1"), new MediaPatch(false, null, null)));
    assertEquals(a.withMedia(new MediaState(false, true, false)), afterAudio);
    Participant afterScreen = await(store.updateMedia(M1, SocketId.of("s1"), new MediaPatch(null, null, true)));
    assertEquals(a.withMedia(new MediaState(false, true, true)), afterScreen);
    Participant afterBoth = await(store.updateMedia(M1, SocketId.of("s1"), new MediaPatch(true, false, null)));
    assertEquals(a.withMedia(new MediaState(true, false, true)), afterBoth);
    Participant unchanged = await(store.updateMedia(M1, SocketId.of("s1"), new MediaPatch(null, null, null)));
    assertEquals(afterBoth, unchanged);
  }

  @Test
  void updatedMediaIsWhatLaterReadsAndJoinersSee() {
    created(M1, 10);
    joined(M1, "s1", "u1");
    Participant b = joined(M1, "s2", "u2");
    Participant updated = await(store.updateMedia(M1, SocketId.of("s1"), new MediaPatch(null, false, null)));
    assertEquals(new MediaState(true, false, false), updated.media());
    assertEquals(updated, await(store.participant(M1, SocketId.of("s1"))));
    assertEquals(List.of(updated, b), await(store.participants(M1)), "join order is kept by a media update");
    MeetingJoin late = await(store.join(M1, candidate(M1, "s3", "u3")));
    assertEquals(List.of(updated, b), late.others());
    MeetingLeave leave = await(store.leave(M1, SocketId.of("s2")));
    assertEquals(List.of(updated, late.self()), leave.remaining());
  }

  @Test
  void updateMediaOfANonParticipantIsNullAndChangesNothing() {
    created(M1, 10);
    Participant a = joined(M1, "s1", "u1");
    assertNull(await(store.updateMedia(M1, SocketId.of("s2"), new MediaPatch(false, false, false))));
    assertNull(await(store.updateMedia(MeetingId.of("nope"), SocketId.of("s1"), new MediaPatch(false, false, false))));
    assertEquals(List.of(a), await(store.participants(M1)));
  }

  @Test
  void mediaIsPerMeeting() {
    created(M1, 10);
    created(M2, 10);
    joined(M1, "s1", "u1");
    Participant inM2 = joined(M2, "s1", "u1");
    await(store.updateMedia(M1, SocketId.of("s1"), new MediaPatch(false, false, true)));
    assertEquals(inM2, await(store.participant(M2, SocketId.of("s1"))));
  }

  @Test
  void concurrentMediaPatchesOfDifferentFieldsAllLand() throws Exception {
    created(M1, 10);
    joined(M1, "s1", "u1");
    List<Callable<Future<Participant>>> calls = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      calls.add(() -> store.updateMedia(M1, SocketId.of("s1"), new MediaPatch(false, null, null)));
      calls.add(() -> store.updateMedia(M1, SocketId.of("s1"), new MediaPatch(null, false, null)));
      calls.add(() -> store.updateMedia(M1, SocketId.of("s1"), new MediaPatch(null, null, true)));
    }
    allAtOnce(8, calls);
    assertEquals(new MediaState(false, false, true), await(store.participant(M1, SocketId.of("s1"))).media());
  }

  // ---- end -------------------------------------------------------------------------------------

  @Test
  void endMarksTheMeetingEndedAndRemovesEveryoneInJoinOrder() {
    Meeting m = created(M1, 10);
    Participant a = joined(M1, "s1", "u1");
    Participant b = joined(M1, "s2", "u2");
    MeetingEnd end = await(store.end(M1));
    assertEquals(m.ended(), end.meeting());
    assertEquals(MeetingStatus.ENDED, end.meeting().status());
    assertEquals(List.of(a, b), end.removed());
    assertEquals(m.ended(), await(store.get(M1)));
    assertEquals(List.of(), await(store.participants(M1)));
    assertNull(await(store.participant(M1, SocketId.of("s1"))));
    assertNull(await(store.leave(M1, SocketId.of("s1"))));
    assertNull(await(store.remove(M1, b.id())));
    assertNull(await(store.updateMedia(M1, SocketId.of("s1"), new MediaPatch(false, null, null))));
  }

  @Test
  void anEndedMeetingCannotBeJoinedNorRejoined() {
    created(M1, 10);
    joined(M1, "s1", "u1");
    await(store.end(M1));
    refused(ErrorCode.MEETING_ENDED, store.join(M1, candidate(M1, "s1", "u1")));
    refused(ErrorCode.MEETING_ENDED, store.join(M1, candidate(M1, "s2", "u2")));
    assertEquals(List.of(), await(store.participants(M1)));
  }

  @Test
  void endOfAnUnknownMeetingIsNull() {
    assertNull(await(store.end(MeetingId.of("nope"))));
    assertNull(await(store.get(MeetingId.of("nope"))));
  }

  @Test
  void endOfAnEmptyMeetingRemovesNobody() {
    Meeting m = created(M1, 10);
    MeetingEnd end = await(store.end(M1));
    assertEquals(m.ended(), end.meeting());
    assertEquals(List.of(), end.removed());
  }

  @Test
  void endLeavesOtherMeetingsAlone() {
    created(M1, 10);
    created(M2, 10);
    joined(M1, "s1", "u1");
    Participant inM2 = joined(M2, "s1", "u1");
    await(store.end(M1));
    assertEquals(MeetingStatus.LIVE, await(store.get(M2)).status());
    assertEquals(List.of(inM2), await(store.participants(M2)));
    List<MeetingLeave> leaves = await(store.removeSocket(SocketId.of("s1")));
    assertEquals(1, leaves.size(), "the ended meeting no longer holds the socket");
    assertEquals(inM2, leaves.get(0).removed());
  }

  @Test
  void endRacingJoinsLeavesNobodyInAnEndedMeeting() throws Exception {
    created(M1, 100);
    List<Callable<Future<Object>>> calls = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      Participant c = candidate(M1, "s" + i, "u" + i);
      calls.add(() -> store.join(M1, c).map(j -> (Object) j));
      if (i == 15) {
        calls.add(() -> store.end(M1).map(e -> (Object) e));
      }
    }
    List<Outcome<Object>> outcomes = allAtOnce(8, calls);
    for (Outcome<Object> o : outcomes) {
      if (o.refusal() != null) {
        assertEquals(ErrorCode.MEETING_ENDED, o.refusal().code());
      }
    }
    assertEquals(MeetingStatus.ENDED, await(store.get(M1)).status());
    assertEquals(List.of(), await(store.participants(M1)));
  }

  // ---- removeSocket ----------------------------------------------------------------------------

  @Test
  void removeSocketLeavesEveryMeetingOfTheSocketWithOneLeaveEach() {
    created(M1, 10);
    created(M2, 10);
    created(M3, 10);
    created(M4, 10);
    Participant in1 = joined(M1, "s1", "u1");
    Participant other1 = joined(M1, "s2", "u2");
    Participant in2 = joined(M2, "s1", "u1");
    Participant other3 = joined(M3, "s3", "u3");
    Participant in3 = joined(M3, "s1", "u1");
    Participant other4 = joined(M4, "s2", "u2");

    List<MeetingLeave> leaves = await(store.removeSocket(SocketId.of("s1")));
    assertEquals(3, leaves.size());
    Map<MeetingId, MeetingLeave> byMeeting = new HashMap<>();
    for (MeetingLeave l : leaves) {
      assertNull(byMeeting.put(l.removed().meeting(), l), "one leave per meeting");
    }
    assertEquals(new MeetingLeave(in1, List.of(other1)), byMeeting.get(M1));
    assertEquals(new MeetingLeave(in2, List.of()), byMeeting.get(M2));
    assertEquals(new MeetingLeave(in3, List.of(other3)), byMeeting.get(M3));

    assertEquals(List.of(other1), await(store.participants(M1)));
    assertEquals(List.of(), await(store.participants(M2)));
    assertEquals(List.of(other3), await(store.participants(M3)));
    assertEquals(List.of(other4), await(store.participants(M4)));
    for (MeetingId m : List.of(M1, M2, M3, M4)) {
      assertNull(await(store.participant(m, SocketId.of("s1"))));
    }
  }

  @Test
  void removeSocketOfAnUnknownSocketIsEmpty() {
    created(M1, 10);
    Participant a = joined(M1, "s1", "u1");
    assertEquals(List.of(), await(store.removeSocket(SocketId.of("s9"))));
    assertEquals(List.of(a), await(store.participants(M1)));
  }

  @Test
  void removeSocketTwiceIsEmptyTheSecondTime() {
    created(M1, 10);
    joined(M1, "s1", "u1");
    assertEquals(1, await(store.removeSocket(SocketId.of("s1"))).size());
    assertEquals(List.of(), await(store.removeSocket(SocketId.of("s1"))));
  }

  @Test
  void removeSocketForgetsMeetingsTheSocketAlreadyLeft() {
    created(M1, 10);
    created(M2, 10);
    Participant a = joined(M1, "s1", "u1");
    joined(M2, "s1", "u1");
    await(store.leave(M2, SocketId.of("s1")));
    List<MeetingLeave> leaves = await(store.removeSocket(SocketId.of("s1")));
    assertEquals(List.of(new MeetingLeave(a, List.of())), leaves);
  }

  @Test
  void removeSocketFreesSeatsAndTheSocketMayJoinAgain() {
    created(M1, 1);
    joined(M1, "s1", "u1");
    await(store.removeSocket(SocketId.of("s1")));
    Participant again = joined(M1, "s1", "u1");
    assertEquals(List.of(again), await(store.participants(M1)));
  }
}
