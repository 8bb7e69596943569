package io.switchboard.signaling.store;

import io.switchboard.signaling.ids.MeetingId;
import io.switchboard.signaling.ids.ParticipantId;
import io.switchboard.signaling.ids.SocketId;
import io.vertx.core.Future;
import java.util.List;

/**
 * Meetings and their participants. Every method is safe from any thread and never blocks; the
 * returned future completes on an unspecified thread. "Absent" results are {@code null}. Domain
 * refusals fail the future with a {@link io.switchboard.signaling.SignalingException}; an
 * unreachable backend fails it with code {@code unavailable}.
 */
public interface MeetingStore {

  /** Stores a new meeting. Fails {@code conflict} when the id exists. */
  Future<Meeting> create(Meeting meeting);

  /** Stores the meeting unless one with its id exists; returns the stored one either way. */
  Future<Meeting> createIfAbsent(Meeting meeting);

  /** The meeting, or null. */
  Future<Meeting> get(MeetingId id);

  /**
   * The meeting, to decide a join against (its password, whether to create it): {@link #get} or,
   * in a cluster, a node-local copy of a live meeting that its end invalidates on every node. The
   * join itself checks the meeting's status atomically, so a copy that lags an end cannot let
   * anyone into an ended meeting.
   */
  default Future<Meeting> getForJoin(MeetingId id) {
    return get(id);
  }

  /**
   * Atomically adds {@code candidate} to the meeting. The meeting must exist ({@code not_found},
   * "Meeting not found") and be live ({@code meeting_ended}). A socket that is already a
   * participant gets its existing participant back ({@code alreadyJoined}), counted once.
   * Otherwise a meeting holding {@code maxParticipants} fails {@code meeting_full}.
   */
  Future<MeetingJoin> join(MeetingId id, Participant candidate);

  /** Removes the participant of {@code socket} and reports who remained; null when it was not in. */
  Future<MeetingLeave> leave(MeetingId id, SocketId socket);

  /** Removes a participant by id (kick) and reports who remained; null when there is none. */
  Future<MeetingLeave> remove(MeetingId id, ParticipantId participant);

  /** The participants, in join order (empty when the meeting has none or does not exist). */
  Future<List<Participant>> participants(MeetingId id);

  /** The participant of {@code socket}, or null. */
  Future<Participant> participant(MeetingId id, SocketId socket);

  /** Merges a media change into the participant of {@code socket}; returns it updated, or null. */
  Future<Participant> updateMedia(MeetingId id, SocketId socket, MediaPatch patch);

  /** Marks the meeting ended and removes every participant, atomically; null when not found. */
  Future<MeetingEnd> end(MeetingId id);

  /** Removes every participation of {@code socket} (it disconnected); one leave per meeting. */
  Future<List<MeetingLeave>> removeSocket(SocketId socket);
}
