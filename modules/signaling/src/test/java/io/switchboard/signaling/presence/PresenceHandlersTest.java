package io.switchboard.signaling.presence;

import static io.switchboard.signaling.SignalingHarness.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.signaling.Client;
import io.switchboard.signaling.Identity;
import io.switchboard.signaling.SignalingHarness;
import io.switchboard.signaling.SignalingHarness.Outcome;
import io.switchboard.signaling.ids.GroupId;
import io.switchboard.signaling.ids.SocketRef;
import io.switchboard.signaling.ids.UserId;
import io.switchboard.testkit.TestVertx;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Registration (seeds 002-004): userOnline, user-connected, joinVideoRoom; leaveVideoRoom undoes it. */
class PresenceHandlersTest {
  private static final UserId U1 = UserId.of("u1");
  private SignalingHarness h;

  @BeforeEach
  void start() {
    h = new SignalingHarness();
  }

  @AfterEach
  void stop() {
    // Registration answers with acks only: nothing is ever delivered to a socket.
    assertEquals(List.of(), h.deliveries());
    h.close();
  }

  private Set<String> sockets(UserId user) {
    Set<String> out = new HashSet<>();
    for (SocketRef s : TestVertx.await(h.stores().presence().sockets(user))) {
      out.add(s.id().value());
    }
    return out;
  }

  private Set<String> room(String group) {
    Set<String> out = new HashSet<>();
    for (SocketRef s : TestVertx.await(h.stores().groups().roomSockets(GroupId.of(group)))) {
      out.add(s.id().value());
    }
    return out;
  }

  private void member(String group, String... users) {
    for (String u : users) {
      TestVertx.await(h.stores().groups().addMember(GroupId.of(group), UserId.of(u)));
    }
  }

  /** Rows: the event and how each seed passes the user. */
  static Stream<Arguments> registrations() {
    return Stream.of(
        Arguments.of("userOnline", "'u1'"),
        Arguments.of("userOnline", "{'userId':'u1'}"),
        Arguments.of("user-connected", "'u1'"),
        Arguments.of("user-connected", "{'userId':'u1'}"),
        Arguments.of("joinVideoRoom", "{'userId':'u1'}"),
        Arguments.of("joinVideoRoom", "'u1'"));
  }

  @ParameterizedTest(name = "{0}({1})")
  @MethodSource("registrations")
  void registeringMapsTheUserAcksAndAutoJoinsItsGroups(String event, String arg) {
    member("g1", "u1", "u2");
    member("g2", "u1");
    member("g3", "u2");
    Client c = h.client();
    Outcome o = h.send(c, event, json(arg));
    assertTrue(o.ok(), () -> "refused: " + o.error());
    assertEquals(json("{'userId':'u1'}"), o.ack());
    assertEquals(Set.of(c.socketId().value()), sockets(U1));
    assertEquals(U1, TestVertx.await(h.stores().presence().userOf(c.socketId())));
    assertEquals(U1, c.user());
    assertEquals(Set.of(c.socketId().value()), room("g1"));
    assertEquals(Set.of(c.socketId().value()), room("g2"));
    assertEquals(Set.of(), room("g3"));

    Outcome again = h.send(c, event, json(arg));
    assertTrue(again.ok(), "registering twice is harmless");
    assertEquals(Set.of(c.socketId().value()), sockets(U1));
  }

  @Test
  void theThreeEventsHaveTheSameEffectAndAUserHoldsEveryDevice() {
    member("g1", "u1");
    Client a = h.client();
    Client b = h.client();
    Client c = h.client();
    assertTrue(h.send(a, "userOnline", json("'u1'")).ok());
    assertTrue(h.send(b, "user-connected", json("'u1'")).ok());
    assertTrue(h.send(c, "joinVideoRoom", json("{'userId':'u1'}")).ok());
    Set<String> all = Set.of(a.socketId().value(), b.socketId().value(), c.socketId().value());
    assertEquals(all, sockets(U1));
    assertEquals(all, room("g1"));
  }

  @Test
  void leaveVideoRoomUndoesTheRegistration() {
    member("g1", "u1");
    Client a = h.client();
    Client b = h.client();
    assertTrue(h.send(a, "joinVideoRoom", json("{'userId':'u1'}")).ok());
    assertTrue(h.send(b, "joinVideoRoom", json("{'userId':'u1'}")).ok());
    Outcome o = h.send(a, "leaveVideoRoom", json("{'userId':'u1'}"));
    assertTrue(o.ok(), () -> "refused: " + o.error());
    assertEquals(json("{'userId':'u1'}"), o.ack());
    assertEquals(Set.of(b.socketId().value()), sockets(U1));
    assertNull(TestVertx.await(h.stores().presence().userOf(a.socketId())));
    assertNull(a.user());
    assertEquals(Set.of(b.socketId().value()), room("g1"));
  }

  @Test
  void leaveVideoRoomForAUserTheSocketIsNotRegisteredAsChangesNothing() {
    member("g1", "u1");
    Client a = h.client();
    assertTrue(h.send(a, "joinVideoRoom", json("{'userId':'u1'}")).ok());
    // Whether this is acked or refused the contract leaves open; it must not undo u1's registration.
    h.send(a, "leaveVideoRoom", json("{'userId':'u2'}"));
    assertEquals(Set.of(a.socketId().value()), sockets(U1), "still u1's socket");
    assertEquals(U1, TestVertx.await(h.stores().presence().userOf(a.socketId())));
    assertEquals(U1, a.user(), "the socket still acts as u1");
    assertEquals(Set.of(a.socketId().value()), room("g1"), "still rung for u1's groups");
  }

  @Test
  void registeringAsAnotherUserMovesTheSocketAndItsGroupRooms() {
    member("g1", "u1");
    member("g2", "u2");
    Client a = h.client();
    Client b = h.client();
    assertTrue(h.send(a, "userOnline", json("'u1'")).ok());
    assertTrue(h.send(b, "userOnline", json("'u1'")).ok());
    assertTrue(h.send(a, "userOnline", json("'u2'")).ok());
    assertEquals(Set.of(b.socketId().value()), sockets(U1));
    assertEquals(Set.of(a.socketId().value()), sockets(UserId.of("u2")));
    assertEquals(Set.of(b.socketId().value()), room("g1"), "the socket no longer rings for u1's groups");
    assertEquals(Set.of(a.socketId().value()), room("g2"));
    assertEquals(UserId.of("u2"), a.user());
  }

  @Test
  void disconnectUnmapsTheSocket() {
    member("g1", "u1");
    Client a = h.client();
    Client b = h.client();
    assertTrue(h.send(a, "userOnline", json("'u1'")).ok());
    assertTrue(h.send(b, "userOnline", json("'u1'")).ok());
    h.disconnect(a);
    assertEquals(Set.of(b.socketId().value()), sockets(U1));
    assertNull(TestVertx.await(h.stores().presence().userOf(a.socketId())));
    assertEquals(Set.of(b.socketId().value()), room("g1"));
  }

  /** Rows: with a token for u1, the event and a declared other user. */
  static Stream<Arguments> mismatches() {
    return Stream.of(
        Arguments.of("userOnline", "'u2'"),
        Arguments.of("user-connected", "'u2'"),
        Arguments.of("joinVideoRoom", "{'userId':'u2'}"),
        Arguments.of("leaveVideoRoom", "{'userId':'u2'}"));
  }

  @ParameterizedTest(name = "{0}({1})")
  @MethodSource("mismatches")
  void withATokenAnotherDeclaredUserIsUnauthorized(String event, String arg) {
    member("g2", "u2");
    Client c = h.client(new Identity(UserId.of("u1"), "Name", Set.of()));
    Outcome o = h.send(c, event, json(arg));
    assertEquals("unauthorized", o.code());
    assertEquals("Unauthorized", o.error().getMessage());
    assertEquals(Set.of(), sockets(U1));
    assertEquals(Set.of(), sockets(UserId.of("u2")));
    assertEquals(Set.of(), room("g2"));
  }

  @Test
  void withATokenTheOwnIdRegistersAndTheGroupsClaimBecomesMembership() {
    member("g1", "u1");
    Client c = h.client(new Identity(UserId.of("u1"), "Name", Set.of(GroupId.of("claimed"))));
    Outcome o = h.send(c, "userOnline", json("'u1'"));
    assertTrue(o.ok(), () -> "refused: " + o.error());
    assertEquals(json("{'userId':'u1'}"), o.ack());
    assertEquals(Set.of(c.socketId().value()), sockets(U1));
    assertEquals(Set.of(GroupId.of("g1"), GroupId.of("claimed")), TestVertx.await(h.stores().groups().groupsOf(U1)));
    assertEquals(Set.of(c.socketId().value()), room("g1"));
    assertEquals(Set.of(c.socketId().value()), room("claimed"));
  }
}
