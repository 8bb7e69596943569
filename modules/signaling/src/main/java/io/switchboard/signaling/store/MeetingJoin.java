package io.switchboard.signaling.store;

import java.util.List;

/**
 * The outcome of an atomic join.
 *
 * @param meeting the meeting joined
 * @param self the participant of the joining socket (the existing one when it was already in)
 * @param alreadyJoined true when this socket was already a participant (nothing changed)
 * @param others everyone else in the meeting at the moment of the join, in join order
 */
public record MeetingJoin(Meeting meeting, Participant self, boolean alreadyJoined, List<Participant> others) {
  public MeetingJoin {
    others = List.copyOf(others);
  }
}
