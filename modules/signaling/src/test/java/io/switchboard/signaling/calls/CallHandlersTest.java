package io.switchboard.signaling.calls;

import static io.switchboard.signaling.SignalingHarness.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.signaling.Client;
import io.switchboard.signaling.Identity;
import io.switchboard.signaling.SignalingConfig;
import io.switchboard.signaling.SignalingHarness;
import io.switchboard.signaling.SignalingHarness.Outcome;
import io.switchboard.signaling.ids.CallId;
import io.switchboard.signaling.ids.GroupId;
import io.switchboard.signaling.ids.UserId;
import io.switchboard.signaling.store.Call;
import io.switchboard.signaling.store.CallState;
import io.switchboard.testkit.TestVertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Calls by user id (seeds 002, 003, 004) on real in-memory stores, asserting who received what. */
class CallHandlersTest {
  private static final Duration SHORT_RING = Duration.ofMillis(150);

  private SignalingHarness h;

  @BeforeEach
  void start() {
    h = new SignalingHarness();
  }

  @AfterEach
  void stop() {
    h.close();
  }

  private void restartWith(SignalingConfig config) {
    h.close();
    h = new SignalingHarness(config);
  }

  // ---- helpers --------------------------------------------------------------------------------

  /** A socket registered (open mode) as {@code user}. */
  private Client online(String user) {
    Client c = h.client();
    ok(h.send(c, "userOnline", user));
    return c;
  }

  private static Outcome ok(Outcome o) {
    if (!o.ok()) {
      fail("refused: " + o.code() + " " + o.error().getMessage());
    }
    return o;
  }

  private static void refused(Outcome o, String code, String message) {
    assertFalse(o.ok(), "expected a refusal, got ack " + o.ack());
    assertEquals(code, o.code(), o.error().getMessage());
    if (message != null) {
      assertEquals(message, o.error().getMessage());
    }
  }

  private static ObjectNode videoCallData(String caller, String receiver) {
    return (ObjectNode) json("{'roomName':'call-7f3a','callerId':'" + caller + "','callerName':'Alice Doe','receiverId':'"
        + receiver + "','receiverName':'Bob Roe','isGroupCall':false,'timestamp':'2025-08-06T10:00:00.000Z'}");
  }

  private static ObjectNode groupCallData(String caller, String group) {
    return (ObjectNode) json("{'roomName':'call-g','callerId':'" + caller + "','callerName':'Alice Doe','isGroupCall':true,"
        + "'groupId':'" + group + "','timestamp':'2025-08-06T10:00:00.000Z'}");
  }

  private static ObjectNode with(JsonNode base, String field, String value) {
    ObjectNode o = base.deepCopy();
    o.put(field, value);
    return o;
  }

  private static ObjectNode without(JsonNode base, String field) {
    ObjectNode o = base.deepCopy();
    o.remove(field);
    return o;
  }

  /** Places a 1:1 video call and returns the incomingVideoCall payload (the callData the receiver echoes). */
  private ObjectNode videoCall(Client caller, String callerId, String receiverId) {
    Outcome o = ok(h.send(caller, "initiateVideoCall", videoCallData(callerId, receiverId)));
    ObjectNode incoming = videoCallData(callerId, receiverId);
    incoming.put("callId", o.ack().get("callId").textValue());
    return incoming;
  }

  private static ObjectNode callRequest(String id, String from, String to) {
    return (ObjectNode) json("{'id':'" + id + "','from':'" + from + "','to':'" + to + "','type':'video',"
        + "'offer':{'type':'offer','sdp':'v=0\\r\\no=- 1 2 IN IP4 127.0.0.1\\r\\n'},'timestamp':1754474400000}");
  }

  private static ObjectNode relay(String callId, String to) {
    return (ObjectNode) json("{'callId':'" + callId + "','to':'" + to + "'}");
  }

  private static ObjectNode answer(String callId, String to) {
    ObjectNode o = relay(callId, to);
    o.set("answer", json("{'type':'answer','sdp':'v=0\\r\\n'}"));
    return o;
  }

  private static ObjectNode candidate(String callId, String to) {
    ObjectNode o = relay(callId, to);
    o.set("candidate", json("{'candidate':'candidate:1 1 udp 2122260223 10.0.0.1 54321 typ host','sdpMid':'0','sdpMLineIndex':0}"));
    return o;
  }

  private Call call(String id) {
    return TestVertx.await(h.stores().calls().get(CallId.of(id)));
  }

  private List<Call> callsOf(String user) {
    return TestVertx.await(h.stores().calls().callsOf(UserId.of(user)));
  }

  private void assertNothingReceived(Client... clients) {
    for (Client c : clients) {
      assertEquals(List.of(), h.receivedBy(c), c.socketId().value());
    }
  }

  /** Retries {@code check} until it passes or {@code max} has passed (then its last failure is thrown). */
  private static void eventually(Duration max, Runnable check) {
    long deadline = System.nanoTime() + max.toNanos();
    while (true) {
      try {
        check.run();
        return;
      } catch (AssertionError e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        try {
          Thread.sleep(10);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  private static void pause(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ---- seeds 002/003: initiateVideoCall -------------------------------------------------------

  @Nested
  class InitiateVideoCall {
    @Test
    void ringsEverySocketOfTheReceiverWithTheCallDataAndAServerMadeCallId() {
      Client a1 = online("alice");
      Client a2 = online("alice");
      Client b1 = online("bob");
      Client b2 = online("bob");
      Client c1 = online("carol");
      h.clearDeliveries();

      Outcome o = ok(h.send(a1, "initiateVideoCall", videoCallData("alice", "bob")));

      String callId = o.ack().get("callId").textValue();
      assertEquals(callId, UUID.fromString(callId).toString());
      assertEquals(2, o.ack().get("delivered").intValue());
      ObjectNode expected = videoCallData("alice", "bob");
      expected.put("callId", callId);
      assertEquals(List.of(expected), h.received(b1, "incomingVideoCall"));
      assertEquals(List.of(expected), h.received(b2, "incomingVideoCall"));
      assertNothingReceived(a1, a2, c1);
      Call call = call(callId);
      assertEquals(CallState.RINGING, call.state());
      assertEquals(UserId.of("alice"), call.caller());
      assertEquals(UserId.of("bob"), call.callee());
    }

    @Test
    void aCallIdSentByTheCallerIsReplacedAndExtraFieldsAreKept() {
      Client a1 = online("alice");
      Client b1 = online("bob");
      h.clearDeliveries();
      ObjectNode data = with(videoCallData("alice", "bob"), "callId", "mine");
      data.put("extra", "kept");

      Outcome o = ok(h.send(a1, "initiateVideoCall", data));

      JsonNode incoming = h.received(b1, "incomingVideoCall").get(0);
      assertEquals(o.ack().get("callId").textValue(), incoming.get("callId").textValue());
      assertEquals("kept", incoming.get("extra").textValue());
      assertNull(call("mine"));
    }

    @Test
    void anOfflineReceiverFailsTheCallOnTheSendingSocketOnly() {
      Client a1 = online("alice");
      Client a2 = online("alice");
      h.clearDeliveries();

      Outcome o = ok(h.send(a1, "initiateVideoCall", videoCallData("alice", "bob")));

      assertEquals("offline", o.ack().get("reason").textValue());
      ObjectNode expected = (ObjectNode) json("{'message':'User is offline'}");
      expected.setAll(videoCallData("alice", "bob"));
      List<JsonNode> failed = h.received(a1, "videoCallFailed");
      assertEquals(List.of(expected), failed);
      assertEquals("message", failed.get(0).fieldNames().next(), "message comes first, as in {message, ...callData}");
      assertNothingReceived(a2);
      assertEquals(List.of(), callsOf("alice"));
    }

    @Test
    void aReceiverInAConnectedCallIsBusy() {
      Client a1 = online("alice");
      Client b1 = online("bob");
      Client c1 = online("carol");
      ObjectNode withCarol = videoCall(c1, "carol", "bob");
      ok(h.send(b1, "acceptVideoCall", withCarol));
      h.clearDeliveries();

      Outcome o = ok(h.send(a1, "initiateVideoCall", videoCallData("alice", "bob")));

      assertEquals("busy", o.ack().get("reason").textValue());
      ObjectNode expected = videoCallData("alice", "bob");
      expected.put("message", "User is busy");
      expected.put("reason", "busy");
      assertEquals(List.of(expected), h.received(a1, "videoCallFailed"));
      assertNothingReceived(b1, c1);
      assertEquals(List.of(), callsOf("alice"));
    }

    @Test
    void aRingingReceiverIsNotBusy() {
      Client a1 = online("alice");
      Client b1 = online("bob");
      Client c1 = online("carol");
      videoCall(c1, "carol", "bob");
      h.clearDeliveries();

      ok(h.send(a1, "initiateVideoCall", videoCallData("alice", "bob")));

      assertEquals(1, h.received(b1, "incomingVideoCall").size());
      assertEquals(2, callsOf("bob").size());
    }

    @Test
    void aVerifiedCallerNeedsNoRegistration() {
      Client a1 = h.client(new Identity(UserId.of("alice"), "Alice", Set.of()));
      Client b1 = online("bob");
      h.clearDeliveries();

      ok(h.send(a1, "initiateVideoCall", videoCallData("alice", "bob")));

      assertEquals(1, h.received(b1, "incomingVideoCall").size());
    }

    @Test
    void callingYourselfIsABadRequest() {
      Client a1 = online("alice");
      online("alice");
      h.clearDeliveries();

      refused(h.send(a1, "initiateVideoCall", videoCallData("alice", "alice")), "bad_request", null);

      assertEquals(List.of(), h.deliveries());
      assertEquals(List.of(), callsOf("alice"));
    }
  }

  // ---- anti-spoofing --------------------------------------------------------------------------

  static Stream<Arguments> spoofedCallers() {
    return Stream.of(
        Arguments.of("an unregistered socket", null, null),
        Arguments.of("a socket registered as another user", "mallory", null),
        Arguments.of("a verified user declaring another id", null, "mallory"));
  }

  @ParameterizedTest(name = "{0} cannot initiateVideoCall as alice")
  @MethodSource("spoofedCallers")
  void initiateVideoCallAsSomeoneElseIsUnauthorized(String who, String registeredAs, String verifiedAs) {
    Client spoofer = spoofer(registeredAs, verifiedAs);
    Client b1 = online("bob");
    online("alice");
    h.clearDeliveries();

    refused(h.send(spoofer, "initiateVideoCall", videoCallData("alice", "bob")), "unauthorized", "Unauthorized call attempt");

    assertEquals(List.of(), h.deliveries());
    assertEquals(List.of(), callsOf("alice"));
    assertNothingReceived(b1);
  }

  @ParameterizedTest(name = "{0} cannot send call-request from alice")
  @MethodSource("spoofedCallers")
  void callRequestFromSomeoneElseIsUnauthorized(String who, String registeredAs, String verifiedAs) {
    Client spoofer = spoofer(registeredAs, verifiedAs);
    online("bob");
    online("alice");
    h.clearDeliveries();

    refused(h.send(spoofer, "call-request", callRequest("c1", "alice", "bob")), "unauthorized", "Unauthorized call attempt");

    assertEquals(List.of(), h.deliveries());
    assertNull(call("c1"));
  }

  @ParameterizedTest(name = "{0} cannot initiateGroupVideoCall as alice")
  @MethodSource("spoofedCallers")
  void initiateGroupVideoCallAsSomeoneElseIsUnauthorized(String who, String registeredAs, String verifiedAs) {
    Client spoofer = spoofer(registeredAs, verifiedAs);
    Client b1 = online("bob");
    ok(h.send(b1, "joinGroup", "team"));
    h.clearDeliveries();

    refused(h.send(spoofer, "initiateGroupVideoCall", groupCallData("alice", "team")), "unauthorized",
        "Unauthorized call attempt");

    assertEquals(List.of(), h.deliveries());
    assertEquals(List.of(), callsOf("alice"));
  }

  private Client spoofer(String registeredAs, String verifiedAs) {
    if (verifiedAs != null) {
      return h.client(new Identity(UserId.of(verifiedAs), null, Set.of()));
    }
    return registeredAs == null ? h.client() : online(registeredAs);
  }

  // ---- acceptVideoCall / rejectVideoCall ------------------------------------------------------

  @Nested
  class AcceptAndReject {
    @Test
    void acceptTellsTheCallerAndStopsTheReceiversOtherDevicesButNotTheAcceptingOne() {
      Client a1 = online("alice");
      Client a2 = online("alice");
      Client b1 = online("bob");
      Client b2 = online("bob");
      Client b3 = online("bob");
      ObjectNode callData = videoCall(a1, "alice", "bob");
      h.clearDeliveries();

      Outcome o = ok(h.send(b2, "acceptVideoCall", callData));

      assertEquals(List.of(callData), h.received(a1, "videoCallAccepted"));
      assertEquals(List.of(callData), h.received(a2, "videoCallAccepted"));
      assertEquals(List.of(callData), h.received(b1, "videoCallEnded"));
      assertEquals(List.of(callData), h.received(b3, "videoCallEnded"));
      assertNothingReceived(b2);
      assertEquals(1, h.receivedBy(a1).size());
      assertEquals(2, o.ack().get("delivered").intValue());
      Call call = call(callData.get("callId").textValue());
      assertEquals(CallState.CONNECTED, call.state());
      assertEquals(b2.ref(), call.answeredBy());
    }

    @Test
    void rejectTellsTheCallerStopsTheOtherDevicesAndRemovesTheCall() {
      Client a1 = online("alice");
      Client b1 = online("bob");
      Client b2 = online("bob");
      ObjectNode callData = videoCall(a1, "alice", "bob");
      h.clearDeliveries();

      ok(h.send(b1, "rejectVideoCall", callData));

      assertEquals(List.of(callData), h.received(a1, "videoCallRejected"));
      assertEquals(List.of(callData), h.received(b2, "videoCallEnded"));
      assertNothingReceived(b1);
      assertNull(call(callData.get("callId").textValue()));
      assertEquals(List.of(), callsOf("bob"));
    }

    @Test
    void withoutACallIdThePairsRingingCallIsFound() {
      Client a1 = online("alice");
      Client b1 = online("bob");
      ObjectNode callData = videoCall(a1, "alice", "bob");
      h.clearDeliveries();

      ok(h.send(b1, "acceptVideoCall", without(callData, "callId")));

      assertEquals(CallState.CONNECTED, call(callData.get("callId").textValue()).state());
      assertEquals(1, h.received(a1, "videoCallAccepted").size());
    }

    @Test
    void anUnknownCallIdFallsBackToThePairsRingingCall() {
      Client a1 = online("alice");
      Client b1 = online("bob");
      ObjectNode callData = videoCall(a1, "alice", "bob");
      h.clearDeliveries();

      ok(h.send(b1, "rejectVideoCall", with(callData, "callId", a1.socketId().value())));

      assertNull(call(callData.get("callId").textValue()));
      assertEquals(1, h.received(a1, "videoCallRejected").size());
    }

    @Test
    void aCallThatDoesNotExistIsNotFoundAndNothingIsSent() {
      Client a1 = online("alice");
      Client b1 = online("bob");
      h.clearDeliveries();

      refused(h.send(b1, "acceptVideoCall", with(videoCallData("alice", "bob"), "callId", "gone")), "not_found", null);
      refused(h.send(b1, "rejectVideoCall", videoCallData("alice", "bob")), "not_found", null);

      assertNothingReceived(a1, b1);
    }

    static Stream<Arguments> answerEvents() {
      return Stream.of(Arguments.of("acceptVideoCall"), Arguments.of("rejectVideoCall"));
    }

    @ParameterizedTest(name = "only the receiver may {0}")
    @MethodSource("answerEvents")
    void onlyTheReceiverMayAnswer(String event) {
      Client a1 = online("alice");
      Client b1 = online("bob");
      Client c1 = online("carol");
      Client anon = h.client();
      ObjectNode callData = videoCall(a1, "alice", "bob");
      h.clearDeliveries();

      refused(h.send(a1, event, callData), "unauthorized", "Unauthorized call attempt");
      refused(h.send(c1, event, callData), "unauthorized", "Unauthorized call attempt");
      refused(h.send(c1, event, with(callData, "receiverId", "carol")), "unauthorized", "Unauthorized call attempt");
      refused(h.send(anon, event, callData), "unauthorized", "Unauthorized call attempt");

      assertEquals(List.of(), h.deliveries());
      assertEquals(CallState.RINGING, call(callData.get("callId").textValue()).state());
      assertNothingReceived(b1);
    }

    @Test
    void aSecondDeviceAcceptingLateIsRefusedAndNothingIsSent() {
      Client a1 = online("alice");
      Client b1 = online("bob");
      Client b2 = online("bob");
      ObjectNode callData = videoCall(a1, "alice", "bob");
      ok(h.send(b1, "acceptVideoCall", callData));
      h.clearDeliveries();

      refused(h.send(b2, "acceptVideoCall", callData), "conflict", null);
      refused(h.send(b2, "rejectVideoCall", callData), "conflict", null);

      assertEquals(List.of(), h.deliveries());
      Call call = call(callData.get("callId").textValue());
      assertEquals(CallState.CONNECTED, call.state());
      assertEquals(b1.ref(), call.answeredBy());
    }

    @Test
    void theAcceptingDeviceAcceptingAgainIsANoOp() {
      Client a1 = online("alice");
      Client b1 = online("bob");
      ObjectNode callData = videoCall(a1, "alice", "bob");
      ok(h.send(b1, "acceptVideoCall", callData));
      h.clearDeliveries();

      Outcome again = ok(h.send(b1, "acceptVideoCall", callData));

      assertEquals(0, again.ack().get("delivered").intValue());
      assertEquals(List.of(), h.deliveries());
    }
  }

  // ---- endVideoCall ---------------------------------------------------------------------------

  @Nested
  class EndVideoCall {
    static Stream<Arguments> enders() {
      return Stream.of(Arguments.of("the caller", true), Arguments.of("the receiver", false));
    }

    @ParameterizedTest(name = "{0} ending reaches every socket of both users, its own included")
    @MethodSource("enders")
    void endReachesEverySocketOfBothUsers(String who, boolean byCaller) {
      Client a1 = online("alice");
      Client a2 = online("alice");
      Client b1 = online("bob");
      Client b2 = online("bob");
      Client c1 = online("carol");
      ObjectNode callData = videoCall(a1, "alice", "bob");
      ok(h.send(b1, "acceptVideoCall", callData));
      h.clearDeliveries();

      ok(h.send(byCaller ? a1 : b1, "endVideoCall", callData));

      for (Client c : List.of(a1, a2, b1, b2)) {
        assertEquals(List.of(callData), h.received(c, "videoCallEnded"), c.socketId().value());
      }
      assertNothingReceived(c1);
      assertNull(call(callData.get("callId").textValue()));
      assertFalse(TestVertx.await(h.stores().calls().isBusy(UserId.of("bob"))));
    }

    @Test
    void aCallerHangingUpARingingCallWithoutItsIdStopsTheRinging() {
      Client a1 = online("alice");
      Client b1 = online("bob");
      ObjectNode callData = videoCall(a1, "alice", "bob");
      h.clearDeliveries();

      ok(h.send(a1, "endVideoCall", videoCallData("alice", "bob")));

      assertEquals(List.of(videoCallData("alice", "bob")), h.received(b1, "videoCallEnded"));
      assertNull(call(callData.get("callId").textValue()));
    }

    @Test
    void endingAnEndedCallIsANoOp() {
      Client a1 = online("alice");
      Client b1 = online("bob");
      ObjectNode callData = videoCall(a1, "alice", "bob");
      ok(h.send(a1, "endVideoCall", callData));
      h.clearDeliveries();

      Outcome o = ok(h.send(b1, "endVideoCall", callData));

      assertEquals(0, o.ack().get("delivered").intValue());
      assertEquals(List.of(), h.deliveries());
    }

    @Test
    void onlyAPartyMayEnd() {
      Client a1 = online("alice");
      Client b1 = online("bob");
      Client c1 = online("carol");
      ObjectNode callData = videoCall(a1, "alice", "bob");
      h.clearDeliveries();

      refused(h.send(c1, "endVideoCall", callData), "unauthorized", "Unauthorized call attempt");
      refused(h.send(h.client(), "endVideoCall", callData), "unauthorized", "Unauthorized call attempt");

      assertEquals(List.of(), h.deliveries());
      assertNotNull(call(callData.get("callId").textValue()));
      assertNothingReceived(b1);
    }
  }

  // ---- group calls ----------------------------------------------------------------------------

  @Nested
  class GroupCalls {
    Client a1;
    Client a2;
    Client b1;
    Client b2;
    Client c1;
    Client d1;
    Client e1;
    Client outsider;

    /**
     * Group "team": alice (a1, a2), bob (b1, b2), carol (c1, who sent leaveGroup), erin (e1, removed
     * over the HTTP API); dave (d1) joined the room by joinGroup without being a member; frank is
     * online but not in the group.
     */
    @BeforeEach
    void group() {
      a1 = online("alice");
      a2 = online("alice");
      b1 = online("bob");
      b2 = online("bob");
      c1 = online("carol");
      e1 = online("erin");
      d1 = online("dave");
      outsider = online("frank");
      ok(h.send(a1, "groupCreated", json("{'groupId':'team','memberIds':['alice','bob','carol','erin']}")));
      ok(h.send(d1, "joinGroup", "team"));
      ok(h.send(c1, "leaveGroup", "team"));
      TestVertx.await(h.signaling().groups().removeMember(GroupId.of("team"), UserId.of("erin")));
      h.clearDeliveries();
    }

    private ObjectNode ring() {
      Outcome o = ok(h.send(a1, "initiateGroupVideoCall", groupCallData("alice", "team")));
      return with(groupCallData("alice", "team"), "callId", o.ack().get("callId").textValue());
    }

    @Test
    void ringsTheGroupRoomExceptEverySocketOfTheCaller() {
      ObjectNode incoming = ring();

      for (Client c : List.of(b1, b2, d1)) {
        assertEquals(List.of(incoming), h.received(c, "incomingVideoCall"), c.socketId().value());
      }
      assertNothingReceived(a1, a2, c1, e1, outsider);
      Call call = call(incoming.get("callId").textValue());
      assertTrue(call.isGroup());
      assertEquals(GroupId.of("team"), call.group());
    }

    @Test
    void aMemberAcceptingTellsTheCallerAndStopsItsOtherDevices() {
      ObjectNode callData = ring();
      h.clearDeliveries();

      ok(h.send(b1, "acceptVideoCall", callData));

      assertEquals(List.of(callData), h.received(a1, "videoCallAccepted"));
      assertEquals(List.of(callData), h.received(a2, "videoCallAccepted"));
      assertEquals(List.of(callData), h.received(b2, "videoCallEnded"));
      assertNothingReceived(b1, d1);

      ok(h.send(d1, "acceptVideoCall", callData));
      assertEquals(2, h.received(a1, "videoCallAccepted").size(), "a group call takes more than one member");
    }

    @Test
    void aMemberRejectingLeavesTheCallRingingForTheOthers() {
      ObjectNode callData = ring();
      h.clearDeliveries();

      ok(h.send(b2, "rejectVideoCall", callData));

      assertEquals(List.of(callData), h.received(a1, "videoCallRejected"));
      assertEquals(List.of(callData), h.received(b1, "videoCallEnded"));
      assertEquals(CallState.RINGING, call(callData.get("callId").textValue()).state());
    }

    @Test
    void theCallerAndOutsidersMayNotAccept() {
      ObjectNode callData = ring();
      h.clearDeliveries();

      refused(h.send(a2, "acceptVideoCall", callData), "unauthorized", "Unauthorized call attempt");
      refused(h.send(outsider, "acceptVideoCall", callData), "unauthorized", "Unauthorized call attempt");
      refused(h.send(outsider, "endVideoCall", callData), "unauthorized", "Unauthorized call attempt");

      assertEquals(List.of(), h.deliveries());
      assertEquals(CallState.RINGING, call(callData.get("callId").textValue()).state());
    }

    @Test
    void endReachesTheGroupRoomExceptTheSendingSocket() {
      ObjectNode callData = ring();
      ok(h.send(b1, "acceptVideoCall", callData));
      h.clearDeliveries();

      ok(h.send(b1, "endVideoCall", callData));

      for (Client c : List.of(a1, a2, b2, d1)) {
        assertEquals(List.of(callData), h.received(c, "videoCallEnded"), c.socketId().value());
      }
      assertNothingReceived(b1, c1, e1, outsider);
      assertNull(call(callData.get("callId").textValue()));
    }

    @Test
    void theCallerMayEndWithoutTheCallId() {
      ObjectNode callData = ring();
      h.clearDeliveries();

      ok(h.send(a1, "endVideoCall", groupCallData("alice", "team")));

      assertEquals(1, h.received(b1, "videoCallEnded").size());
      assertNull(call(callData.get("callId").textValue()));
    }

    @Test
    void theCallersLastSocketLeavingEndsTheCallForTheRoom() {
      ObjectNode callData = ring();
      h.disconnect(a2);
      assertNotNull(call(callData.get("callId").textValue()), "a2 did not place the call");
      h.clearDeliveries();

      h.disconnect(a1);

      JsonNode expected = with(callData, "reason", "disconnected");
      for (Client c : List.of(b1, b2, d1)) {
        assertEquals(List.of(expected), h.received(c, "videoCallEnded"), c.socketId().value());
      }
      assertNull(call(callData.get("callId").textValue()));
    }

    @Test
    void aGroupCallDoesNotTimeOut() {
      restartWith(SignalingConfig.defaults().withRingTimeout(Duration.ofMillis(50)));
      Client caller = online("alice");
      Client member = online("bob");
      ok(h.send(caller, "groupCreated", json("{'groupId':'team','memberIds':['alice','bob']}")));
      Outcome o = ok(h.send(caller, "initiateGroupVideoCall", groupCallData("alice", "team")));

      pause(Duration.ofMillis(300));

      assertEquals(List.of(), h.received(member, "videoCallEnded"));
      assertNotNull(call(o.ack().get("callId").textValue()));
    }

    @Test
    void aVerifiedCallerMustBeAMemberOfAGroupWithMembers() {
      Client mallory = h.client(new Identity(UserId.of("mallory"), null, Set.of()));
      ok(h.send(mallory, "userOnline", "mallory"));
      h.clearDeliveries();

      refused(h.send(mallory, "initiateGroupVideoCall", groupCallData("mallory", "team")), "unauthorized", null);

      assertEquals(List.of(), h.deliveries());
      assertEquals(List.of(), callsOf("mallory"));
    }
  }

  // ---- seed 004: call-request and the relays --------------------------------------------------

  @Nested
  class WebRtcCalls {
    Client a1;
    Client a2;
    Client b1;
    Client b2;
    Client c1;

    @BeforeEach
    void users() {
      a1 = online("alice");
      a2 = online("alice");
      b1 = online("bob");
      b2 = online("bob");
      c1 = online("carol");
      h.clearDeliveries();
    }

    private void request() {
      ok(h.send(a1, "call-request", callRequest("c1", "alice", "bob")));
      h.clearDeliveries();
    }

    @Test
    void callRequestIsForwardedAsIsToEverySocketOfTheCallee() {
      Outcome o = ok(h.send(a1, "call-request", callRequest("c1", "alice", "bob")));

      assertEquals(List.of(callRequest("c1", "alice", "bob")), h.received(b1, "call-request"));
      assertEquals(List.of(callRequest("c1", "alice", "bob")), h.received(b2, "call-request"));
      assertNothingReceived(a1, a2, c1);
      assertEquals("c1", o.ack().get("callId").textValue());
      assertEquals(CallState.RINGING, call("c1").state());
    }

    @Test
    void anOfflineCalleeFailsTheCallOnTheSendingSocket() {
      ok(h.send(a1, "call-request", callRequest("c1", "alice", "zoe")));

      assertEquals(List.of(json("{'callId':'c1','reason':'offline'}")), h.received(a1, "call-failed"));
      assertNothingReceived(a2);
      assertNull(call("c1"));
    }

    @Test
    void aCalleeInAConnectedCallIsBusy() {
      ok(h.send(c1, "call-request", callRequest("c0", "carol", "bob")));
      ok(h.send(b1, "call-answer", answer("c0", "carol")));
      h.clearDeliveries();

      ok(h.send(a1, "call-request", callRequest("c1", "alice", "bob")));

      assertEquals(List.of(json("{'callId':'c1','reason':'busy'}")), h.received(a1, "call-failed"));
      assertNothingReceived(b1, b2);
      assertNull(call("c1"));
    }

    @Test
    void aCallIdInUseIsAConflict() {
      request();

      refused(h.send(c1, "call-request", callRequest("c1", "carol", "alice")), "conflict", null);

      assertEquals(List.of(), h.deliveries());
      assertEquals(UserId.of("alice"), call("c1").caller());
    }

    @Test
    void callAnswerIsForwardedAsIsAndTheCalleesOtherDevicesStopRinging() {
      request();

      ok(h.send(b2, "call-answer", answer("c1", "alice")));

      assertEquals(List.of(answer("c1", "alice")), h.received(a1, "call-answer"));
      assertEquals(List.of(answer("c1", "alice")), h.received(a2, "call-answer"));
      assertEquals(List.of(json("{'callId':'c1','reason':'answered_elsewhere'}")), h.received(b1, "call-end"));
      assertNothingReceived(b2, c1);
      assertEquals(CallState.CONNECTED, call("c1").state());
      assertEquals(b2.ref(), call("c1").answeredBy());
    }

    @Test
    void aLateAnswerFromAnotherDeviceIsRefused() {
      request();
      ok(h.send(b1, "call-answer", answer("c1", "alice")));
      h.clearDeliveries();

      refused(h.send(b2, "call-answer", answer("c1", "alice")), "conflict", null);
      refused(h.send(b2, "call-reject", relay("c1", "alice")), "conflict", null);

      assertEquals(List.of(), h.deliveries());
      assertEquals(b1.ref(), call("c1").answeredBy());
    }

    @Test
    void callRejectIsForwardedAsIsRemovesTheCallAndStopsTheOtherDevices() {
      request();

      ok(h.send(b1, "call-reject", relay("c1", "alice")));

      assertEquals(List.of(relay("c1", "alice")), h.received(a1, "call-reject"));
      assertEquals(List.of(relay("c1", "alice")), h.received(a2, "call-reject"));
      assertEquals(List.of(json("{'callId':'c1','reason':'answered_elsewhere'}")), h.received(b2, "call-end"));
      assertNothingReceived(b1);
      assertNull(call("c1"));
    }

    @Test
    void callEndFromTheCallerStopsEveryDeviceOfTheCallee() {
      request();

      ok(h.send(a1, "call-end", relay("c1", "bob")));

      assertEquals(List.of(relay("c1", "bob")), h.received(b1, "call-end"));
      assertEquals(List.of(relay("c1", "bob")), h.received(b2, "call-end"));
      assertNothingReceived(a1, a2);
      assertNull(call("c1"));
    }

    @Test
    void callEndFromTheCalleeOfAConnectedCallFreesBoth() {
      request();
      ok(h.send(b1, "call-answer", answer("c1", "alice")));
      h.clearDeliveries();

      ok(h.send(b1, "call-end", relay("c1", "alice")));

      assertEquals(List.of(relay("c1", "alice")), h.received(a1, "call-end"));
      assertNull(call("c1"));
      assertFalse(TestVertx.await(h.stores().calls().isBusy(UserId.of("bob"))));
    }

    @Test
    void callEndOfAnUnknownCallIsANoOp() {
      Outcome o = ok(h.send(a1, "call-end", relay("nope", "bob")));

      assertEquals(0, o.ack().get("delivered").intValue());
      assertEquals(List.of(), h.deliveries());
    }

    @Test
    void iceCandidatesAreForwardedAsIsBothWays() {
      request();

      ok(h.send(a1, "ice-candidate", candidate("c1", "bob")));
      ok(h.send(b1, "call-answer", answer("c1", "alice")));
      ok(h.send(b1, "ice-candidate", candidate("c1", "alice")));

      assertEquals(List.of(candidate("c1", "bob")), h.received(b1, "ice-candidate"));
      assertEquals(List.of(candidate("c1", "bob")), h.received(b2, "ice-candidate"));
      assertEquals(List.of(candidate("c1", "alice")), h.received(a1, "ice-candidate"));
      assertEquals(List.of(candidate("c1", "alice")), h.received(a2, "ice-candidate"));
      assertNothingReceived(c1);
    }

    @Test
    void anEndOfCandidatesNullCandidateIsForwarded() {
      request();
      ObjectNode end = relay("c1", "bob");
      end.putNull("candidate");

      ok(h.send(a1, "ice-candidate", end));

      assertEquals(List.of(end), h.received(b1, "ice-candidate"));
    }

    static Stream<Arguments> relaysOfUnknownCalls() {
      return Stream.of(
          Arguments.of("call-answer", answer("nope", "alice")),
          Arguments.of("call-reject", relay("nope", "alice")),
          Arguments.of("ice-candidate", candidate("nope", "alice")));
    }

    @ParameterizedTest(name = "{0} for an unknown call is not found")
    @MethodSource("relaysOfUnknownCalls")
    void relaysOfUnknownCallsAreNotFound(String event, JsonNode payload) {
      refused(h.send(b1, event, payload), "not_found", "Call not found");
      assertEquals(List.of(), h.deliveries());
    }

    static Stream<Arguments> misaddressedRelays() {
      return Stream.of(
          Arguments.of("the caller answering", "a", "call-answer", answer("c1", "bob")),
          Arguments.of("the caller rejecting", "a", "call-reject", relay("c1", "bob")),
          Arguments.of("a stranger answering", "c", "call-answer", answer("c1", "alice")),
          Arguments.of("a stranger ending", "c", "call-end", relay("c1", "alice")),
          Arguments.of("a stranger's candidate", "c", "ice-candidate", candidate("c1", "bob")),
          Arguments.of("the callee answering to a stranger", "b", "call-answer", answer("c1", "carol")),
          Arguments.of("the callee ending to a stranger", "b", "call-end", relay("c1", "carol")),
          Arguments.of("a candidate to a stranger", "a", "ice-candidate", candidate("c1", "carol")),
          Arguments.of("an unregistered socket's candidate", "anon", "ice-candidate", candidate("c1", "bob")));
    }

    @ParameterizedTest(name = "{0} is unauthorized")
    @MethodSource("misaddressedRelays")
    void relaysOutsideTheCallAreUnauthorized(String who, String sender, String event, JsonNode payload) {
      request();
      Client from = switch (sender) {
        case "a" -> a1;
        case "b" -> b1;
        case "c" -> c1;
        default -> h.client();
      };

      refused(h.send(from, event, payload), "unauthorized", "Unauthorized call attempt");

      assertEquals(List.of(), h.deliveries());
      assertEquals(CallState.RINGING, call("c1").state());
    }

    @Test
    void aVideoCallIdIsNotASeed004Call() {
      ObjectNode callData = videoCall(a1, "alice", "bob");
      h.clearDeliveries();
      String id = callData.get("callId").textValue();

      refused(h.send(b1, "call-answer", answer(id, "alice")), "not_found", null);

      assertEquals(CallState.RINGING, call(id).state());
    }
  }

  // ---- ring timeout ---------------------------------------------------------------------------

  @Nested
  class RingTimeout {
    @BeforeEach
    void shortRing() {
      restartWith(SignalingConfig.defaults().withRingTimeout(SHORT_RING));
    }

    @Test
    void anUnansweredVideoCallEndsForEverySocketOfBothSides() {
      Client a1 = online("alice");
      Client a2 = online("alice");
      Client b1 = online("bob");
      Client b2 = online("bob");
      ObjectNode callData = videoCall(a1, "alice", "bob");

      JsonNode expected = with(callData, "reason", "timeout");
      eventually(Duration.ofSeconds(5), () -> {
        for (Client c : List.of(a1, a2, b1, b2)) {
          assertEquals(List.of(expected), h.received(c, "videoCallEnded"), c.socketId().value());
        }
      });
      assertNull(call(callData.get("callId").textValue()));
    }

    @Test
    void anUnansweredCallRequestEndsForBothUsers() {
      Client a1 = online("alice");
      Client b1 = online("bob");
      Client b2 = online("bob");
      ok(h.send(a1, "call-request", callRequest("c1", "alice", "bob")));

      JsonNode expected = json("{'callId':'c1','reason':'timeout'}");
      eventually(Duration.ofSeconds(5), () -> {
        for (Client c : List.of(a1, b1, b2)) {
          assertEquals(List.of(expected), h.received(c, "call-end"), c.socketId().value());
        }
      });
      assertNull(call("c1"));
    }

    static Stream<Arguments> answers() {
      return Stream.of(Arguments.of("acceptVideoCall"), Arguments.of("call-answer"));
    }

    @ParameterizedTest(name = "a call answered with {0} does not time out")
    @MethodSource("answers")
    void anAnsweredCallDoesNotTimeOut(String event) {
      Client a1 = online("alice");
      Client b1 = online("bob");
      String id;
      if (event.equals("acceptVideoCall")) {
        ObjectNode callData = videoCall(a1, "alice", "bob");
        id = callData.get("callId").textValue();
        ok(h.send(b1, event, callData));
      } else {
        id = "c1";
        ok(h.send(a1, "call-request", callRequest(id, "alice", "bob")));
        ok(h.send(b1, event, answer(id, "alice")));
      }
      h.clearDeliveries();

      pause(SHORT_RING.multipliedBy(3));

      assertEquals(List.of(), h.deliveries());
      assertEquals(CallState.CONNECTED, call(id).state());
    }

    @Test
    void aCallAnsweredThroughAnotherNodeIsLeftAloneByThisNodesTimer() {
      Client a1 = online("alice");
      try (SignalingHarness other = new SignalingHarness(SignalingConfig.defaults(), h.stores())) {
        other.client(); // socket ids are per harness: skip "s1", which alice holds here
        Client b1 = other.client();
        ok(other.send(b1, "userOnline", "bob"));
        ObjectNode callData = videoCall(a1, "alice", "bob");
        ok(other.send(b1, "acceptVideoCall", callData));
        h.clearDeliveries();
        other.clearDeliveries();

        pause(SHORT_RING.multipliedBy(3));

        assertEquals(List.of(), h.deliveries());
        assertEquals(List.of(), other.deliveries());
        assertEquals(CallState.CONNECTED, call(callData.get("callId").textValue()).state());
      }
    }

    @Test
    void aRejectedOrEndedCallIsNotEndedAgainByTheTimer() {
      Client a1 = online("alice");
      Client b1 = online("bob");
      ObjectNode rejected = videoCall(a1, "alice", "bob");
      ok(h.send(b1, "rejectVideoCall", rejected));
      ObjectNode ended = videoCall(a1, "alice", "bob");
      ok(h.send(a1, "endVideoCall", ended));
      h.clearDeliveries();

      pause(SHORT_RING.multipliedBy(3));

      assertEquals(List.of(), h.deliveries());
    }
  }

  // ---- disconnects ----------------------------------------------------------------------------

  @Nested
  class Disconnects {
    @Test
    void theCallersOnlySocketLeavingStopsTheRinging() {
      Client a1 = online("alice");
      Client b1 = online("bob");
      Client b2 = online("bob");
      ObjectNode callData = videoCall(a1, "alice", "bob");
      h.clearDeliveries();

      h.disconnect(a1);

      JsonNode expected = with(callData, "reason", "disconnected");
      assertEquals(List.of(expected), h.received(b1, "videoCallEnded"));
      assertEquals(List.of(expected), h.received(b2, "videoCallEnded"));
      assertEquals(List.of(), callsOf("bob"));
    }

    @Test
    void theCalleesLastSocketLeavingEndsAConnectedCallAndFreesTheCaller() {
      Client a1 = online("alice");
      Client a2 = online("alice");
      Client b1 = online("bob");
      ObjectNode callData = videoCall(a1, "alice", "bob");
      ok(h.send(b1, "acceptVideoCall", callData));
      h.clearDeliveries();

      h.disconnect(b1);

      JsonNode expected = with(callData, "reason", "disconnected");
      assertEquals(List.of(expected), h.received(a1, "videoCallEnded"));
      assertEquals(List.of(expected), h.received(a2, "videoCallEnded"));
      assertEquals(List.of(), callsOf("alice"));
      assertFalse(TestVertx.await(h.stores().calls().isBusy(UserId.of("alice"))));
    }

    @Test
    void theAnsweringSocketLeavingEndsTheCallEvenIfItsUserHasOthers() {
      Client a1 = online("alice");
      Client b1 = online("bob");
      Client b2 = online("bob");
      ok(h.send(a1, "call-request", callRequest("c1", "alice", "bob")));
      ok(h.send(b1, "call-answer", answer("c1", "alice")));
      h.clearDeliveries();

      h.disconnect(b1);

      assertEquals(List.of(json("{'callId':'c1','reason':'disconnected'}")), h.received(a1, "call-end"));
      assertNothingReceived(b2);
      assertNull(call("c1"));
    }

    @Test
    void anotherDeviceOfTheCalleeLeavingChangesNothing() {
      Client a1 = online("alice");
      Client b1 = online("bob");
      Client b2 = online("bob");
      ObjectNode ringing = videoCall(a1, "alice", "bob");
      ok(h.send(a1, "call-request", callRequest("c1", "alice", "bob")));
      ok(h.send(b1, "call-answer", answer("c1", "alice")));
      h.clearDeliveries();

      h.disconnect(b2);

      assertEquals(List.of(), h.deliveries());
      assertEquals(CallState.RINGING, call(ringing.get("callId").textValue()).state());
      assertEquals(CallState.CONNECTED, call("c1").state());
    }

    @Test
    void theSocketThatPlacedACallLeavingEndsItEvenIfItsUserHasOthers() {
      Client a1 = online("alice");
      Client a2 = online("alice");
      Client b1 = online("bob");
      ok(h.send(a1, "call-request", callRequest("c1", "alice", "bob")));
      h.clearDeliveries();

      h.disconnect(a1);

      assertEquals(List.of(json("{'callId':'c1','reason':'disconnected'}")), h.received(b1, "call-end"));
      assertNothingReceived(a2);
      assertNull(call("c1"));
    }

    @Test
    void allCallsOfAUserWithNoSocketLeftEnd() {
      Client a1 = online("alice");
      Client b1 = online("bob");
      Client c1 = online("carol");
      ObjectNode fromCarol = videoCall(c1, "carol", "alice");
      ok(h.send(a1, "call-request", callRequest("c1", "alice", "bob")));
      h.clearDeliveries();

      h.disconnect(a1);

      assertEquals(List.of(with(fromCarol, "reason", "disconnected")), h.received(c1, "videoCallEnded"));
      assertEquals(List.of(json("{'callId':'c1','reason':'disconnected'}")), h.received(b1, "call-end"));
      assertEquals(List.of(), callsOf("alice"));
    }

    @Test
    void anUnregisteredSocketLeavingChangesNothing() {
      Client a1 = online("alice");
      online("bob");
      videoCall(a1, "alice", "bob");
      h.clearDeliveries();

      h.disconnect(h.client());

      assertEquals(List.of(), h.deliveries());
      assertEquals(1, callsOf("alice").size());
    }
  }

  // ---- bad input ------------------------------------------------------------------------------

  private static final String LONG_ID = "x".repeat(129);
  private static final String LONG_NAME = "n".repeat(257);

  static Stream<Arguments> badInput() {
    List<Arguments> rows = new ArrayList<>();
    JsonNode video = videoCallData("alice", "bob");
    // initiateVideoCall
    rows.add(Arguments.of("initiateVideoCall", json("'alice'"), "bad_request"));
    rows.add(Arguments.of("initiateVideoCall", json("[]"), "bad_request"));
    rows.add(Arguments.of("initiateVideoCall", without(video, "callerId"), "bad_request"));
    rows.add(Arguments.of("initiateVideoCall", without(video, "receiverId"), "bad_request"));
    rows.add(Arguments.of("initiateVideoCall", set(video, "receiverId", json("{'id':'bob'}")), "bad_request"));
    rows.add(Arguments.of("initiateVideoCall", with(video, "receiverId", ""), "bad_request"));
    rows.add(Arguments.of("initiateVideoCall", with(video, "receiverId", LONG_ID), "too_large"));
    rows.add(Arguments.of("initiateVideoCall", with(video, "callerName", LONG_NAME), "too_large"));
    rows.add(Arguments.of("initiateVideoCall", set(video, "receiverName", json("42")), "bad_request"));
    rows.add(Arguments.of("initiateVideoCall", with(video, "roomName", LONG_NAME), "too_large"));
    rows.add(Arguments.of("initiateVideoCall", with(video, "isGroupCall", "no"), "bad_request"));
    rows.add(Arguments.of("initiateVideoCall", with(video, "timestamp", "t".repeat(300_000)), "too_large"));
    // initiateGroupVideoCall
    JsonNode group = groupCallData("alice", "team");
    rows.add(Arguments.of("initiateGroupVideoCall", without(group, "groupId"), "bad_request"));
    rows.add(Arguments.of("initiateGroupVideoCall", with(group, "groupId", LONG_ID), "too_large"));
    rows.add(Arguments.of("initiateGroupVideoCall", without(group, "callerId"), "bad_request"));
    // accept / reject / end
    for (String event : List.of("acceptVideoCall", "rejectVideoCall", "endVideoCall")) {
      rows.add(Arguments.of(event, json("'call'"), "bad_request"));
      rows.add(Arguments.of(event, with(video, "callId", LONG_ID), "too_large"));
      rows.add(Arguments.of(event, set(video, "callId", json("{}")), "bad_request"));
      rows.add(Arguments.of(event, with(video, "callerName", LONG_NAME), "too_large"));
      rows.add(Arguments.of(event, with(video, "extra", "e".repeat(300_000)), "too_large"));
    }
    // call-request
    JsonNode request = callRequest("c2", "alice", "bob");
    rows.add(Arguments.of("call-request", json("null"), "bad_request"));
    rows.add(Arguments.of("call-request", without(request, "id"), "bad_request"));
    rows.add(Arguments.of("call-request", without(request, "to"), "bad_request"));
    rows.add(Arguments.of("call-request", with(request, "to", LONG_ID), "too_large"));
    rows.add(Arguments.of("call-request", without(request, "type"), "bad_request"));
    rows.add(Arguments.of("call-request", with(request, "type", "fax"), "bad_request"));
    rows.add(Arguments.of("call-request", without(request, "offer"), "bad_request"));
    rows.add(Arguments.of("call-request", set(request, "offer", json("42")), "bad_request"));
    rows.add(Arguments.of("call-request", set(request, "offer", json("{'type':'offer','sdp':7}")), "bad_request"));
    rows.add(Arguments.of("call-request", with(request, "offer", "s".repeat(70_000)), "too_large"));
    // call-answer / call-reject / call-end / ice-candidate
    rows.add(Arguments.of("call-answer", without(answer("c1", "alice"), "answer"), "bad_request"));
    rows.add(Arguments.of("call-answer", with(answer("c1", "alice"), "answer", "s".repeat(70_000)), "too_large"));
    rows.add(Arguments.of("call-answer", without(answer("c1", "alice"), "callId"), "bad_request"));
    rows.add(Arguments.of("call-reject", without(relay("c1", "alice"), "to"), "bad_request"));
    rows.add(Arguments.of("call-reject", with(relay("c1", "alice"), "callId", LONG_ID), "too_large"));
    rows.add(Arguments.of("call-end", without(relay("c1", "alice"), "callId"), "bad_request"));
    rows.add(Arguments.of("call-end", json("'c1'"), "bad_request"));
    rows.add(Arguments.of("ice-candidate", without(candidate("c1", "alice"), "candidate"), "bad_request"));
    rows.add(Arguments.of("ice-candidate", set(candidate("c1", "alice"), "candidate", json("42")), "bad_request"));
    rows.add(Arguments.of("ice-candidate", with(candidate("c1", "alice"), "candidate", "c".repeat(5_000)), "too_large"));
    rows.add(Arguments.of("ice-candidate", without(candidate("c1", "alice"), "callId"), "bad_request"));
    rows.add(Arguments.of("ice-candidate", without(candidate("c1", "alice"), "to"), "bad_request"));
    return rows.stream();
  }

  private static ObjectNode set(JsonNode base, String field, JsonNode value) {
    ObjectNode o = base.deepCopy();
    o.set(field, value);
    return o;
  }

  @ParameterizedTest(name = "[{index}] {0} -> {2}")
  @MethodSource("badInput")
  void badInputIsRefusedAndChangesNothing(String event, JsonNode payload, String code) {
    Client a1 = online("alice");
    Client b1 = online("bob");
    ok(h.send(b1, "groupCreated", json("{'groupId':'team','memberIds':['alice','bob']}")));
    ObjectNode ringing = videoCall(a1, "alice", "bob");
    ok(h.send(b1, "call-request", callRequest("c1", "bob", "alice")));
    List<Call> before = snapshot();
    h.clearDeliveries();

    // Otherwise entitled senders: bob is the receiver of alice's video call, alice the callee of bob's call-request.
    Client sender = event.equals("acceptVideoCall") || event.equals("rejectVideoCall") ? b1 : a1;
    refused(h.send(sender, event, payload), code, null);

    assertEquals(List.of(), h.deliveries());
    assertEquals(before, snapshot());
    assertEquals(CallState.RINGING, call(ringing.get("callId").textValue()).state());
  }

  private List<Call> snapshot() {
    List<Call> all = new ArrayList<>();
    for (String u : List.of("alice", "bob")) {
      for (Call c : callsOf(u)) {
        if (!all.contains(c)) {
          all.add(c);
        }
      }
    }
    all.sort(Comparator.comparing(c -> c.id().value()));
    return all;
  }

  @Test
  void iceCandidateWithNeitherRoomNorToIsABadRequest() {
    Client a1 = online("alice");
    h.clearDeliveries();
    refused(h.send(a1, "ice-candidate", json("{'candidate':{'candidate':'x'},'callId':'c1'}")), "bad_request", null);
    assertEquals(List.of(), h.deliveries());
  }
}
