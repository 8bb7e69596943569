package io.switchboard.signaling.store;

import java.util.List;

/** The outcome of ending a meeting: the ended meeting and the participants it removed. */
public record MeetingEnd(Meeting meeting, List<Participant> removed) {
  public MeetingEnd {
    removed = List.copyOf(removed);
  }
}
