package io.switchboard.signaling.store;

import io.switchboard.signaling.ids.RoomId;
import java.util.List;

/** A socket removed from a room, and who remained at that moment (to be told). */
public record RoomLeave(RoomId room, RoomMember removed, List<RoomMember> remaining) {
  public RoomLeave {
    remaining = List.copyOf(remaining);
  }
}
