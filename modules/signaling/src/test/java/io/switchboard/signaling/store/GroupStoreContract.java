package io.switchboard.signaling.store;

import static io.switchboard.signaling.store.StoreContractSupport.allAtOnce;
import static io.switchboard.signaling.store.StoreContractSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.signaling.ids.GroupId;
import io.switchboard.signaling.ids.NodeId;
import io.switchboard.signaling.ids.SocketId;
import io.switchboard.signaling.ids.SocketRef;
import io.switchboard.signaling.ids.UserId;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link GroupStore} contract, as its javadoc states it: membership (users) and group rooms
 * (sockets). Every implementation runs this very suite: subclass it and return a fresh, empty
 * store from {@link #newStore()}.
 */
public abstract class GroupStoreContract {
  private static final NodeId NODE_A = NodeId.of("node-a");
  private static final NodeId NODE_B = NodeId.of("node-b");
  private static final GroupId G1 = GroupId.of("g1");
  private static final GroupId G2 = GroupId.of("g2");
  private static final GroupId G3 = GroupId.of("g3");

  protected GroupStore store;

  /** A fresh, empty store; called once per test. */
  protected abstract GroupStore newStore();

  @BeforeEach
  protected void freshStore() {
    store = newStore();
  }

  private static UserId u(String id) {
    return UserId.of(id);
  }

  private static Set<UserId> users(String... ids) {
    Set<UserId> out = new HashSet<>();
    for (String id : ids) {
      out.add(UserId.of(id));
    }
    return out;
  }

  private static SocketRef on(NodeId node, String socket) {
    return new SocketRef(SocketId.of(socket), node);
  }

  private Set<SocketRef> roomOf(GroupId group) {
    List<SocketRef> sockets = await(store.roomSockets(group));
    Set<SocketRef> set = new HashSet<>(sockets);
    assertEquals(sockets.size(), set.size(), "no socket listed twice: " + sockets);
    return set;
  }

  // ---- membership ------------------------------------------------------------------------------

  @Test
  void settingTheMembersOfANewGroupRemovesNobody() {
    assertEquals(Set.of(), await(store.setMembers(G1, users("a", "b", "c"))));
    assertEquals(users("a", "b", "c"), await(store.members(G1)));
    assertEquals(Set.of(G1), await(store.groupsOf(u("a"))));
    assertEquals(Set.of(G1), await(store.groupsOf(u("c"))));
  }

  @Test
  void replacingTheMembersReturnsExactlyTheUsersRemoved() {
    await(store.setMembers(G1, users("a", "b", "c")));
    assertEquals(users("a"), await(store.setMembers(G1, users("b", "c", "d"))));
    assertEquals(users("b", "c", "d"), await(store.members(G1)));
    assertEquals(Set.of(), await(store.groupsOf(u("a"))));
    assertEquals(Set.of(G1), await(store.groupsOf(u("d"))));
    assertEquals(Set.of(G1), await(store.groupsOf(u("b"))));
  }

  @Test
  void replacingWithTheSameMembersRemovesNobody() {
    await(store.setMembers(G1, users("a", "b")));
    assertEquals(Set.of(), await(store.setMembers(G1, users("a", "b"))));
    assertEquals(users("a", "b"), await(store.members(G1)));
  }

  @Test
  void replacingWithNobodyRemovesEveryone() {
    await(store.setMembers(G1, users("a", "b")));
    assertEquals(users("a", "b"), await(store.setMembers(G1, Set.of())));
    assertEquals(Set.of(), await(store.members(G1)));
    assertEquals(Set.of(), await(store.groupsOf(u("a"))));
    assertEquals(Set.of(), await(store.setMembers(G1, users("c"))), "the emptied group starts afresh");
  }

  @Test
  void replacingOneGroupLeavesTheOthersAlone() {
    await(store.setMembers(G1, users("a", "b")));
    await(store.setMembers(G2, users("a", "c")));
    await(store.setMembers(G1, users("b")));
    assertEquals(users("a", "c"), await(store.members(G2)));
    assertEquals(Set.of(G2), await(store.groupsOf(u("a"))));
  }

  @Test
  void addMemberIsTrueOnlyTheFirstTime() {
    assertTrue(await(store.addMember(G1, u("a"))));
    assertFalse(await(store.addMember(G1, u("a"))));
    assertTrue(await(store.addMember(G1, u("b"))));
    assertEquals(users("a", "b"), await(store.members(G1)));
    assertEquals(Set.of(G1), await(store.groupsOf(u("a"))));
  }

  @Test
  void addMemberAfterSetMembersSeesTheExistingMembers() {
    await(store.setMembers(G1, users("a")));
    assertFalse(await(store.addMember(G1, u("a"))));
    assertTrue(await(store.addMember(G1, u("b"))));
    assertEquals(users("b"), await(store.setMembers(G1, users("a"))));
  }

  @Test
  void removeMemberIsTrueOnlyWhenItWasOne() {
    await(store.setMembers(G1, users("a", "b")));
    assertTrue(await(store.removeMember(G1, u("a"))));
    assertFalse(await(store.removeMember(G1, u("a"))));
    assertFalse(await(store.removeMember(G1, u("z"))));
    assertFalse(await(store.removeMember(G2, u("b"))));
    assertEquals(users("b"), await(store.members(G1)));
    assertEquals(Set.of(), await(store.groupsOf(u("a"))));
    assertEquals(Set.of(G1), await(store.groupsOf(u("b"))));
  }

  @Test
  void unknownGroupsAndUsersAreEmpty() {
    assertEquals(Set.of(), await(store.members(GroupId.of("nope"))));
    assertEquals(Set.of(), await(store.groupsOf(u("nobody"))));
    assertEquals(List.of(), await(store.roomSockets(GroupId.of("nope"))));
  }

  @Test
  void groupsOfListsEveryGroupOfTheUser() {
    await(store.setMembers(G1, users("a", "b")));
    await(store.addMember(G2, u("a")));
    await(store.setMembers(G3, users("b")));
    assertEquals(Set.of(G1, G2), await(store.groupsOf(u("a"))));
    assertEquals(Set.of(G1, G3), await(store.groupsOf(u("b"))));
  }

  @Test
  void concurrentAddsAllLand() throws Exception {
    List<Callable<Future<Boolean>>> calls = new ArrayList<>();
    Set<UserId> expected = new HashSet<>();
    for (int i = 0; i < 40; i++) {
      UserId user = u("u" + i);
      expected.add(user);
      calls.add(() -> store.addMember(G1, user));
    }
    allAtOnce(8, calls);
    assertEquals(expected, await(store.members(G1)));
  }

  // ---- group rooms -----------------------------------------------------------------------------

  @Test
  void joinRoomIsIdempotent() {
    SocketRef s1 = on(NODE_A, "s1");
    await(store.joinRoom(G1, s1));
    await(store.joinRoom(G1, s1));
    assertEquals(List.of(s1), await(store.roomSockets(G1)));
  }

  @Test
  void roomsHoldSocketsOfAnyNodeAndAreIndependent() {
    SocketRef s1 = on(NODE_A, "s1");
    SocketRef s2 = on(NODE_B, "s2");
    await(store.joinRoom(G1, s1));
    await(store.joinRoom(G1, s2));
    await(store.joinRoom(G2, s2));
    assertEquals(Set.of(s1, s2), roomOf(G1));
    assertEquals(Set.of(s2), roomOf(G2));
  }

  @Test
  void leaveRoomIsTrueOnlyWhenTheSocketWasIn() {
    SocketRef s1 = on(NODE_A, "s1");
    SocketRef s2 = on(NODE_B, "s2");
    await(store.joinRoom(G1, s1));
    await(store.joinRoom(G1, s2));
    assertTrue(await(store.leaveRoom(G1, SocketId.of("s1"))));
    assertFalse(await(store.leaveRoom(G1, SocketId.of("s1"))));
    assertFalse(await(store.leaveRoom(G2, SocketId.of("s2"))));
    assertEquals(List.of(s2), await(store.roomSockets(G1)));
  }

  @Test
  void roomsAreAboutSocketsNotMembership() {
    SocketRef s1 = on(NODE_A, "s1");
    await(store.joinRoom(G1, s1));
    assertEquals(Set.of(), await(store.members(G1)), "joining a room does not make a member");
    await(store.setMembers(G2, users("a")));
    assertEquals(List.of(), await(store.roomSockets(G2)), "a member is not a socket in the room");
  }

  @Test
  void removeSocketLeavesEveryGroupRoomAndReturnsThem() {
    SocketRef s1 = on(NODE_A, "s1");
    SocketRef s2 = on(NODE_B, "s2");
    await(store.joinRoom(G1, s1));
    await(store.joinRoom(G2, s1));
    await(store.joinRoom(G2, s2));
    await(store.joinRoom(G3, s2));
    assertEquals(Set.of(G1, G2), new HashSet<>(await(store.removeSocket(SocketId.of("s1")))));
    assertEquals(List.of(), await(store.roomSockets(G1)));
    assertEquals(List.of(s2), await(store.roomSockets(G2)));
    assertEquals(List.of(s2), await(store.roomSockets(G3)));
    assertEquals(List.of(), await(store.removeSocket(SocketId.of("s1"))));
  }

  @Test
  void removeSocketForgetsRoomsAlreadyLeft() {
    SocketRef s1 = on(NODE_A, "s1");
    await(store.joinRoom(G1, s1));
    await(store.joinRoom(G2, s1));
    await(store.leaveRoom(G2, SocketId.of("s1")));
    assertEquals(List.of(G1), await(store.removeSocket(SocketId.of("s1"))));
  }

  @Test
  void removeSocketOfAnUnknownSocketIsEmpty() {
    await(store.joinRoom(G1, on(NODE_A, "s1")));
    assertEquals(List.of(), await(store.removeSocket(SocketId.of("s9"))));
    assertEquals(List.of(on(NODE_A, "s1")), await(store.roomSockets(G1)));
  }

  @Test
  void concurrentRoomJoinsAllLandOnce() throws Exception {
    List<Callable<Future<Void>>> calls = new ArrayList<>();
    Set<SocketRef> expected = new HashSet<>();
    for (int i = 0; i < 40; i++) {
      SocketRef s = on(i % 2 == 0 ? NODE_A : NODE_B, "s" + (i % 20));
      expected.add(s);
      calls.add(() -> store.joinRoom(G1, s));
    }
    allAtOnce(8, calls);
    assertEquals(expected, roomOf(G1));
    assertEquals(20, await(store.roomSockets(G1)).size());
  }
}
