package io.switchboard.redis;

import static io.switchboard.redis.RedisCodec.str;
import static io.switchboard.redis.RedisCodec.strings;

import io.switchboard.redis.RedisCodec.IndexEntry;
import io.switchboard.signaling.ids.GroupId;
import io.switchboard.signaling.ids.NodeId;
import io.switchboard.signaling.ids.SocketId;
import io.switchboard.signaling.ids.SocketRef;
import io.switchboard.signaling.ids.UserId;
import io.switchboard.signaling.store.GroupStore;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Groups in Redis. A group's members and its room live in the group's slot (each change one
 * command or script); a user's groups and a socket's group rooms are indexes in their own slots,
 * kept supersets (see {@link RedisKeys}); a user's groups are checked against the group when read.
 */
public final class RedisGroupStore implements GroupStore {
  private final RedisCommands redis;
  private final RedisKeys keys;

  RedisGroupStore(RedisCommands redis, RedisKeys keys) {
    this.redis = redis;
    this.keys = keys;
  }

  @Override
  public Future<Set<UserId>> setMembers(GroupId group, Set<UserId> members) {
    List<Request> indexed = new ArrayList<>(members.size());
    List<String> args = new ArrayList<>(members.size() * 2);
    for (UserId user : members) {
      String token = RedisCodec.token();
      indexed.add(RedisCommands.indexPut(keys.userGroups(user), RedisCodec.indexField(group.value(), token)));
      args.add(user.value());
      args.add(token);
    }
    return redis.batch(indexed)
        .compose(v -> redis.eval(RedisScripts.GROUP_SET, List.of(keys.groupMembers(group)), args))
        .compose(r -> {
          List<String> removed = strings(r.get(0));
          List<String> unused = strings(r.get(1));
          Set<UserId> out = new HashSet<>();
          List<Request> unindex = new ArrayList<>();
          for (int i = 0; i + 1 < removed.size(); i += 2) {
            UserId user = UserId.of(removed.get(i));
            out.add(user);
            unindex.add(RedisCommands.indexDelete(keys.userGroups(user),
                RedisCodec.indexField(group.value(), removed.get(i + 1))));
          }
          for (int i = 0; i + 1 < unused.size(); i += 2) {
            unindex.add(RedisCommands.indexDelete(keys.userGroups(UserId.of(unused.get(i))),
                RedisCodec.indexField(group.value(), unused.get(i + 1))));
          }
          return RedisCommands.bestEffort(redis.batch(unindex), "setMembers").map(Set.copyOf(out));
        });
  }

  @Override
  public Future<Boolean> addMember(GroupId group, UserId user) {
    String token = RedisCodec.token();
    String entry = RedisCodec.indexField(group.value(), token);
    return redis.send(RedisCommands.indexPut(keys.userGroups(user), entry))
        .compose(v -> redis.send(
            Request.cmd(Command.HSETNX).arg(keys.groupMembers(group)).arg(user.value()).arg(token)))
        .compose(r -> {
          if (r.toInteger() == 1) {
            return Future.succeededFuture(true);
          }
          return RedisCommands.bestEffort(redis.send(RedisCommands.indexDelete(keys.userGroups(user), entry)),
              "addMember").map(false);
        });
  }

  @Override
  public Future<Boolean> removeMember(GroupId group, UserId user) {
    return redis.eval(RedisScripts.GROUP_REMOVE, List.of(keys.groupMembers(group)), user.value()).compose(r -> {
      if (r == null) {
        return Future.succeededFuture(false);
      }
      return RedisCommands.bestEffort(redis.send(RedisCommands.indexDelete(keys.userGroups(user),
          RedisCodec.indexField(group.value(), r.toString()))), "removeMember").map(true);
    });
  }

  @Override
  public Future<Set<UserId>> members(GroupId group) {
    return redis.send(Request.cmd(Command.HKEYS).arg(keys.groupMembers(group))).map(r -> {
      Set<UserId> out = new HashSet<>();
      for (String u : strings(r)) {
        out.add(UserId.of(u));
      }
      return Set.copyOf(out);
    });
  }

  @Override
  public Future<Set<GroupId>> groupsOf(UserId user) {
    String index = keys.userGroups(user);
    return redis.send(Request.cmd(Command.HGETALL).arg(index)).compose(r -> {
      List<IndexEntry> entries = RedisCodec.indexEntries(r);
      if (entries.isEmpty()) {
        return Future.succeededFuture(Set.of());
      }
      List<Request> tokens = new ArrayList<>(entries.size());
      for (IndexEntry e : entries) {
        tokens.add(Request.cmd(Command.HGET).arg(keys.groupMembers(GroupId.of(e.id()))).arg(user.value()));
      }
      return redis.batch(tokens).compose(replies -> {
        long now = System.currentTimeMillis();
        Set<GroupId> out = new HashSet<>();
        List<Request> stale = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
          IndexEntry e = entries.get(i);
          if (e.token().equals(str(replies.get(i)))) {
            out.add(GroupId.of(e.id()));
          } else if (e.staleAt(now)) {
            stale.add(RedisCommands.indexDelete(index, e.field()));
          }
        }
        return RedisCommands.bestEffort(redis.batch(stale), "groupsOf stale").map(Set.copyOf(out));
      });
    });
  }

  @Override
  public Future<Void> joinRoom(GroupId group, SocketRef socket) {
    String token = RedisCodec.token();
    String entry = RedisCodec.indexField(group.value(), token);
    return redis.send(RedisCommands.indexPut(keys.socketGroups(socket.id()), entry))
        .compose(v -> redis.eval(RedisScripts.GROUP_ROOM_JOIN, roomKeys(group), socket.id().value(),
            socket.node().value(), token))
        .compose(existing -> existing == null
            ? Future.succeededFuture()
            : RedisCommands.bestEffort(redis.send(RedisCommands.indexDelete(keys.socketGroups(socket.id()), entry)),
                "joinRoom"));
  }

  private List<String> roomKeys(GroupId group) {
    return List.of(keys.groupRoom(group), keys.groupRoomTokens(group));
  }

  @Override
  public Future<Boolean> leaveRoom(GroupId group, SocketId socket) {
    return redis.eval(RedisScripts.GROUP_ROOM_LEAVE, roomKeys(group), socket.value()).compose(r -> {
      if (r == null) {
        return Future.succeededFuture(false);
      }
      return RedisCommands.bestEffort(redis.send(RedisCommands.indexDelete(keys.socketGroups(socket),
          RedisCodec.indexField(group.value(), r.toString()))), "leaveRoom").map(true);
    });
  }

  @Override
  public Future<List<SocketRef>> roomSockets(GroupId group) {
    return redis.send(Request.cmd(Command.HGETALL).arg(keys.groupRoom(group))).map((Response r) -> {
      List<String> flat = strings(r);
      List<SocketRef> out = new ArrayList<>(flat.size() / 2);
      for (int i = 0; i + 1 < flat.size(); i += 2) {
        out.add(new SocketRef(SocketId.of(flat.get(i)), NodeId.of(flat.get(i + 1))));
      }
      return out;
    });
  }

  @Override
  public Future<List<GroupId>> removeSocket(SocketId socket) {
    String index = keys.socketGroups(socket);
    return redis.send(Request.cmd(Command.HGETALL).arg(index)).compose(r -> {
      Map<String, List<IndexEntry>> byGroup = new LinkedHashMap<>();
      for (IndexEntry e : RedisCodec.indexEntries(r)) {
        byGroup.computeIfAbsent(e.id(), k -> new ArrayList<>()).add(e);
      }
      List<GroupId> groups = new ArrayList<>(byGroup.size());
      List<Future<Boolean>> left = new ArrayList<>(byGroup.size());
      for (Map.Entry<String, List<IndexEntry>> g : byGroup.entrySet()) {
        GroupId group = GroupId.of(g.getKey());
        groups.add(group);
        left.add(leaveRoom(group, socket).compose(wasIn -> forgetStale(index, g.getValue()).map(wasIn)));
      }
      return Future.all(left).map(v -> {
        List<GroupId> out = new ArrayList<>();
        for (int i = 0; i < groups.size(); i++) {
          if (left.get(i).result()) {
            out.add(groups.get(i));
          }
        }
        return out;
      });
    });
  }

  /** Drops stale candidates; a fresh one may belong to a join still in flight, so it stays. */
  private Future<Void> forgetStale(String index, List<IndexEntry> entries) {
    long now = System.currentTimeMillis();
    List<Request> forget = new ArrayList<>();
    for (IndexEntry e : entries) {
      if (e.staleAt(now)) {
        forget.add(RedisCommands.indexDelete(index, e.field()));
      }
    }
    return RedisCommands.bestEffort(redis.batch(forget), "group removeSocket");
  }
}
