package io.switchboard.signaling.store;

import io.switchboard.signaling.ids.MeetingId;
import io.switchboard.signaling.ids.ParticipantId;
import io.switchboard.signaling.ids.SocketRef;
import io.switchboard.signaling.ids.UserId;
import java.util.Objects;

/** One socket's presence in one meeting. */
public record Participant(
    ParticipantId id, MeetingId meeting, SocketRef socket, UserId user, String userName, MediaState media, long joinedAt) {

  public Participant {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(meeting, "meeting");
    Objects.requireNonNull(socket, "socket");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(userName, "userName");
    Objects.requireNonNull(media, "media");
  }

  public Participant withMedia(MediaState newMedia) {
    return new Participant(id, meeting, socket, user, userName, newMedia, joinedAt);
  }
}
