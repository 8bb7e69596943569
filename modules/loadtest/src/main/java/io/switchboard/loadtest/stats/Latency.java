package io.switchboard.loadtest.stats;

import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
import org.HdrHistogram.Recorder;

/**
 * A latency distribution recorded from any thread, in microseconds (1 µs to 10 minutes, 3
 * significant digits). Values over the range are clamped to it and counted. Keeps the whole run
 * and, for the live progress line, the interval since the last {@link #interval()}.
 */
public final class Latency {
  public static final long MAX_US = 600_000_000L;

  private final String name;
  private final Recorder recorder = new Recorder(MAX_US, 3);
  private final Histogram total = new Histogram(MAX_US, 3);
  private final Object lock = new Object();
  private Histogram intervalScratch;
  private Summary lastInterval = Summary.EMPTY;

  public Latency(String name) {
    this.name = name;
  }

  public String name() {
    return name;
  }

  /** Records one value in microseconds (negative values count as 0). */
  public void recordMicros(long us) {
    recorder.recordValue(Math.min(Math.max(us, 0), MAX_US));
  }

  /** Records one value from two {@link System#nanoTime()} readings. */
  public void recordNanos(long startNs, long endNs) {
    recordMicros((endNs - startNs) / 1_000);
  }

  /** Moves what was recorded since the last call into the total; returns that interval's summary. */
  public Summary interval() {
    synchronized (lock) {
      intervalScratch = recorder.getIntervalHistogram(intervalScratch);
      total.add(intervalScratch);
      lastInterval = Summary.of(intervalScratch);
      return lastInterval;
    }
  }

  /** The last interval's summary (no new snapshot). */
  public Summary lastInterval() {
    synchronized (lock) {
      return lastInterval;
    }
  }

  /** Everything recorded so far. */
  public Summary summary() {
    synchronized (lock) {
      drain();
      return Summary.of(total);
    }
  }

  /** A copy of everything recorded so far. */
  public Histogram histogram() {
    synchronized (lock) {
      drain();
      return total.copy();
    }
  }

  private void drain() {
    intervalScratch = recorder.getIntervalHistogram(intervalScratch);
    total.add(intervalScratch);
  }

  /** Forgets everything (the warm-up, a finished ramp step). */
  public void reset() {
    synchronized (lock) {
      intervalScratch = recorder.getIntervalHistogram(intervalScratch);
      total.reset();
      lastInterval = Summary.EMPTY;
    }
  }

  /**
   * The percentile spectrum of a histogram for plotting: (percentile, milliseconds) points,
   * denser towards the tail. The maximum is placed at the "1 in n" percentile, 100 (1 - 1/n), the
   * highest the samples can tell apart.
   */
  public static List<double[]> spectrum(Histogram h) {
    List<double[]> points = new ArrayList<>();
    long n = h.getTotalCount();
    if (n == 0) {
      return points;
    }
    double top = n > 1 ? 100.0 * (1.0 - 1.0 / n) : 0;
    for (HistogramIterationValue v : h.percentiles(5)) {
      double p = v.getPercentileLevelIteratedTo();
      double ms = h.highestEquivalentValue(v.getValueIteratedTo()) / 1000.0;
      if (p >= top) {
        points.add(new double[] {top, h.highestEquivalentValue(h.getMaxValue()) / 1000.0});
        break;
      }
      points.add(new double[] {p, ms});
    }
    return points;
  }

  /**
   * Percentiles in milliseconds.
   *
   * @param count values recorded
   */
  public record Summary(long count, double min, double mean, double p50, double p90, double p95, double p99,
      double p999, double max) {
    public static final Summary EMPTY = new Summary(0, 0, 0, 0, 0, 0, 0, 0, 0);

    public static Summary of(Histogram h) {
      if (h.getTotalCount() == 0) {
        return EMPTY;
      }
      return new Summary(h.getTotalCount(), ms(h.getMinValue()), h.getMean() / 1000.0,
          ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(90)), ms(h.getValueAtPercentile(95)),
          ms(h.getValueAtPercentile(99)), ms(h.getValueAtPercentile(99.9)), ms(h.getMaxValue()));
    }

    private static double ms(long us) {
      return us / 1000.0;
    }
  }
}
