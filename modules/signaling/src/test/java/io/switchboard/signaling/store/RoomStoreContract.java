package io.switchboard.signaling.store;

import static io.switchboard.signaling.store.StoreContractSupport.allAtOnce;
import static io.switchboard.signaling.store.StoreContractSupport.await;
import static io.switchboard.signaling.store.StoreContractSupport.refused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.signaling.ErrorCode;
import io.switchboard.signaling.SignalingException;
import io.switchboard.signaling.ids.NodeId;
import io.switchboard.signaling.ids.RoomId;
import io.switchboard.signaling.ids.SocketId;
import io.switchboard.signaling.ids.SocketRef;
import io.switchboard.signaling.store.StoreContractSupport.Outcome;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link RoomStore} contract, as its javadoc states it. Every implementation runs this very
 * suite: subclass it and return a fresh, empty store from {@link #newStore()}.
 */
public abstract class RoomStoreContract {
  private static final NodeId NODE_A = NodeId.of("node-a");
  private static final NodeId NODE_B = NodeId.of("node-b");
  private static final RoomId R1 = RoomId.of("r1");
  private static final RoomId R2 = RoomId.of("r2");
  private static final RoomId R3 = RoomId.of("r3");

  protected RoomStore store;

  /** A fresh, empty store; called once per test. */
  protected abstract RoomStore newStore();

  @BeforeEach
  protected void freshStore() {
    store = newStore();
  }

  protected static RoomMember member(String socket) {
    return member(socket, "Name of " + socket);
  }

  protected static RoomMember member(String socket, String userName) {
    NodeId node = socket.hashCode() % 2 == 0 ? NODE_A : NODE_B;
    return new RoomMember(new SocketRef(SocketId.of(socket), node), userName, 1_700_000_000_000L + socket.hashCode());
  }

  private RoomMember joined(RoomId room, String socket, int capacity) {
    RoomMember m = member(socket);
    RoomJoin join = await(store.join(room, m, capacity));
    assertFalse(join.alreadyMember(), socket + " was new to " + room);
    return m;
  }

  private static List<String> sockets(List<RoomMember> ms) {
    List<String> out = new ArrayList<>();
    for (RoomMember m : ms) {
      out.add(m.socket().id().value());
    }
    return out;
  }

  // ---- join ------------------------------------------------------------------------------------

  @Test
  void firstJoinHasNoOthers() {
    RoomMember a = member("s1");
    RoomJoin join = await(store.join(R1, a, 8));
    assertFalse(join.alreadyMember());
    assertEquals(List.of(), join.others());
    assertEquals(List.of(a), await(store.members(R1)));
    assertEquals(a, await(store.member(R1, SocketId.of("s1"))));
  }

  @Test
  void aMemberWithoutANameIsKeptAsIs() {
    RoomMember anonymous = member("s1", null);
    await(store.join(R1, anonymous, 8));
    assertEquals(List.of(anonymous), await(store.members(R1)));
  }

  @Test
  void othersAreTheMembersAlreadyInInJoinOrder() {
    RoomMember a = joined(R1, "s9", 8);
    RoomMember b = joined(R1, "s1", 8);
    RoomJoin third = await(store.join(R1, member("s5"), 8));
    assertEquals(List.of(a, b), third.others());
    assertEquals(List.of("s9", "s1", "s5"), sockets(await(store.members(R1))));
  }

  @Test
  void aSocketJoiningAgainIsAlreadyAMemberAndCountsOnce() {
    RoomMember a = joined(R1, "s1", 8);
    RoomMember b = joined(R1, "s2", 8);
    RoomJoin again = await(store.join(R1, member("s1", "Renamed"), 8));
    assertTrue(again.alreadyMember());
    assertEquals(List.of(b), again.others());
    assertEquals(List.of(a, b), await(store.members(R1)), "nothing changed, the first membership stays");
  }

  @Test
  void theSeed000ReJoinOfAFullRoomSucceeds() {
    RoomMember a = joined(R1, "s1", 2);
    RoomMember b = joined(R1, "s2", 2);
    RoomJoin again = await(store.join(R1, member("s2"), 2));
    assertTrue(again.alreadyMember());
    assertEquals(List.of(a), again.others());
    assertEquals(List.of(a, b), await(store.members(R1)));
  }

  @Test
  void reJoinsNeverUseUpSeats() {
    joined(R1, "s1", 2);
    for (int i = 0; i < 5; i++) {
      assertTrue(await(store.join(R1, member("s1"), 2)).alreadyMember());
    }
    joined(R1, "s2", 2);
    refused(ErrorCode.ROOM_FULL, store.join(R1, member("s3"), 2));
  }

  @Test
  void aNewMemberOfAFullRoomFailsRoomFullAndChangesNothing() {
    RoomMember a = joined(R1, "s1", 2);
    RoomMember b = joined(R1, "s2", 2);
    SignalingException e = refused(ErrorCode.ROOM_FULL, store.join(R1, member("s3"), 2));
    assertEquals("Room is full", e.getMessage());
    assertEquals(List.of(a, b), await(store.members(R1)));
    assertNull(await(store.member(R1, SocketId.of("s3"))));
    assertEquals(List.of(), await(store.removeSocket(SocketId.of("s3"))));
  }

  @Test
  void capacityIsTheOneGivenWithEachJoin() {
    joined(R1, "s1", 1);
    refused(ErrorCode.ROOM_FULL, store.join(R1, member("s2"), 1));
    joined(R1, "s2", 3);
    joined(R1, "s3", 3);
    refused(ErrorCode.ROOM_FULL, store.join(R1, member("s4"), 3));
  }

  @Test
  void capacityIsPerRoom() {
    joined(R1, "s1", 1);
    joined(R2, "s1", 1);
    joined(R3, "s2", 1);
    refused(ErrorCode.ROOM_FULL, store.join(R2, member("s2"), 1));
  }

  @Test
  void concurrentJoinsNeverExceedCapacity() throws Exception {
    int capacity = 8;
    List<Callable<Future<RoomJoin>>> calls = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      RoomMember m = member("s" + i);
      calls.add(() -> store.join(R1, m, capacity));
    }
    List<Outcome<RoomJoin>> outcomes = allAtOnce(8, calls);
    int admitted = 0;
    for (Outcome<RoomJoin> o : outcomes) {
      if (o.refusal() != null) {
        assertEquals(ErrorCode.ROOM_FULL, o.refusal().code());
      } else {
        assertFalse(o.value().alreadyMember());
        assertTrue(o.value().others().size() < capacity);
        admitted++;
      }
    }
    assertEquals(capacity, admitted);
    List<RoomMember> members = await(store.members(R1));
    assertEquals(capacity, members.size());
    assertEquals(capacity, new HashSet<>(sockets(members)).size());
  }

  @Test
  void concurrentJoinsOfOneSocketCountOnce() throws Exception {
    List<Callable<Future<RoomJoin>>> calls = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      calls.add(() -> store.join(R1, member("s1"), 2));
      calls.add(() -> store.join(R1, member("s2"), 2));
    }
    List<Outcome<RoomJoin>> outcomes = allAtOnce(8, calls);
    int fresh = 0;
    for (Outcome<RoomJoin> o : outcomes) {
      assertNull(o.refusal(), "a room of two holds two sockets however often they join");
      fresh += o.value().alreadyMember() ? 0 : 1;
    }
    assertEquals(2, fresh);
    assertEquals(Set.of("s1", "s2"), new HashSet<>(sockets(await(store.members(R1)))));
    assertEquals(2, await(store.members(R1)).size());
  }

  // ---- leave -----------------------------------------------------------------------------------

  @Test
  void leaveReportsTheRoomTheRemovedMemberAndWhoRemainedInJoinOrder() {
    RoomMember a = joined(R1, "s1", 8);
    RoomMember b = joined(R1, "s2", 8);
    RoomMember c = joined(R1, "s3", 8);
    RoomLeave leave = await(store.leave(R1, SocketId.of("s2")));
    assertEquals(new RoomLeave(R1, b, List.of(a, c)), leave);
    assertEquals(List.of(a, c), await(store.members(R1)));
    assertNull(await(store.member(R1, SocketId.of("s2"))));
  }

  @Test
  void theLastLeaveLeavesAnEmptyRoom() {
    RoomMember a = joined(R1, "s1", 8);
    assertEquals(new RoomLeave(R1, a, List.of()), await(store.leave(R1, SocketId.of("s1"))));
    assertEquals(List.of(), await(store.members(R1)));
  }

  @Test
  void leaveOfASocketNotInIsNull() {
    RoomMember a = joined(R1, "s1", 8);
    assertNull(await(store.leave(R1, SocketId.of("s2"))));
    assertNull(await(store.leave(RoomId.of("nope"), SocketId.of("s1"))));
    assertEquals(List.of(a), await(store.members(R1)));
  }

  @Test
  void leavingTwiceIsNullTheSecondTime() {
    joined(R1, "s1", 8);
    await(store.leave(R1, SocketId.of("s1")));
    assertNull(await(store.leave(R1, SocketId.of("s1"))));
  }

  @Test
  void leaveFreesASeatAndARejoinGoesToTheEnd() {
    joined(R1, "s1", 2);
    RoomMember b = joined(R1, "s2", 2);
    refused(ErrorCode.ROOM_FULL, store.join(R1, member("s3"), 2));
    await(store.leave(R1, SocketId.of("s1")));
    RoomMember c = joined(R1, "s3", 2);
    assertEquals(List.of(b, c), await(store.members(R1)));
    await(store.leave(R1, SocketId.of("s2")));
    RoomJoin back = await(store.join(R1, member("s2"), 2));
    assertFalse(back.alreadyMember());
    assertEquals(List.of(c), back.others());
    assertEquals(List.of("s3", "s2"), sockets(await(store.members(R1))));
  }

  // ---- reads -----------------------------------------------------------------------------------

  @Test
  void membersOfAnUnknownRoomIsEmpty() {
    assertEquals(List.of(), await(store.members(RoomId.of("nope"))));
    assertNull(await(store.member(RoomId.of("nope"), SocketId.of("s1"))));
  }

  @Test
  void memberIsPerRoom() {
    RoomMember a = joined(R1, "s1", 8);
    assertEquals(a, await(store.member(R1, SocketId.of("s1"))));
    assertNull(await(store.member(R2, SocketId.of("s1"))));
  }

  // ---- removeSocket ----------------------------------------------------------------------------

  @Test
  void removeSocketLeavesEveryRoomWithOneLeaveEach() {
    RoomMember a1 = joined(R1, "s1", 8);
    RoomMember b1 = joined(R1, "s2", 8);
    RoomMember a2 = joined(R2, "s1", 8);
    RoomMember c3 = joined(R3, "s3", 8);
    RoomMember a3 = member("s1");
    await(store.join(R3, a3, 8));
    RoomMember b4 = joined(RoomId.of("r4"), "s2", 8);

    List<RoomLeave> leaves = await(store.removeSocket(SocketId.of("s1")));
    assertEquals(3, leaves.size());
    Map<RoomId, RoomLeave> byRoom = new HashMap<>();
    for (RoomLeave l : leaves) {
      assertNull(byRoom.put(l.room(), l), "one leave per room");
    }
    assertEquals(new RoomLeave(R1, a1, List.of(b1)), byRoom.get(R1));
    assertEquals(new RoomLeave(R2, a2, List.of()), byRoom.get(R2));
    assertEquals(new RoomLeave(R3, a3, List.of(c3)), byRoom.get(R3));

    assertEquals(List.of(b1), await(store.members(R1)));
    assertEquals(List.of(), await(store.members(R2)));
    assertEquals(List.of(c3), await(store.members(R3)));
    assertEquals(List.of(b4), await(store.members(RoomId.of("r4"))));
  }

  @Test
  void removeSocketOfAnUnknownSocketIsEmpty() {
    RoomMember a = joined(R1, "s1", 8);
    assertEquals(List.of(), await(store.removeSocket(SocketId.of("s9"))));
    assertEquals(List.of(a), await(store.members(R1)));
  }

  @Test
  void removeSocketForgetsRoomsAlreadyLeftAndIsEmptyTheSecondTime() {
    RoomMember a = joined(R1, "s1", 8);
    joined(R2, "s1", 8);
    await(store.leave(R2, SocketId.of("s1")));
    assertEquals(List.of(new RoomLeave(R1, a, List.of())), await(store.removeSocket(SocketId.of("s1"))));
    assertEquals(List.of(), await(store.removeSocket(SocketId.of("s1"))));
  }

  @Test
  void aRemovedSocketMayJoinAgain() {
    joined(R1, "s1", 1);
    await(store.removeSocket(SocketId.of("s1")));
    joined(R1, "s1", 1);
  }
}
