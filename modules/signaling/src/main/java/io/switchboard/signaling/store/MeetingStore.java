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

  /** The meeting, or null. */
  Future<Meeting> get(MeetingId id);

  /**
   * Atomically adds {@code candidate} to the meeting. The meeting must exist ({@code not_found},
   * "Meeting not found") and be live ({@code meeting_ended}). A socket that is already a
   * participant gets its existing participant back ({@code alreadyJoined}), counted once.
   * Otherwise a meeting holding {@code maxParticipants} fails {@code meeting_full}.
   */
  Future<MeetingJoin> join(MeetingId id, Participant candidate);

  /**
   * A join without a password, in one step where the store can (a join's common case). First,
   * when no meeting has the id and {@code ifAbsent} is given, stores {@code ifAbsent} (null: the
   * meeting must exist; concurrent calls store one meeting, which they all join). Then refuses as {@link #join}
   * does ({@code not_found}, {@code meeting_ended}, in that order); a live meeting that asks a
   * password is not joined: the outcome names it ({@link OpenJoin#passwordRequired}) and nothing
   * else changed, for the caller to check the password and call {@link #join}. Otherwise joins
   * {@code candidate} as {@link #join} does ({@code meeting_full}, or already joined).
   */
  Future<OpenJoin> joinIfOpen(MeetingId id, Participant candidate, Meeting ifAbsent);

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
