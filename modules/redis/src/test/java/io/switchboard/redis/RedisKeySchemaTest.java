package io.switchboard.redis;

import static io.switchboard.testkit.TestVertx.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.signaling.ErrorCode;
import io.switchboard.signaling.SignalingException;
import io.switchboard.signaling.ids.CallId;
import io.switchboard.signaling.ids.GroupId;
import io.switchboard.signaling.ids.MeetingId;
import io.switchboard.signaling.ids.NodeId;
import io.switchboard.signaling.ids.ParticipantId;
import io.switchboard.signaling.ids.RoomId;
import io.switchboard.signaling.ids.SocketId;
import io.switchboard.signaling.ids.SocketRef;
import io.switchboard.signaling.ids.UserId;
import io.switchboard.signaling.store.Call;
import io.switchboard.signaling.store.CallFlavor;
import io.switchboard.signaling.store.MediaState;
import io.switchboard.signaling.store.Meeting;
import io.switchboard.signaling.store.MeetingStatus;
import io.switchboard.signaling.store.Participant;
import io.switchboard.signaling.store.RoomMember;
import io.switchboard.signaling.store.Stores;
import io.switchboard.testkit.RedisServer;
import io.vertx.redis.client.impl.ZModem;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The key schema: one slot per meeting, room, group, call, user and socket; no garbage left behind. */
class RedisKeySchemaTest {
  @RegisterExtension
  static final RedisFixture redis = RedisFixture.standalone();

  private static final NodeId NODE = NodeId.of("node-1");
  private final RedisKeys keys = new RedisKeys("sb:");

  private static void sameSlot(String... ks) {
    int slot = ZModem.generate(ks[0]);
    for (String k : ks) {
      assertEquals(slot, ZModem.generate(k), k + " is in the slot of " + ks[0]);
    }
  }

  @Test
  void everyKeyOfOneThingSharesOneSlot() {
    MeetingId m = MeetingId.of("standup");
    sameSlot(keys.meeting(m), keys.participants(m), keys.media(m), keys.joinOrder(m), keys.participantIds(m));
    RoomId r = RoomId.of("mesh-1");
    sameSlot(keys.roomMembers(r), keys.roomOrder(r));
    GroupId g = GroupId.of("team");
    sameSlot(keys.groupMembers(g), keys.groupRoom(g), keys.groupRoomTokens(g));
    UserId u = UserId.of("alice");
    sameSlot(keys.userSockets(u), keys.userGroups(u), keys.userCalls(u), keys.userBusy(u));
    SocketId s = SocketId.of("AbC123_-");
    sameSlot(keys.socketUser(s), keys.socketMeetings(s), keys.socketRooms(s), keys.socketGroups(s));
  }

  @Test
  void keysAreUnderThePrefixAndIdsCannotCollide() {
    assertEquals("sb:{m:standup}:meeting", keys.meeting(MeetingId.of("standup")));
    assertEquals("x:{u:alice}:calls", new RedisKeys("x:").userCalls(UserId.of("alice")));
    // The same id as a meeting and as a room are different things in different slots.
    assertNotEquals(keys.joinOrder(MeetingId.of("a")), keys.roomOrder(RoomId.of("a")));
    // An id holding a brace keeps all its keys in one slot all the same.
    MeetingId odd = MeetingId.of("we}ird{id");
    sameSlot(keys.meeting(odd), keys.participants(odd), keys.participantIds(odd));
    assertThrows(IllegalArgumentException.class, () -> new RedisKeys("sb{x}:"));
  }

  @Test
  void afterEveryoneLeftOnlyTheMeetingRecordsRemain() {
    String prefix = "leftovers:";
    Stores s = redis.fresh(prefix);
    SocketRef s1 = new SocketRef(SocketId.of("s1"), NODE);
    SocketRef s2 = new SocketRef(SocketId.of("s2"), NODE);
    MeetingId m = MeetingId.of("m1");
    await(s.meetings().create(new Meeting(m, "M", MeetingStatus.LIVE, UserId.of("alice"), 1, null, 1L)));
    await(s.meetings().join(m, participant(m, "p1", s1, "alice")));
    await(s.meetings().join(m, participant(m, "p1b", s1, "alice")));
    SignalingException full = assertThrows(SignalingException.class,
        () -> await(s.meetings().join(m, participant(m, "p2", s2, "bob"))));
    assertEquals(ErrorCode.MEETING_FULL, full.code());
    await(s.rooms().join(RoomId.of("r1"), new RoomMember(s1, "A", 1L), 4));
    await(s.rooms().join(RoomId.of("r1"), new RoomMember(s2, null, 2L), 4));
    await(s.presence().register(UserId.of("alice"), s1));
    await(s.presence().register(UserId.of("bob"), s2));
    await(s.presence().register(UserId.of("alice"), s2));
    await(s.groups().setMembers(GroupId.of("g1"), Set.of(UserId.of("alice"), UserId.of("bob"))));
    await(s.groups().addMember(GroupId.of("g1"), UserId.of("carol")));
    await(s.groups().joinRoom(GroupId.of("g1"), s1));
    await(s.groups().joinRoom(GroupId.of("g1"), s1));
    await(s.calls().ring(Call.oneToOne(CallId.of("c1"), CallFlavor.WEBRTC, UserId.of("alice"), s1, UserId.of("bob"),
        null, 1L, NODE)));
    await(s.calls().connect(CallId.of("c1"), s2));
    await(s.calls().ring(Call.group(CallId.of("c2"), UserId.of("alice"), s1, GroupId.of("g1"), null, 1L, NODE)));
    assertTrue(keysUnder(prefix).size() > 10);

    for (SocketRef sock : List.of(s1, s2)) {
      await(s.meetings().removeSocket(sock.id()));
      await(s.rooms().removeSocket(sock.id()));
      await(s.presence().removeSocket(sock.id()));
      await(s.groups().removeSocket(sock.id()));
    }
    await(s.groups().setMembers(GroupId.of("g1"), Set.of()));
    await(s.calls().end(CallId.of("c1")));
    await(s.calls().endIfRinging(CallId.of("c2")));

    assertEquals(new TreeSet<>(List.of(keys(prefix).meeting(m))), keysUnder(prefix));
  }

  private static RedisKeys keys(String prefix) {
    return new RedisKeys(prefix);
  }

  private static Participant participant(MeetingId m, String id, SocketRef socket, String user) {
    return new Participant(ParticipantId.of(id), m, socket, UserId.of(user), user, MediaState.INITIAL, 1L);
  }

  @SuppressWarnings("unchecked")
  private static Set<String> keysUnder(String prefix) {
    Set<String> out = new TreeSet<>();
    for (RedisServer server : redis.servers()) {
      out.addAll((List<String>) server.command("KEYS", prefix + "*"));
    }
    return out;
  }
}
