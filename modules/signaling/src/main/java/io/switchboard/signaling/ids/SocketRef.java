package io.switchboard.signaling.ids;

import java.util.Objects;

/** Where a socket lives: its id and the node that holds its connection. */
public record SocketRef(SocketId id, NodeId node) {
  public SocketRef {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(node, "node");
  }
}
