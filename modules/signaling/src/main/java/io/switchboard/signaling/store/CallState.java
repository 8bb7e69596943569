package io.switchboard.signaling.store;

/** ringing -> connected -> (removed when ended). An ended call is not kept. */
public enum CallState {
  /** Placed and not yet answered: the callee's devices ring; a 1:1 call times out. */
  RINGING,
  /** Accepted (seeds 002/003) or answered (seed 004): the callee is busy for other callers. */
  CONNECTED
}
