package io.switchboard.signaling.ids;

import java.util.Objects;

/** One call, 1:1 or group. */
public record CallId(String value) implements Comparable<CallId> {
  public CallId {
    Objects.requireNonNull(value, "CallId");
    if (value.isEmpty()) {
      throw new IllegalArgumentException("CallId must not be empty");
    }
  }

  public static CallId of(String value) {
    return new CallId(value);
  }

  @Override
  public int compareTo(CallId o) {
    return value.compareTo(o.value);
  }

  @Override
  public String toString() {
    return value;
  }
}
