package io.switchboard.redis;

import static io.switchboard.redis.RedisCodec.strings;

import io.switchboard.redis.RedisCodec.IndexEntry;
import io.switchboard.redis.RedisCodec.TokenedMember;
import io.switchboard.signaling.ErrorCode;
import io.switchboard.signaling.SignalingException;
import io.switchboard.signaling.ids.RoomId;
import io.switchboard.signaling.ids.SocketId;
import io.switchboard.signaling.store.RoomJoin;
import io.switchboard.signaling.store.RoomLeave;
import io.switchboard.signaling.store.RoomMember;
import io.switchboard.signaling.store.RoomStore;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Mesh rooms in Redis. Each room's keys share one slot: join (capacity, re-join) and leave are
 * one script each. The socket's index of its rooms is kept a superset (see {@link RedisKeys}).
 */
public final class RedisRoomStore implements RoomStore {
  private final RedisCommands redis;
  private final RedisKeys keys;

  RedisRoomStore(RedisCommands redis, RedisKeys keys) {
    this.redis = redis;
    this.keys = keys;
  }

  private List<String> roomKeys(RoomId room) {
    return List.of(keys.roomMembers(room), keys.roomOrder(room));
  }

  @Override
  public Future<RoomJoin> join(RoomId room, RoomMember member, int capacity) {
    SocketId socket = member.socket().id();
    String token = RedisCodec.token();
    String entry = RedisCodec.indexField(room.value(), token);
    return redis.send(RedisCommands.indexPut(keys.socketRooms(socket), entry))
        .compose(v -> redis.eval(RedisScripts.ROOM_JOIN, roomKeys(room), socket.value(),
            RedisCodec.roomMember(member, token), Integer.toString(capacity)))
        .compose(r -> {
          List<String> out = strings(r);
          String outcome = out.get(0);
          if (outcome.equals("joined")) {
            return Future.succeededFuture(new RoomJoin(false, RedisCodec.roomMembers(out, 1)));
          }
          Future<Void> undo = RedisCommands.bestEffort(
              redis.send(RedisCommands.indexDelete(keys.socketRooms(socket), entry)), "room join");
          return undo.compose(v -> switch (outcome) {
            case "already" -> Future.succeededFuture(new RoomJoin(true, RedisCodec.roomMembers(out, 1)));
            case "full" -> Future.failedFuture(new SignalingException(ErrorCode.ROOM_FULL, "Room is full"));
            default -> Future.failedFuture(new IllegalStateException("room_join answered " + outcome));
          });
        });
  }

  @Override
  public Future<RoomLeave> leave(RoomId room, SocketId socket) {
    return redis.eval(RedisScripts.ROOM_LEAVE, roomKeys(room), socket.value()).compose(r -> {
      if (r == null) {
        return Future.succeededFuture(null);
      }
      List<String> out = strings(r);
      TokenedMember removed = RedisCodec.roomMember(out.get(0));
      RoomLeave leave = new RoomLeave(room, removed.member(), RedisCodec.roomMembers(out, 1));
      return RedisCommands.bestEffort(redis.send(RedisCommands.indexDelete(keys.socketRooms(socket),
          RedisCodec.indexField(room.value(), removed.token()))), "room leave").map(leave);
    });
  }

  @Override
  public Future<List<RoomMember>> members(RoomId room) {
    return redis.eval(RedisScripts.ROOM_MEMBERS, roomKeys(room)).map(r -> RedisCodec.roomMembers(strings(r), 0));
  }

  @Override
  public Future<RoomMember> member(RoomId room, SocketId socket) {
    return redis.send(Request.cmd(Command.HGET).arg(keys.roomMembers(room)).arg(socket.value()))
        .map(r -> r == null ? null : RedisCodec.roomMember(r.toString()).member());
  }

  @Override
  public Future<List<RoomLeave>> removeSocket(SocketId socket) {
    String index = keys.socketRooms(socket);
    return redis.send(Request.cmd(Command.HGETALL).arg(index)).compose(r -> {
      Map<String, List<IndexEntry>> byRoom = new LinkedHashMap<>();
      for (IndexEntry e : RedisCodec.indexEntries(r)) {
        byRoom.computeIfAbsent(e.id(), k -> new ArrayList<>()).add(e);
      }
      List<Future<RoomLeave>> leaves = new ArrayList<>(byRoom.size());
      for (Map.Entry<String, List<IndexEntry>> room : byRoom.entrySet()) {
        leaves.add(leave(RoomId.of(room.getKey()), socket)
            .compose(leave -> forgetStale(index, room.getValue(), leave)));
      }
      return Future.all(leaves).map(v -> {
        List<RoomLeave> out = new ArrayList<>();
        for (Future<RoomLeave> f : leaves) {
          if (f.result() != null) {
            out.add(f.result());
          }
        }
        return out;
      });
    });
  }

  /** Drops the stale candidates (the entry of the membership just left is gone already). */
  private Future<RoomLeave> forgetStale(String index, List<IndexEntry> entries, RoomLeave leave) {
    long now = System.currentTimeMillis();
    List<Request> forget = new ArrayList<>();
    for (IndexEntry e : entries) {
      if (e.staleAt(now)) {
        forget.add(RedisCommands.indexDelete(index, e.field()));
      }
    }
    return RedisCommands.bestEffort(redis.batch(forget), "room removeSocket").map(leave);
  }
}
