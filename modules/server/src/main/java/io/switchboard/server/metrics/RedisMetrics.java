package io.switchboard.server.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.switchboard.redis.RedisObserver;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Redis round trips: latency by command (or script) and failures by command and reason. The
 * Redis module reports through {@link RedisObserver} and knows nothing of Micrometer.
 */
final class RedisMetrics implements RedisObserver {
  private final MeterRegistry registry;
  /** Command and script names are the code's own; the cap only guards against a surprise. */
  private final BoundedNames operations = new BoundedNames(Set.of("ping"), 128);
  private final Map<String, Timer> timers = new ConcurrentHashMap<>();
  private final Map<String, Counter> failures = new ConcurrentHashMap<>();

  RedisMetrics(MeterRegistry registry) {
    this.registry = registry;
    // Present from the start, so a dashboard's rate() has a zero to start from.
    failure("ping", Outcome.UNAVAILABLE);
  }

  @Override
  public void completed(String operation, long nanos, Outcome outcome) {
    String op = operations.of(operation);
    Timer t = timers.get(op);
    if (t == null) {
      t = timers.computeIfAbsent(op, o -> Timer.builder("switchboard.redis.command.duration")
          .description("Redis round trips (command, script or pipeline), deadline included")
          .tag("command", o).serviceLevelObjectives(Buckets.LATENCY).register(registry));
    }
    t.record(nanos, TimeUnit.NANOSECONDS);
    if (outcome != Outcome.OK) {
      failure(op, outcome).increment();
    }
  }

  private Counter failure(String op, Outcome outcome) {
    String key = op + '\n' + outcome;
    Counter c = failures.get(key);
    if (c == null) {
      c = failures.computeIfAbsent(key, k -> Counter.builder("switchboard.redis.command.failures")
          .description("Redis round trips that failed: unavailable (unreachable, deadline passed) or error (an error reply)")
          .tag("command", op).tag("reason", outcome.name().toLowerCase(java.util.Locale.ROOT)).register(registry));
    }
    return c;
  }
}
