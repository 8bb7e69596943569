package io.switchboard.signaling.ids;

import java.util.Objects;

/** One Switchboard node (process). A single node has one too. */
public record NodeId(String value) implements Comparable<NodeId> {
  public NodeId {
    Objects.requireNonNull(value, "NodeId");
    if (value.isEmpty()) {
      throw new IllegalArgumentException("NodeId must not be empty");
    }
  }

  public static NodeId of(String value) {
    return new NodeId(value);
  }

  @Override
  public int compareTo(NodeId o) {
    return value.compareTo(o.value);
  }

  @Override
  public String toString() {
    return value;
  }
}
