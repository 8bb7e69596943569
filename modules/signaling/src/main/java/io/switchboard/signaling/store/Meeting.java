package io.switchboard.signaling.store;

import io.switchboard.signaling.ids.MeetingId;
import io.switchboard.signaling.ids.UserId;
import java.util.Objects;

/**
 * A meeting as stored. {@code passwordHash} is a bcrypt hash (null: no password) and never
 * leaves the server.
 */
public record Meeting(
    MeetingId id, String name, MeetingStatus status, UserId creator, int maxParticipants, String passwordHash, long createdAt) {

  public Meeting {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(creator, "creator");
    if (maxParticipants < 1) {
      throw new IllegalArgumentException("maxParticipants must be positive");
    }
  }

  public boolean hasPassword() {
    return passwordHash != null;
  }

  public Meeting ended() {
    return new Meeting(id, name, MeetingStatus.ENDED, creator, maxParticipants, passwordHash, createdAt);
  }
}
