package io.switchboard.signaling.ids;

import java.util.Objects;

/** A person: from the verified token's sub, or what an open-mode client declares. */
public record UserId(String value) implements Comparable<UserId> {
  public UserId {
    Objects.requireNonNull(value, "UserId");
    if (value.isEmpty()) {
      throw new IllegalArgumentException("UserId must not be empty");
    }
  }

  public static UserId of(String value) {
    return new UserId(value);
  }

  @Override
  public int compareTo(UserId o) {
    return value.compareTo(o.value);
  }

  @Override
  public String toString() {
    return value;
  }
}
