package io.switchboard.signaling.ids;

import java.util.Objects;

/** A group of users (seed 002): its members can be rung together. */
public record GroupId(String value) implements Comparable<GroupId> {
  public GroupId {
    Objects.requireNonNull(value, "GroupId");
    if (value.isEmpty()) {
      throw new IllegalArgumentException("GroupId must not be empty");
    }
  }

  public static GroupId of(String value) {
    return new GroupId(value);
  }

  @Override
  public int compareTo(GroupId o) {
    return value.compareTo(o.value);
  }

  @Override
  public String toString() {
    return value;
  }
}
