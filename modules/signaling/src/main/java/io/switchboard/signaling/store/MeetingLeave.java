package io.switchboard.signaling.store;

import java.util.List;

/** A participant removed from a meeting, and who remained at that moment (to be told). */
public record MeetingLeave(Participant removed, List<Participant> remaining) {
  public MeetingLeave {
    remaining = List.copyOf(remaining);
  }
}
