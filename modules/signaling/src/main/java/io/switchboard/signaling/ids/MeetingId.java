package io.switchboard.signaling.ids;

import java.util.Objects;

/** A meeting (seed 001). Its id doubles as the id of the meeting's relay room. */
public record MeetingId(String value) implements Comparable<MeetingId> {
  public MeetingId {
    Objects.requireNonNull(value, "MeetingId");
    if (value.isEmpty()) {
      throw new IllegalArgumentException("MeetingId must not be empty");
    }
  }

  public static MeetingId of(String value) {
    return new MeetingId(value);
  }

  @Override
  public int compareTo(MeetingId o) {
    return value.compareTo(o.value);
  }

  @Override
  public String toString() {
    return value;
  }
}
