package io.switchboard.signaling.store;

import io.switchboard.signaling.ids.SocketRef;
import java.util.Objects;

/** A socket in a mesh room (seed 000: the socket id is the peer's id). */
public record RoomMember(SocketRef socket, String userName, long joinedAt) {
  public RoomMember {
    Objects.requireNonNull(socket, "socket");
  }
}
