package io.switchboard.signaling.store;

import java.util.List;

/**
 * The outcome of an atomic room join.
 *
 * @param alreadyMember true when the socket was in the room already (nothing changed)
 * @param others the other members at the moment of the join, in join order
 */
public record RoomJoin(boolean alreadyMember, List<RoomMember> others) {
  public RoomJoin {
    others = List.copyOf(others);
  }
}
