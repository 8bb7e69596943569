package io.switchboard.signaling.store;

import static io.switchboard.signaling.store.StoreContractSupport.allAtOnce;
import static io.switchboard.signaling.store.StoreContractSupport.await;
import static io.switchboard.signaling.store.StoreContractSupport.refused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.signaling.ErrorCode;
import io.switchboard.signaling.ids.CallId;
import io.switchboard.signaling.ids.GroupId;
import io.switchboard.signaling.ids.NodeId;
import io.switchboard.signaling.ids.SocketId;
import io.switchboard.signaling.ids.SocketRef;
import io.switchboard.signaling.ids.UserId;
import io.switchboard.signaling.store.StoreContractSupport.Outcome;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link CallStore} contract, as its javadoc states it. Every implementation runs this very
 * suite: subclass it and return a fresh, empty store from {@link #store()}.
 */
public abstract class CallStoreContract {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final NodeId NODE_A = NodeId.of("node-a");
  private static final NodeId NODE_B = NodeId.of("node-b");
  private static final UserId ALICE = UserId.of("alice");
  private static final UserId BOB = UserId.of("bob");
  private static final UserId CAROL = UserId.of("carol");
  private static final UserId DAVE = UserId.of("dave");

  protected CallStore calls;

  /** A fresh, empty store; called once per test. */
  protected abstract CallStore store();

  @BeforeEach
  void freshStore() {
    calls = store();
  }

  private static SocketRef socket(String id, NodeId node) {
    return new SocketRef(SocketId.of(id), node);
  }

  private static JsonNode data(String id) {
    return JSON.createObjectNode().put("callId", id).put("roomName", "room-" + id).put("isGroupCall", false);
  }

  private static Call oneToOne(String id, UserId caller, UserId callee) {
    return Call.oneToOne(CallId.of(id), CallFlavor.WEBRTC, caller, socket(caller.value() + "-1", NODE_A), callee, data(id),
        1_000L, NODE_A);
  }

  private static Call group(String id, UserId caller, String group) {
    return Call.group(CallId.of(id), caller, socket(caller.value() + "-1", NODE_A), GroupId.of(group), data(id), 2_000L,
        NODE_B);
  }

  private Call connected(String id, UserId caller, UserId callee) {
    await(calls.ring(oneToOne(id, caller, callee)));
    return await(calls.connect(CallId.of(id), socket(callee.value() + "-1", NODE_B)));
  }

  private Set<String> idsOf(UserId user) {
    return await(calls.callsOf(user)).stream().map(c -> c.id().value()).collect(Collectors.toSet());
  }

  // ---- ring and get ---------------------------------------------------------------------------

  @Test
  void ringStoresTheCallAsGivenAndGetReturnsEveryField() {
    Call call = Call.oneToOne(CallId.of("c1"), CallFlavor.VIDEO_CALL, ALICE, socket("a1", NODE_B), BOB, data("c1"), 1234L,
        NODE_A);
    assertEquals(call, await(calls.ring(call)));
    Call stored = await(calls.get(CallId.of("c1")));
    assertEquals(call, stored);
    assertEquals(CallState.RINGING, stored.state());
    assertEquals(data("c1"), stored.data());
    assertEquals(socket("a1", NODE_B), stored.callerSocket());
    assertEquals(NODE_A, stored.owner());
    assertNull(stored.answeredBy());
  }

  @Test
  void aGroupCallKeepsItsGroupAndHasNoCallee() {
    Call call = group("g1", ALICE, "team");
    await(calls.ring(call));
    Call stored = await(calls.get(CallId.of("g1")));
    assertEquals(call, stored);
    assertTrue(stored.isGroup());
    assertNull(stored.callee());
  }

  @Test
  void getOfAnUnknownCallIsNull() {
    assertNull(await(calls.get(CallId.of("nope"))));
  }

  @Test
  void ringRefusesAnExistingIdAndKeepsTheFirstCall() {
    Call first = oneToOne("c1", ALICE, BOB);
    await(calls.ring(first));
    refused(ErrorCode.CONFLICT, calls.ring(oneToOne("c1", CAROL, DAVE)));
    assertEquals(first, await(calls.get(CallId.of("c1"))));
    assertEquals(Set.of(), idsOf(CAROL));
  }

  @Test
  void ringRefusesACalleeInAConnectedCallAsCalleeAndStoresNothing() {
    connected("c1", ALICE, BOB);
    refused(ErrorCode.BUSY, calls.ring(oneToOne("c2", CAROL, BOB)));
    assertNull(await(calls.get(CallId.of("c2"))));
    assertEquals(Set.of(), idsOf(CAROL));
    assertEquals(Set.of("c1"), idsOf(BOB));
  }

  @Test
  void ringRefusesACalleeInAConnectedCallAsCaller() {
    connected("c1", ALICE, BOB);
    refused(ErrorCode.BUSY, calls.ring(oneToOne("c2", CAROL, ALICE)));
    assertNull(await(calls.get(CallId.of("c2"))));
  }

  @Test
  void ringingCallsDoNotMakeAnyoneBusy() {
    await(calls.ring(oneToOne("c1", ALICE, BOB)));
    await(calls.ring(oneToOne("c2", CAROL, BOB)));
    await(calls.ring(oneToOne("c3", DAVE, ALICE)));
    assertEquals(Set.of("c1", "c2"), idsOf(BOB));
    assertFalse(await(calls.isBusy(BOB)));
  }

  @Test
  void aBusyCallerMayStillPlaceCallsAndGroupCallsAreNeverBusy() {
    connected("c1", ALICE, BOB);
    await(calls.ring(oneToOne("c2", ALICE, CAROL)));
    await(calls.ring(group("g1", BOB, "team")));
    assertEquals(Set.of("c1", "c2"), idsOf(ALICE));
    assertEquals(Set.of("c1", "g1"), idsOf(BOB));
  }

  // ---- connect --------------------------------------------------------------------------------

  @Test
  void connectMovesARingingCallToConnectedWithTheAnsweringSocket() {
    await(calls.ring(oneToOne("c1", ALICE, BOB)));
    SocketRef phone = socket("b2", NODE_B);
    Call connected = await(calls.connect(CallId.of("c1"), phone));
    assertEquals(CallState.CONNECTED, connected.state());
    assertEquals(phone, connected.answeredBy());
    assertEquals(connected, await(calls.get(CallId.of("c1"))));
    assertEquals(data("c1"), connected.data());
    assertTrue(await(calls.isBusy(ALICE)));
    assertTrue(await(calls.isBusy(BOB)));
    assertFalse(await(calls.isBusy(CAROL)));
  }

  @Test
  void connectOfAConnectedCallIsNullAndKeepsTheFirstAnswer() {
    Call first = connected("c1", ALICE, BOB);
    assertNull(await(calls.connect(CallId.of("c1"), socket("b9", NODE_A))));
    assertEquals(first, await(calls.get(CallId.of("c1"))));
  }

  @Test
  void connectOfAnUnknownCallIsNullAndCreatesNothing() {
    assertNull(await(calls.connect(CallId.of("nope"), socket("b1", NODE_A))));
    assertNull(await(calls.get(CallId.of("nope"))));
  }

  @Test
  void aGroupCallConnectsOnce() {
    await(calls.ring(group("g1", ALICE, "team")));
    assertNotNull(await(calls.connect(CallId.of("g1"), socket("b1", NODE_A))));
    assertNull(await(calls.connect(CallId.of("g1"), socket("c1", NODE_A))));
    assertEquals(socket("b1", NODE_A), await(calls.get(CallId.of("g1"))).answeredBy());
    assertTrue(await(calls.isBusy(ALICE)));
  }

  // ---- endIfRinging and end -------------------------------------------------------------------

  @Test
  void endIfRingingRemovesARingingCallAndReturnsIt() {
    Call call = oneToOne("c1", ALICE, BOB);
    await(calls.ring(call));
    assertEquals(call, await(calls.endIfRinging(CallId.of("c1"))));
    assertNull(await(calls.get(CallId.of("c1"))));
    assertEquals(Set.of(), idsOf(ALICE));
    assertEquals(Set.of(), idsOf(BOB));
    assertNull(await(calls.endIfRinging(CallId.of("c1"))));
  }

  @Test
  void endIfRingingLeavesAConnectedCallAlone() {
    Call connected = connected("c1", ALICE, BOB);
    assertNull(await(calls.endIfRinging(CallId.of("c1"))));
    assertEquals(connected, await(calls.get(CallId.of("c1"))));
    assertTrue(await(calls.isBusy(BOB)));
  }

  @Test
  void endIfRingingOfAnUnknownCallIsNull() {
    assertNull(await(calls.endIfRinging(CallId.of("nope"))));
  }

  @Test
  void endRemovesACallInAnyStateOnceAndFreesBothUsers() {
    await(calls.ring(oneToOne("c1", ALICE, BOB)));
    Call connected = connected("c2", CAROL, DAVE);
    assertEquals(CallState.RINGING, await(calls.end(CallId.of("c1"))).state());
    assertEquals(connected, await(calls.end(CallId.of("c2"))));
    assertNull(await(calls.end(CallId.of("c2"))));
    for (UserId u : List.of(ALICE, BOB, CAROL, DAVE)) {
      assertEquals(Set.of(), idsOf(u), u.value());
      assertFalse(await(calls.isBusy(u)), u.value());
    }
    await(calls.ring(oneToOne("c3", ALICE, DAVE)));
    assertEquals(Set.of("c3"), idsOf(DAVE));
  }

  @Test
  void anEndedIdMayBeRungAgain() {
    await(calls.ring(oneToOne("c1", ALICE, BOB)));
    await(calls.end(CallId.of("c1")));
    Call again = oneToOne("c1", CAROL, DAVE);
    assertEquals(again, await(calls.ring(again)));
    assertEquals(Set.of(), idsOf(ALICE));
    assertEquals(Set.of("c1"), idsOf(CAROL));
  }

  // ---- callsOf and isBusy ---------------------------------------------------------------------

  @Test
  void callsOfListsCallsAsCallerOrCalleeAndGroupCallsUnderTheCallerOnly() {
    await(calls.ring(oneToOne("c1", ALICE, BOB)));
    await(calls.ring(oneToOne("c2", CAROL, ALICE)));
    await(calls.ring(group("g1", ALICE, "team")));
    assertEquals(Set.of("c1", "c2", "g1"), idsOf(ALICE));
    assertEquals(Set.of("c1"), idsOf(BOB));
    assertEquals(Set.of("c2"), idsOf(CAROL));
    assertEquals(Set.of(), idsOf(DAVE));
    Call listed = await(calls.callsOf(BOB)).get(0);
    assertEquals(await(calls.get(CallId.of("c1"))), listed);
  }

  @Test
  void callsOfShowsTheCurrentState() {
    connected("c1", ALICE, BOB);
    List<Call> listed = await(calls.callsOf(ALICE));
    assertEquals(1, listed.size());
    assertEquals(CallState.CONNECTED, listed.get(0).state());
  }

  @Test
  void nobodyIsBusyAtFirst() {
    assertFalse(await(calls.isBusy(ALICE)));
    assertEquals(List.of(), await(calls.callsOf(ALICE)));
  }

  // ---- races ----------------------------------------------------------------------------------

  @Test
  void ofManyDevicesAnsweringAtOnceExactlyOneConnects() throws Exception {
    for (int round = 0; round < 20; round++) {
      CallId id = CallId.of("race-" + round);
      await(calls.ring(oneToOne(id.value(), ALICE, BOB)));
      List<Callable<Future<Call>>> answers = new ArrayList<>();
      for (int device = 0; device < 8; device++) {
        SocketRef s = socket("b" + device, device % 2 == 0 ? NODE_A : NODE_B);
        answers.add(() -> calls.connect(id, s));
      }
      List<Outcome<Call>> outcomes = allAtOnce(8, answers);
      List<Call> winners = outcomes.stream().map(Outcome::value).filter(c -> c != null).toList();
      assertEquals(1, winners.size(), "round " + round + ": " + outcomes);
      assertEquals(winners.get(0), await(calls.get(id)));
      await(calls.end(id));
    }
  }

  @Test
  void anAnswerRacingARejectOrTimeoutHasExactlyOneWinner() throws Exception {
    for (int round = 0; round < 50; round++) {
      CallId id = CallId.of("race-" + round);
      await(calls.ring(oneToOne(id.value(), ALICE, BOB)));
      List<Callable<Future<Call>>> both = List.of(
          () -> calls.connect(id, socket("b1", NODE_A)),
          () -> calls.endIfRinging(id));
      List<Outcome<Call>> outcomes = allAtOnce(2, both);
      Call answered = outcomes.get(0).value();
      Call ended = outcomes.get(1).value();
      assertTrue((answered == null) != (ended == null), "round " + round + ": " + outcomes);
      Call now = await(calls.get(id));
      if (answered != null) {
        assertEquals(answered, now);
      } else {
        assertNull(now);
        assertEquals(Set.of(), idsOf(BOB));
      }
      await(calls.end(id));
    }
  }

  @Test
  void ofCallersRingingOneCalleeWhileItAnswersNoneIsLostOrHalfStored() throws Exception {
    await(calls.ring(oneToOne("first", ALICE, BOB)));
    List<Callable<Future<Call>>> ops = new ArrayList<>();
    ops.add(() -> calls.connect(CallId.of("first"), socket("b1", NODE_A)));
    for (int i = 0; i < 10; i++) {
      UserId caller = UserId.of("caller-" + i);
      String id = "c" + i;
      ops.add(() -> calls.ring(oneToOne(id, caller, BOB)));
    }
    List<Outcome<Call>> outcomes = allAtOnce(11, ops);
    assertNotNull(outcomes.get(0).value());
    Set<String> rung = new java.util.HashSet<>();
    for (int i = 1; i < outcomes.size(); i++) {
      Outcome<Call> o = outcomes.get(i);
      if (o.value() != null) {
        rung.add(o.value().id().value());
      } else {
        assertEquals(ErrorCode.BUSY, o.refusal().code());
      }
    }
    Set<String> expected = new java.util.HashSet<>(rung);
    expected.add("first");
    assertEquals(expected, idsOf(BOB));
  }
}
