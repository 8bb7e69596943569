package io.switchboard.redis;

import static io.switchboard.testkit.TestVertx.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.signaling.ids.CallId;
import io.switchboard.signaling.ids.GroupId;
import io.switchboard.signaling.ids.MeetingId;
import io.switchboard.signaling.ids.NodeId;
import io.switchboard.signaling.ids.RoomId;
import io.switchboard.signaling.ids.SocketId;
import io.switchboard.signaling.ids.SocketRef;
import io.switchboard.signaling.ids.UserId;
import io.switchboard.signaling.store.Call;
import io.switchboard.signaling.store.CallFlavor;
import io.switchboard.signaling.store.Stores;
import io.switchboard.testkit.RedisServer;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What an operation that failed half-way leaves behind (an index entry without its membership),
 * planted by hand: readers never report it, a fresh one is kept (its operation may still be in
 * flight), an old one is cleaned up, and a dead busy entry never makes a user busy.
 */
class RedisIndexRepairTest {
  @RegisterExtension
  static final RedisFixture redis = RedisFixture.standalone();

  private static final NodeId NODE = NodeId.of("node-1");
  private static final UserId ALICE = UserId.of("alice");
  private static final UserId BOB = UserId.of("bob");
  private static final long OLD = 1_000L;

  private String prefix;
  private RedisKeys keys;
  private Stores stores;

  @BeforeEach
  void fresh() {
    prefix = "repair" + System.nanoTime() + ":";
    keys = new RedisKeys(prefix);
    stores = redis.fresh(prefix);
  }

  private RedisServer server() {
    return redis.server();
  }

  private void plant(String index, String id, String token, long writtenAt) {
    server().command("HSET", index, RedisCodec.indexField(id, token), Long.toString(writtenAt));
  }

  private long entries(String index) {
    return (Long) server().command("HLEN", index);
  }

  @Test
  void aUsersSocketsNeverListAnEntryWithoutItsRegistrationAndOldOnesGo() {
    SocketRef s1 = new SocketRef(SocketId.of("s1"), NODE);
    await(stores.presence().register(ALICE, s1));
    plant(keys.userSockets(ALICE), "s-gone", "t-old", OLD);
    plant(keys.userSockets(ALICE), "s-flight", "t-new", System.currentTimeMillis());
    plant(keys.userSockets(ALICE), "s1", "t-replaced", OLD);
    assertEquals(List.of(s1), await(stores.presence().sockets(ALICE)));
    assertEquals(2, entries(keys.userSockets(ALICE)), "the live entry and the one maybe in flight stay");
  }

  @Test
  void aUsersGroupsNeverListAnEntryWithoutItsMembershipAndOldOnesGo() {
    await(stores.groups().addMember(GroupId.of("g1"), ALICE));
    plant(keys.userGroups(ALICE), "g-gone", "t-old", OLD);
    plant(keys.userGroups(ALICE), "g1", "t-older-membership", OLD);
    plant(keys.userGroups(ALICE), "g-flight", "t-new", System.currentTimeMillis());
    assertEquals(Set.of(GroupId.of("g1")), await(stores.groups().groupsOf(ALICE)));
    assertEquals(2, entries(keys.userGroups(ALICE)));
  }

  @Test
  void aUsersCallsNeverListAnEntryWithoutItsCall() {
    Call call = Call.oneToOne(CallId.of("c1"), CallFlavor.WEBRTC, ALICE, new SocketRef(SocketId.of("a1"), NODE), BOB,
        null, 1L, NODE);
    await(stores.calls().ring(call));
    plant(keys.userCalls(BOB), "c-gone", "t-old", OLD);
    plant(keys.userCalls(BOB), "c1", "t-earlier-ring", OLD);
    assertEquals(List.of(call), await(stores.calls().callsOf(BOB)));
    assertEquals(1, entries(keys.userCalls(BOB)));
  }

  @Test
  void aBusyEntryOfAnEndedCallNeitherMakesTheUserBusyNorRefusesARing() {
    // Left by a connect whose cleanup at the end of the call failed.
    plant(keys.userBusy(BOB), "c-ended", "t-ended", System.currentTimeMillis());
    Call call = Call.oneToOne(CallId.of("c2"), CallFlavor.WEBRTC, ALICE, new SocketRef(SocketId.of("a1"), NODE), BOB,
        null, 1L, NODE);
    assertEquals(call, await(stores.calls().ring(call)), "the dead entry is ignored");
    assertEquals(0, entries(keys.userBusy(BOB)), "and dropped at once: it can belong to nothing in flight");
    plant(keys.userBusy(BOB), "c-ended", "t-ended", System.currentTimeMillis());
    assertFalse(await(stores.calls().isBusy(BOB)));
    assertEquals(0, entries(keys.userBusy(BOB)));
    await(stores.calls().connect(call.id(), new SocketRef(SocketId.of("b1"), NODE)));
    assertTrue(await(stores.calls().isBusy(BOB)));
  }

  @Test
  void removeSocketLeavesOnlyWhereTheSocketIsAndKeepsWhatMayBeInFlight() {
    SocketId s = SocketId.of("s1");
    plant(keys.socketMeetings(s), "m-gone", "p-old", OLD);
    plant(keys.socketMeetings(s), "m-flight", "p-new", System.currentTimeMillis());
    plant(keys.socketRooms(s), "r-gone", "t-old", OLD);
    plant(keys.socketGroups(s), "g-gone", "t-old", OLD);
    assertEquals(List.of(), await(stores.meetings().removeSocket(s)));
    assertEquals(List.of(), await(stores.rooms().removeSocket(s)));
    assertEquals(List.of(), await(stores.groups().removeSocket(s)));
    assertEquals(1, entries(keys.socketMeetings(s)), "a join in flight keeps its entry");
    assertEquals(0, entries(keys.socketRooms(s)));
    assertEquals(0, entries(keys.socketGroups(s)));
    assertEquals(null, await(stores.meetings().participant(MeetingId.of("m-flight"), s)));
    assertEquals(null, await(stores.rooms().member(RoomId.of("r-gone"), s)));
  }
}
