package io.switchboard.signaling.groups;

import static io.switchboard.signaling.SignalingHarness.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

/** Groups (seed 002): group rooms joined by hand, by groupCreated, by the HTTP API; membership follows. */
class GroupHandlersTest {
  private SignalingHarness h;

  @BeforeEach
  void start() {
    h = new SignalingHarness();
  }

  @AfterEach
  void stop() {
    // Group events answer with acks only: nothing is ever delivered to a socket.
    assertEquals(List.of(), h.deliveries());
    h.close();
  }

  private Set<String> room(String group) {
    Set<String> out = new HashSet<>();
    for (SocketRef s : TestVertx.await(h.stores().groups().roomSockets(GroupId.of(group)))) {
      out.add(s.id().value());
    }
    return out;
  }

  private Set<UserId> members(String group) {
    return TestVertx.await(h.stores().groups().members(GroupId.of(group)));
  }

  private static Set<UserId> users(String... ids) {
    Set<UserId> out = new HashSet<>();
    for (String id : ids) {
      out.add(UserId.of(id));
    }
    return out;
  }

  private Client online(String user) {
    Client c = h.client();
    Outcome o = h.send(c, "userOnline", json("'" + user + "'"));
    assertTrue(o.ok(), () -> "refused: " + o.error());
    return c;
  }

  /** Rows: how joinGroup / leaveGroup are called (seed 002 passes the bare id). */
  static Stream<Arguments> groupArgs() {
    return Stream.of(Arguments.of("'g1'"), Arguments.of("{'groupId':'g1'}"));
  }

  @ParameterizedTest(name = "joinGroup({0})")
  @MethodSource("groupArgs")
  void joinGroupAndLeaveGroupMoveThisSocketOnly(String arg) {
    Client a = h.client();
    Client b = h.client();
    String group = "g1";
    Outcome joined = h.send(a, "joinGroup", json(arg));
    assertTrue(joined.ok(), () -> "refused: " + joined.error());
    assertEquals(json("{'groupId':'" + group + "'}"), joined.ack());
    assertTrue(h.send(a, "joinGroup", json(arg)).ok(), "idempotent");
    assertTrue(h.send(b, "joinGroup", json(arg)).ok());
    assertEquals(Set.of("s1", "s2"), room(group));
    assertEquals(Set.of(), members(group), "joining a room makes no member");

    Outcome left = h.send(a, "leaveGroup", json(arg));
    assertTrue(left.ok());
    assertEquals(json("{'groupId':'" + group + "'}"), left.ack());
    assertEquals(Set.of("s2"), room(group));
    assertTrue(h.send(a, "leaveGroup", json(arg)).ok(), "leaving again is harmless");
  }

  @Test
  void groupCreatedStoresTheMembershipAndPutsEveryOnlineMembersSocketsInTheRoom() {
    Client u1phone = online("u1");
    Client u1laptop = online("u1");
    Client u2 = online("u2");
    Client u4 = online("u4");
    Outcome o = h.send(u1phone, "groupCreated", json("{'groupId':'g1','memberIds':['u1','u2','u3']}"));
    assertTrue(o.ok(), () -> "refused: " + o.error());
    assertEquals(json("{'groupId':'g1'}"), o.ack());
    assertEquals(users("u1", "u2", "u3"), members("g1"));
    assertEquals(Set.of(u1phone.socketId().value(), u1laptop.socketId().value(), u2.socketId().value()), room("g1"));
    assertEquals(Set.of(GroupId.of("g1")), TestVertx.await(h.stores().groups().groupsOf(UserId.of("u3"))));
    assertEquals(Set.of(), TestVertx.await(h.stores().groups().groupsOf(UserId.of("u4"))));
    assertFalse(room("g1").contains(u4.socketId().value()));
  }

  @Test
  void anOfflineMemberJoinsTheRoomWhenItComesOnline() {
    assertTrue(h.send(h.client(), "groupCreated", json("{'groupId':'g1','memberIds':['u1','u3']}")).ok());
    Client u3 = online("u3");
    assertEquals(Set.of(u3.socketId().value()), room("g1"));
  }

  @Test
  void groupCreatedAgainReplacesTheMembershipAndRemovedUsersLeaveTheRoom() {
    Client u1 = online("u1");
    Client u2 = online("u2");
    Client u3 = online("u3");
    assertTrue(h.send(u1, "groupCreated", json("{'groupId':'g1','memberIds':['u1','u2']}")).ok());
    assertTrue(h.send(u1, "groupCreated", json("{'groupId':'g1','memberIds':['u1','u3']}")).ok());
    assertEquals(users("u1", "u3"), members("g1"));
    assertEquals(Set.of(u1.socketId().value(), u3.socketId().value()), room("g1"));
    assertEquals(Set.of(), TestVertx.await(h.stores().groups().groupsOf(UserId.of("u2"))));
    assertFalse(room("g1").contains(u2.socketId().value()));
  }

  @Test
  void withATokenGroupCreatedMustIncludeTheCreator() {
    Client verified = h.client(new Identity(UserId.of("u1"), "One", Set.of()));
    Outcome o = h.send(verified, "groupCreated", json("{'groupId':'g1','memberIds':['u2','u3']}"));
    assertEquals("unauthorized", o.code());
    assertEquals(Set.of(), members("g1"));
    assertTrue(h.send(verified, "groupCreated", json("{'groupId':'g1','memberIds':['u1','u2']}")).ok());
    assertEquals(users("u1", "u2"), members("g1"));
  }

  @Test
  void withATokenOnlyMembersJoinAGroupThatHasMembers() {
    TestVertx.await(h.signaling().groups().setMembers(GroupId.of("g1"), users("u1", "u2")));
    Client stranger = h.client(new Identity(UserId.of("u9"), "Nine", Set.of()));
    Outcome refused = h.send(stranger, "joinGroup", json("'g1'"));
    assertEquals("unauthorized", refused.code());
    assertEquals(Set.of(), room("g1"));

    Client member = h.client(new Identity(UserId.of("u2"), "Two", Set.of()));
    assertTrue(h.send(member, "joinGroup", json("'g1'")).ok());
    assertTrue(h.send(stranger, "joinGroup", json("'open-group'")).ok(), "a group without members is open");
    assertEquals(Set.of(member.socketId().value()), room("g1"));
  }

  @Test
  void httpSetMembersAddMemberAndRemoveMemberMoveTheUsersSockets() {
    Client u1 = online("u1");
    Client u2a = online("u2");
    Client u2b = online("u2");
    TestVertx.await(h.signaling().groups().setMembers(GroupId.of("g1"), users("u1")));
    assertEquals(Set.of(u1.socketId().value()), room("g1"));

    assertTrue(TestVertx.await(h.signaling().groups().addMember(GroupId.of("g1"), UserId.of("u2"))));
    assertEquals(Set.of(u1.socketId().value(), u2a.socketId().value(), u2b.socketId().value()), room("g1"));
    assertEquals(users("u1", "u2"), members("g1"));

    assertTrue(TestVertx.await(h.signaling().groups().removeMember(GroupId.of("g1"), UserId.of("u2"))));
    assertEquals(Set.of(u1.socketId().value()), room("g1"), "removal makes the user's sockets leave the room");
    assertEquals(users("u1"), members("g1"));

    TestVertx.await(h.signaling().groups().setMembers(GroupId.of("g1"), Set.of()));
    assertEquals(Set.of(), room("g1"));
    assertEquals(Set.of(), members("g1"));
  }

  @Test
  void disconnectLeavesEveryGroupRoom() {
    Client a = h.client();
    Client b = h.client();
    assertTrue(h.send(a, "joinGroup", json("'g1'")).ok());
    assertTrue(h.send(a, "joinGroup", json("'g2'")).ok());
    assertTrue(h.send(b, "joinGroup", json("'g2'")).ok());
    h.disconnect(a);
    assertEquals(Set.of(), room("g1"));
    assertEquals(Set.of("s2"), room("g2"));
  }
}
