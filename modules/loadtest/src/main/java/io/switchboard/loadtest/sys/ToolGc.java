package io.switchboard.loadtest.sys;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;

/**
 * The tool's own garbage collection. Latency is measured from the time a message was due, so a
 * pause of the tool's JVM shows as latency of whatever server is measured: a 10-20 ms young
 * collection in a 10 s phase at 2000 msgs/s moves the p99 of a fast server by whole milliseconds.
 * Scenarios therefore collect before a measured phase, while no traffic flows ({@link #collect}),
 * and report the collections that still fell inside it ({@link #read}, {@link Reading#since}).
 * With a fixed heap ({@code -Xms} = {@code -Xmx}, as {@code scripts/loadtest.sh} runs the tool) the
 * eden left after a collection lasts well beyond a phase.
 */
public final class ToolGc {
  private ToolGc() {}

  /** Collections so far and the time they took, summed over this JVM's collectors. */
  public record Reading(long count, long millis) {
    /** What happened between {@code earlier} and this reading. */
    public Reading since(Reading earlier) {
      return new Reading(count - earlier.count, millis - earlier.millis);
    }

    /** Both together (the collections of several phases). */
    public Reading plus(Reading other) {
      return new Reading(count + other.count, millis + other.millis);
    }
  }

  public static Reading read() {
    long count = 0;
    long millis = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      // -1: the collector does not say.
      count += Math.max(0, gc.getCollectionCount());
      millis += Math.max(0, gc.getCollectionTime());
    }
    return new Reading(count, millis);
  }

  /**
   * A full collection of the tool's heap, now. Call it between phases, never while traffic is
   * measured: it stops the tool for tens of milliseconds.
   */
  public static void collect() {
    System.gc();
  }
}
