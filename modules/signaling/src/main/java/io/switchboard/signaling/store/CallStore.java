package io.switchboard.signaling.store;

import io.switchboard.signaling.ids.CallId;
import io.switchboard.signaling.ids.SocketRef;
import io.switchboard.signaling.ids.UserId;
import io.vertx.core.Future;
import java.util.List;

/**
 * Calls and their states: ringing -> connected -> removed. Every state change is atomic, so two
 * devices (or nodes) racing on one call see exactly one winner: of an {@code connect} and an
 * {@code endIfRinging} on the same ringing call, one returns the call and the other null.
 * Same threading and failure rules as {@link MeetingStore}: safe from any thread, never blocks,
 * "absent" is {@code null}, domain refusals fail with a
 * {@link io.switchboard.signaling.SignalingException}, an unreachable backend with {@code unavailable}.
 */
public interface CallStore {

  /**
   * Atomically stores a new call as given (ringing). Fails {@code busy} ("User is busy") when the
   * callee is in a connected call (as caller or callee), {@code conflict} when the id exists;
   * either way nothing is stored. Group calls (no callee) are never busy.
   */
  Future<Call> ring(Call call);

  /** The call, or null. */
  Future<Call> get(CallId id);

  /**
   * The call, to check a relay ({@code ice-candidate}) against: {@link #get} or, in a cluster, a
   * node-local copy of a connected call that its end invalidates on every node. Decisions that
   * change the call use {@link #get} and the atomic operations.
   */
  default Future<Call> getToRelay(CallId id) {
    return get(id);
  }

  /**
   * Atomically moves a ringing call to connected, recording the socket that answered; returns the
   * connected call, or null (and changes nothing) when the call is absent or already connected.
   */
  Future<Call> connect(CallId id, SocketRef answeredBy);

  /**
   * Atomically removes the call if it is still ringing (rejected, timed out); returns it as it was,
   * or null (and changes nothing) when it is absent or connected.
   */
  Future<Call> endIfRinging(CallId id);

  /** Removes the call in any state (ended, hung up); returns it as it was, or null when there was none. */
  Future<Call> end(CallId id);

  /**
   * The calls the user is in, as caller or callee (group calls: as caller only), in no particular
   * order; ended calls are gone from it.
   */
  Future<List<Call>> callsOf(UserId user);

  /** Whether the user is in a connected call, as caller or callee. */
  Future<Boolean> isBusy(UserId user);
}
