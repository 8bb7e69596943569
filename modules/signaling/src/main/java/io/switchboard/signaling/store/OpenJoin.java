package io.switchboard.signaling.store;

/**
 * The outcome of {@link MeetingStore#joinIfOpen}: the join, or the meeting that asks a password
 * (then nothing was joined). Exactly one of the two is set.
 *
 * @param joined the join, as {@link MeetingStore#join} reports it
 * @param passwordRequired the meeting, live, whose password the caller checks before it joins
 */
public record OpenJoin(MeetingJoin joined, Meeting passwordRequired) {
  public OpenJoin {
    if ((joined == null) == (passwordRequired == null)) {
      throw new IllegalArgumentException("exactly one of joined and passwordRequired");
    }
  }

  public static OpenJoin of(MeetingJoin joined) {
    return new OpenJoin(joined, null);
  }

  public static OpenJoin passwordRequired(Meeting meeting) {
    return new OpenJoin(null, meeting);
  }
}
