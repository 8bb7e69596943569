package io.switchboard.redis;

import io.switchboard.signaling.ids.NodeId;
import io.switchboard.signaling.ids.SocketId;
import io.switchboard.signaling.ids.SocketRef;
import io.switchboard.signaling.store.SocketRegistry;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;

/** Sockets per node in a Redis set ({@link RedisKeys#nodeSockets}). */
final class RedisSocketRegistry implements SocketRegistry {
  private final RedisCommands commands;
  private final RedisKeys keys;

  RedisSocketRegistry(RedisCommands commands, RedisKeys keys) {
    this.commands = commands;
    this.keys = keys;
  }

  @Override
  public Future<Void> add(SocketRef socket) {
    return commands.send(Request.cmd(Command.SADD).arg(keys.nodeSockets(socket.node())).arg(socket.id().value())).mapEmpty();
  }

  @Override
  public Future<Boolean> remove(SocketRef socket) {
    return commands.send(Request.cmd(Command.SREM).arg(keys.nodeSockets(socket.node())).arg(socket.id().value()))
        .map(r -> r.toInteger() == 1);
  }

  @Override
  public Future<List<SocketRef>> socketsOf(NodeId node) {
    return commands.send(Request.cmd(Command.SMEMBERS).arg(keys.nodeSockets(node))).map(r -> {
      List<SocketRef> refs = new ArrayList<>(r == null ? 0 : r.size());
      if (r != null) {
        for (Response id : r) {
          refs.add(new SocketRef(SocketId.of(id.toString()), node));
        }
      }
      return refs;
    });
  }

  @Override
  public Future<Boolean> contains(SocketRef socket) {
    return commands.send(Request.cmd(Command.SISMEMBER).arg(keys.nodeSockets(socket.node())).arg(socket.id().value()))
        .map(r -> r.toInteger() == 1);
  }
}
