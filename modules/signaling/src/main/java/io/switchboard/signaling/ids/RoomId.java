package io.switchboard.signaling.ids;

import java.util.Objects;

/** A mesh relay room (seed 000). */
public record RoomId(String value) implements Comparable<RoomId> {
  public RoomId {
    Objects.requireNonNull(value, "RoomId");
    if (value.isEmpty()) {
      throw new IllegalArgumentException("RoomId must not be empty");
    }
  }

  public static RoomId of(String value) {
    return new RoomId(value);
  }

  @Override
  public int compareTo(RoomId o) {
    return value.compareTo(o.value);
  }

  @Override
  public String toString() {
    return value;
  }
}
