package io.switchboard.signaling.store.memory;

import io.switchboard.signaling.ids.SocketId;
import io.switchboard.signaling.ids.SocketRef;
import io.switchboard.signaling.ids.UserId;
import io.switchboard.signaling.store.PresenceStore;
import io.vertx.core.Future;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** User-to-socket mappings in this process's memory; one lock, held for microseconds. */
public final class InMemoryPresenceStore implements PresenceStore {
  private final Map<UserId, LinkedHashMap<SocketId, SocketRef>> byUser = new HashMap<>();
  private final Map<SocketId, UserId> bySocket = new HashMap<>();

  @Override
  public synchronized Future<UserId> register(UserId user, SocketRef socket) {
    UserId previous = bySocket.put(socket.id(), user);
    if (previous != null && !previous.equals(user)) {
      dropLocked(previous, socket.id());
    }
    byUser.computeIfAbsent(user, k -> new LinkedHashMap<>()).put(socket.id(), socket);
    return Future.succeededFuture(previous);
  }

  @Override
  public synchronized Future<Boolean> unregister(UserId user, SocketId socket) {
    if (!user.equals(bySocket.get(socket))) {
      return Future.succeededFuture(false);
    }
    bySocket.remove(socket);
    dropLocked(user, socket);
    return Future.succeededFuture(true);
  }

  private void dropLocked(UserId user, SocketId socket) {
    LinkedHashMap<SocketId, SocketRef> sockets = byUser.get(user);
    if (sockets != null) {
      sockets.remove(socket);
      if (sockets.isEmpty()) {
        byUser.remove(user);
      }
    }
  }

  @Override
  public synchronized Future<List<SocketRef>> sockets(UserId user) {
    LinkedHashMap<SocketId, SocketRef> sockets = byUser.get(user);
    return Future.succeededFuture(sockets == null ? List.of() : List.copyOf(sockets.values()));
  }

  @Override
  public synchronized Future<UserId> userOf(SocketId socket) {
    return Future.succeededFuture(bySocket.get(socket));
  }

  @Override
  public synchronized Future<UserId> removeSocket(SocketId socket) {
    UserId user = bySocket.remove(socket);
    if (user != null) {
      dropLocked(user, socket);
    }
    return Future.succeededFuture(user);
  }
}
