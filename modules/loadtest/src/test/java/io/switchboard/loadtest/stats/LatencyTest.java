package io.switchboard.loadtest.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class LatencyTest {
  @Test
  void percentilesInMilliseconds() {
    Latency l = new Latency("t");
    for (int i = 1; i <= 1000; i++) {
      l.recordMicros(i * 1000L); // 1..1000 ms
    }
    Latency.Summary s = l.summary();
    assertEquals(1000, s.count());
    assertEquals(1.0, s.min(), 0.01);
    assertEquals(500, s.p50(), 1);
    assertEquals(990, s.p99(), 1.5);
    assertEquals(1000, s.max(), 1);
    assertEquals(500.5, s.mean(), 1);
  }

  @Test
  void clampsOutOfRangeValues() {
    Latency l = new Latency("t");
    l.recordMicros(-5);
    l.recordMicros(Long.MAX_VALUE);
    Latency.Summary s = l.summary();
    assertEquals(2, s.count());
    assertEquals(0, s.min(), 0.001);
    assertEquals(Latency.MAX_US / 1000.0, s.max(), Latency.MAX_US / 1000.0 * 0.001);
  }

  @Test
  void intervalsAddUpToTheTotal() {
    Latency l = new Latency("t");
    l.recordMicros(1000);
    l.recordMicros(2000);
    assertEquals(2, l.interval().count());
    l.recordMicros(3000);
    assertEquals(1, l.interval().count());
    assertEquals(1, l.lastInterval().count());
    assertEquals(0, l.interval().count());
    assertEquals(3, l.summary().count());
    l.reset();
    assertEquals(0, l.summary().count());
  }

  @Test
  void recordsFromManyThreads() throws Exception {
    Latency l = new Latency("t");
    int threads = 4;
    CountDownLatch done = new CountDownLatch(threads);
    for (int t = 0; t < threads; t++) {
      new Thread(() -> {
        for (int i = 0; i < 10_000; i++) {
          l.recordNanos(0, 1_000_000);
        }
        done.countDown();
      }).start();
    }
    done.await();
    assertEquals(40_000, l.summary().count());
    assertEquals(1.0, l.summary().p99(), 0.01);
  }

  @Test
  void spectrumRisesToTheMaximum() {
    Histogram h = new Histogram(Latency.MAX_US, 3);
    for (int i = 1; i <= 10_000; i++) {
      h.recordValue(i);
    }
    List<double[]> sp = Latency.spectrum(h);
    assertTrue(sp.size() > 10);
    double prevP = -1;
    double prevV = -1;
    for (double[] p : sp) {
      assertTrue(p[0] >= prevP);
      assertTrue(p[1] >= prevV);
      prevP = p[0];
      prevV = p[1];
    }
    assertEquals(99.99, sp.get(sp.size() - 1)[0], 1e-9); // "1 in n" for n = 10000
    assertEquals(10.0, sp.get(sp.size() - 1)[1], 0.02);
    assertTrue(Latency.spectrum(new Histogram(Latency.MAX_US, 3)).isEmpty());
  }
}
