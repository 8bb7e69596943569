package io.switchboard.server.metrics;

import java.time.Duration;

/** Histogram buckets: a dozen fixed bounds per timer, not Micrometer's ~70 percentile buckets. */
final class Buckets {
  private Buckets() {}

  /** Handling times of signaling events, and Redis round trips: 0.5 ms to 5 s. */
  static final Duration[] LATENCY = {
    Duration.ofNanos(500_000), Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5),
    Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
    Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500),
    Duration.ofSeconds(5)
  };
}
