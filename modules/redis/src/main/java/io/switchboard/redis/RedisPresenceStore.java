package io.switchboard.redis;

import static io.switchboard.redis.RedisCodec.str;

import io.switchboard.redis.RedisCodec.IndexEntry;
import io.switchboard.redis.RedisCodec.SocketOwner;
import io.switchboard.signaling.ids.SocketId;
import io.switchboard.signaling.ids.SocketRef;
import io.switchboard.signaling.ids.UserId;
import io.switchboard.signaling.store.PresenceStore;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;

/**
 * User-to-socket mappings in Redis. The authority is the socket's own key ({@link
 * RedisKeys#socketUser}): registering is one atomic swap there (SET ... GET), so a socket belongs
 * to one user however many registrations race. A user's sockets are an index in the user's slot,
 * kept a superset and checked against each socket's key when read (see {@link RedisKeys}).
 */
public final class RedisPresenceStore implements PresenceStore {
  private final RedisCommands redis;
  private final RedisKeys keys;

  RedisPresenceStore(RedisCommands redis, RedisKeys keys) {
    this.redis = redis;
    this.keys = keys;
  }

  @Override
  public Future<UserId> register(UserId user, SocketRef socket) {
    String token = RedisCodec.token();
    return redis.send(RedisCommands.indexPut(keys.userSockets(user), RedisCodec.indexField(socket.id().value(), token)))
        .compose(v -> redis.send(Request.cmd(Command.SET).arg(keys.socketUser(socket.id()))
            .arg(RedisCodec.socketOwner(user, token, socket.node())).arg("GET")))
        .compose(r -> {
          SocketOwner previous = RedisCodec.socketOwner(str(r));
          if (previous == null) {
            return Future.succeededFuture(null);
          }
          return unindex(previous, socket.id()).map(previous.user());
        });
  }

  /** Drops the index entry of a registration that is over (after it was replaced or removed). */
  private Future<Void> unindex(SocketOwner owner, SocketId socket) {
    return RedisCommands.bestEffort(redis.send(RedisCommands.indexDelete(keys.userSockets(owner.user()),
        RedisCodec.indexField(socket.value(), owner.token()))), "presence");
  }

  @Override
  public Future<Boolean> unregister(UserId user, SocketId socket) {
    return redis.eval(RedisScripts.PRESENCE_UNREGISTER, List.of(keys.socketUser(socket)), user.value()).compose(r -> {
      SocketOwner removed = RedisCodec.socketOwner(str(r));
      if (removed == null) {
        return Future.succeededFuture(false);
      }
      return unindex(removed, socket).map(true);
    });
  }

  @Override
  public Future<List<SocketRef>> sockets(UserId user) {
    String index = keys.userSockets(user);
    return redis.send(Request.cmd(Command.HGETALL).arg(index)).compose(r -> {
      List<IndexEntry> entries = RedisCodec.indexEntries(r);
      if (entries.isEmpty()) {
        return Future.succeededFuture(List.of());
      }
      List<Request> owners = new ArrayList<>(entries.size());
      for (IndexEntry e : entries) {
        owners.add(Request.cmd(Command.GET).arg(keys.socketUser(SocketId.of(e.id()))));
      }
      return redis.batch(owners).compose(replies -> {
        long now = System.currentTimeMillis();
        List<SocketRef> out = new ArrayList<>();
        List<Request> stale = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
          IndexEntry e = entries.get(i);
          SocketOwner owner = RedisCodec.socketOwner(str(replies.get(i)));
          if (owner != null && owner.token().equals(e.token()) && owner.user().equals(user)) {
            out.add(new SocketRef(SocketId.of(e.id()), owner.node()));
          } else if (e.staleAt(now)) {
            stale.add(RedisCommands.indexDelete(index, e.field()));
          }
        }
        return RedisCommands.bestEffort(redis.batch(stale), "presence stale").map(out);
      });
    });
  }

  @Override
  public Future<UserId> userOf(SocketId socket) {
    return redis.send(Request.cmd(Command.GET).arg(keys.socketUser(socket))).map(r -> {
      SocketOwner owner = RedisCodec.socketOwner(str(r));
      return owner == null ? null : owner.user();
    });
  }

  @Override
  public Future<UserId> removeSocket(SocketId socket) {
    return redis.send(Request.cmd(Command.GETDEL).arg(keys.socketUser(socket))).compose((Response r) -> {
      SocketOwner removed = RedisCodec.socketOwner(str(r));
      if (removed == null) {
        return Future.succeededFuture(null);
      }
      return unindex(removed, socket).map(removed.user());
    });
  }
}
