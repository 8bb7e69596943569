package io.switchboard.server.binding;

/**
 * A token bucket: {@code capacity} events at once, refilled at {@code perSecond}. Used per socket,
 * on its context only (not thread-safe).
 */
final class TokenBucket {
  private final double capacity;
  private final double perNano;
  private double tokens;
  private long last;

  TokenBucket(int capacity, double perSecond, long nowNanos) {
    this.capacity = capacity;
    this.perNano = perSecond / 1_000_000_000d;
    this.tokens = capacity;
    this.last = nowNanos;
  }

  boolean tryTake(long nowNanos) {
    long elapsed = nowNanos - last;
    if (elapsed > 0) {
      tokens = Math.min(capacity, tokens + elapsed * perNano);
      last = nowNanos;
    }
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    return false;
  }
}
