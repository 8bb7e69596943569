package io.switchboard.signaling.ids;

import java.util.Objects;

/** A Socket.IO socket id: one connection in one namespace. Seed 000 uses it as the peer id. */
public record SocketId(String value) implements Comparable<SocketId> {
  public SocketId {
    Objects.requireNonNull(value, "SocketId");
    if (value.isEmpty()) {
      throw new IllegalArgumentException("SocketId must not be empty");
    }
  }

  public static SocketId of(String value) {
    return new SocketId(value);
  }

  @Override
  public int compareTo(SocketId o) {
    return value.compareTo(o.value);
  }

  @Override
  public String toString() {
    return value;
  }
}
