package io.switchboard.signaling.ids;

import java.util.Objects;

/** One socket's presence in one meeting; new on every join, never reused. */
public record ParticipantId(String value) implements Comparable<ParticipantId> {
  public ParticipantId {
    Objects.requireNonNull(value, "ParticipantId");
    if (value.isEmpty()) {
      throw new IllegalArgumentException("ParticipantId must not be empty");
    }
  }

  public static ParticipantId of(String value) {
    return new ParticipantId(value);
  }

  @Override
  public int compareTo(ParticipantId o) {
    return value.compareTo(o.value);
  }

  @Override
  public String toString() {
    return value;
  }
}
