package io.switchboard.loadtest.sys;

import java.lang.management.CompilationMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;

/**
 * What the tool itself costs during a phase: its garbage collections and its CPU.
 *
 * <p>Latency is measured from the time a message was due, so a pause of the tool's JVM shows as
 * latency of whatever server is measured: a 10-20 ms young collection in a 10 s phase at 2000
 * msgs/s moves the p99 of a fast server by whole milliseconds. Scenarios therefore collect before
 * a measured phase, while no traffic flows ({@link #collect}), and report the collections that
 * still fell inside it ({@link #read}, {@link Reading#since}). With a fixed heap ({@code -Xms} =
 * {@code -Xmx}, as {@code scripts/loadtest.sh} runs the tool) the eden left after a collection
 * lasts well beyond a phase.
 *
 * <p>On a machine the tool shares with the servers, its CPU is taken from theirs. A fresh JVM's
 * JIT compiler is the largest part of it in a short phase: a two-second join phase at 1000
 * joins/s, on 2 cores, cost the tool more than one core with HotSpot's C2 compiler still at work,
 * against a fifth of one with the quick compiler only ({@code -XX:TieredStopAtLevel=1}, how
 * {@code scripts/loadtest.sh} runs the scenarios whose phases last seconds). The report shows both
 * figures, so a generator that crowds out the servers it measures is seen.
 */
public final class ToolCost {
  private ToolCost() {}

  /**
   * Totals so far: collections and the time they took, summed over this JVM's collectors; this
   * process's CPU in clock ticks (-1 when unknown: not Linux); the time its JIT compiler spent
   * compiling in milliseconds (-1 when the JVM does not say); and the time of the reading.
   */
  public record Reading(long count, long millis, long cpuTicks, long compilerMillis, long nanos) {
    /** What happened between {@code earlier} and this reading. */
    public Reading since(Reading earlier) {
      return new Reading(count - earlier.count, millis - earlier.millis, minus(cpuTicks, earlier.cpuTicks),
          minus(compilerMillis, earlier.compilerMillis), nanos - earlier.nanos);
    }

    /** Both together (several phases). */
    public Reading plus(Reading other) {
      return new Reading(count + other.count, millis + other.millis, add(cpuTicks, other.cpuTicks),
          add(compilerMillis, other.compilerMillis), nanos + other.nanos);
    }

    /** The tool's CPU in milliseconds, or -1 when unknown. */
    public double cpuMs() {
      return cpuTicks < 0 ? -1 : cpuTicks * 1000.0 / Machine.TICKS_PER_SECOND;
    }

    /** The part of it its JIT compiler spent compiling, in milliseconds, or -1 when unknown. */
    public double compilerCpuMs() {
      return compilerMillis;
    }

    /** Cores the tool kept busy on average over the time covered, or -1 when unknown. */
    public double cores() {
      return cpuTicks < 0 || nanos <= 0 ? -1 : cpuMs() * 1e6 / nanos;
    }

    private static long minus(long a, long b) {
      return a < 0 || b < 0 ? -1 : a - b;
    }

    private static long add(long a, long b) {
      return a < 0 || b < 0 ? -1 : a + b;
    }
  }

  /** An empty reading: what {@link Reading#plus} starts from. */
  public static Reading none() {
    return new Reading(0, 0, 0, 0, 0);
  }

  public static Reading read() {
    long count = 0;
    long millis = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      // -1: the collector does not say.
      count += Math.max(0, gc.getCollectionCount());
      millis += Math.max(0, gc.getCollectionTime());
    }
    long cpu = Machine.cpuTicks(ProcessHandle.current().pid());
    // The JVM's own total, not its compiler threads' CPU from /proc (Machine.compilerTicks): it
    // keeps the time of compiler threads the JVM retired while idle, which /proc loses, and the
    // quick compiler alone runs on 2 threads, one of which is retired between phases.
    CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    long compiler = jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : -1;
    return new Reading(count, millis, cpu, compiler, System.nanoTime());
  }

  /**
   * A full collection of the tool's heap, now. Call it between phases, never while traffic is
   * measured: it stops the tool for tens of milliseconds.
   */
  public static void collect() {
    System.gc();
  }
}
