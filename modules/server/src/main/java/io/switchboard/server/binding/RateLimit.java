package io.switchboard.server.binding;

/**
 * The per-socket event rate limit.
 *
 * @param burst events a socket may send at once
 * @param perSecond sustained events per second
 * @param maxQueued events of one socket waiting for the previous one to finish; beyond, refused
 */
public record RateLimit(int burst, double perSecond, int maxQueued) {
  public static RateLimit defaults() {
    return new RateLimit(200, 100, 256);
  }

  public RateLimit {
    if (burst < 1 || perSecond <= 0 || maxQueued < 1) {
      throw new IllegalArgumentException("rate limit settings must be positive");
    }
  }
}
