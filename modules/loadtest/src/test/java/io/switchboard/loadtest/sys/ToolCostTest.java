package io.switchboard.loadtest.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ToolCostTest {
  @Test
  void aCollectionBetweenTwoReadingsIsCounted() {
    ToolCost.Reading before = ToolCost.read();
    ToolCost.collect();
    ToolCost.Reading during = ToolCost.read().since(before);
    assertTrue(during.count() >= 1, "collections counted: " + during);
    assertTrue(during.millis() >= 0, "time: " + during);
  }

  @Test
  void cpuSpentBetweenTwoReadingsIsCounted() {
    assumeTrue(Files.exists(Path.of("/proc/self/stat")), "Linux /proc");
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    ToolCost.Reading before = ToolCost.read();
    // 300 ms of this thread's own CPU (not of wall time, which a busy machine would stretch).
    long start = threads.getCurrentThreadCpuTime();
    long spin = 0;
    while (threads.getCurrentThreadCpuTime() - start < 300_000_000L) {
      spin += Long.numberOfTrailingZeros(spin + System.nanoTime());
    }
    ToolCost.Reading during = ToolCost.read().since(before);
    assertTrue(spin >= 0);
    // Clock ticks are 10 ms: at least 300 ms, less two ticks of rounding.
    assertTrue(during.cpuMs() >= 280, "CPU counted: " + during.cpuMs() + " ms");
    assertTrue(during.compilerCpuMs() >= 0 && during.compilerCpuMs() <= during.cpuMs(),
        "the compiler's part: " + during.compilerCpuMs() + " of " + during.cpuMs() + " ms");
    assertTrue(during.cores() > 0, "cores: " + during.cores());
  }

  @Test
  void sinceAndPlusWorkOnEveryFigure() {
    assertEquals(new ToolCost.Reading(2, 15, 30, 10, 1_000),
        new ToolCost.Reading(7, 40, 50, 12, 3_000).since(new ToolCost.Reading(5, 25, 20, 2, 2_000)));
    assertEquals(new ToolCost.Reading(12, 65, 70, 14, 5_000),
        new ToolCost.Reading(7, 40, 50, 12, 3_000).plus(new ToolCost.Reading(5, 25, 20, 2, 2_000)));
  }

  @Test
  void unknownCpuStaysUnknown() {
    ToolCost.Reading known = new ToolCost.Reading(0, 0, 50, 100, 1_000_000_000L);
    ToolCost.Reading unknown = new ToolCost.Reading(0, 0, -1, -1, 1_000_000_000L);
    assertEquals(-1, known.since(unknown).cpuMs());
    assertEquals(-1, unknown.plus(known).compilerCpuMs());
    assertEquals(-1, unknown.cores());
    // 50 ticks of 10 ms in one second: half a core.
    assertEquals(500, known.cpuMs());
    assertEquals(100, known.compilerCpuMs());
    assertEquals(0.5, known.cores(), 1e-9);
  }
}
