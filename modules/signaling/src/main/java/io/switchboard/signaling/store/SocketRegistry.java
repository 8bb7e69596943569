package io.switchboard.signaling.store;

import io.switchboard.signaling.ids.NodeId;
import io.switchboard.signaling.ids.SocketId;
import io.switchboard.signaling.ids.SocketRef;
import io.vertx.core.Future;
import java.util.List;

/**
 * Which sockets each node holds. A node adds a socket when it connects and removes it once the
 * socket's cleanup is done; when a node dies, a survivor reads its sockets here and cleans each
 * one up as if it had disconnected. Same threading and failure rules as {@link MeetingStore}.
 */
public interface SocketRegistry {

  /** Records that {@code socket.node()} holds {@code socket} (idempotent). */
  Future<Void> add(SocketRef socket);

  /** Forgets the socket; false when it was not recorded. */
  Future<Boolean> remove(SocketRef socket);

  /** The sockets a node holds, in no particular order (empty when none). */
  Future<List<SocketRef>> socketsOf(NodeId node);

  /** Whether the socket is recorded (for tests and diagnostics). */
  Future<Boolean> contains(SocketRef socket);

  /** Convenience: the ref of a socket id on a node. */
  static SocketRef ref(SocketId id, NodeId node) {
    return new SocketRef(id, node);
  }
}
