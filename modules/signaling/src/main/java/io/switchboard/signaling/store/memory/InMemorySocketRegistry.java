package io.switchboard.signaling.store.memory;

import io.switchboard.signaling.ids.NodeId;
import io.switchboard.signaling.ids.SocketRef;
import io.switchboard.signaling.store.SocketRegistry;
import io.vertx.core.Future;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Sockets per node in this process's memory; one lock, held for microseconds. */
public final class InMemorySocketRegistry implements SocketRegistry {
  private final Map<NodeId, Set<SocketRef>> byNode = new HashMap<>();

  @Override
  public synchronized Future<Void> add(SocketRef socket) {
    byNode.computeIfAbsent(socket.node(), k -> new LinkedHashSet<>()).add(socket);
    return Future.succeededFuture();
  }

  @Override
  public synchronized Future<Boolean> remove(SocketRef socket) {
    Set<SocketRef> sockets = byNode.get(socket.node());
    boolean removed = sockets != null && sockets.remove(socket);
    if (sockets != null && sockets.isEmpty()) {
      byNode.remove(socket.node());
    }
    return Future.succeededFuture(removed);
  }

  @Override
  public synchronized Future<List<SocketRef>> socketsOf(NodeId node) {
    return Future.succeededFuture(List.copyOf(byNode.getOrDefault(node, Set.of())));
  }

  @Override
  public synchronized Future<Boolean> contains(SocketRef socket) {
    return Future.succeededFuture(byNode.getOrDefault(socket.node(), Set.of()).contains(socket));
  }
}
