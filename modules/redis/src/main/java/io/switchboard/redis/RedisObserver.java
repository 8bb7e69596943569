package io.switchboard.redis;

/**
 * Told about every Redis round trip the stores make, for metrics. The stores know nothing of any
 * metrics library: the server implements this. Called on whatever thread completes the command
 * (usually an event loop): implementations must be cheap and never block.
 */
@FunctionalInterface
public interface RedisObserver {
  /** How a round trip ended. */
  enum Outcome {
    /** Redis answered. */
    OK,
    /** Redis answered with an error that is not about availability (a bug or a misuse). */
    ERROR,
    /** Redis could not be reached in time (refused, closed, deadline passed, pool full, or a "not now" reply). */
    UNAVAILABLE
  }

  /**
   * One round trip finished.
   *
   * @param operation what was sent: a command name as the Redis client spells it ({@code get},
   *     {@code ping}), a script's name ({@code script:join}), {@code pipeline}, or {@code script}
   *     (loading the scripts); a small fixed set, fit for a metric tag
   * @param nanos how long it took, deadline included
   * @param outcome how it ended
   */
  void completed(String operation, long nanos, Outcome outcome);

  /** Observes nothing. */
  RedisObserver NONE = (operation, nanos, outcome) -> { };
}
