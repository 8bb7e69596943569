package io.switchboard.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class SummaryCommandTest {
  @TempDir
  Path dir;

  private void report(String label, String scenario, String latency, double p99) throws Exception {
    String json = """
        {"tool":"switchboard-loadtest","label":"%s","scenario":"%s","pass":true,"durationS":12.5,
         "machine":{"loadAvgStart":[0.5,0.4,0.3],"loadAvgEnd":[1.0,0.8,0.5],"cpuStolenPercent":13.7},
         "params":{"meetings":500,"size":4,"joinRate":1000,"rate":2000},
         "latency":{"%s":{"p99Ms":%s}},"results":{}}
        """.formatted(label, scenario, latency, p99);
    Files.writeString(dir.resolve(label + "-" + scenario + ".json"), json);
  }

  private List<String> summary() {
    PrintStream saved = System.out;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int rc;
    try {
      System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
      rc = new CommandLine(new SummaryCommand()).execute(dir.toString());
    } finally {
      System.setOut(saved);
    }
    assertEquals(0, rc);
    return bytes.toString(StandardCharsets.UTF_8).lines().toList();
  }

  private static String line(List<String> lines, String start) {
    return lines.stream().filter(l -> l.startsWith(start)).findFirst()
        .orElseThrow(() -> new AssertionError("no row '" + start + "' in\n" + String.join("\n", lines)));
  }

  @Test
  void measuredAndColdRunsHaveTheirOwnRowsAndRatios() throws Exception {
    report("switchboard-2n", "meeting", "join", 20);
    report("reference-2n", "meeting", "join", 40);
    report("switchboard-2n-cold", "meeting", "join", 300);
    report("reference-2n-cold", "meeting", "join", 60);
    report("switchboard-2n-warmup1", "meeting", "join", 90);
    report("switchboard-2n-cold", "relay", "relay", 30);
    report("reference-2n-cold", "relay", "relay", 20);

    List<String> lines = summary();
    assertEquals("| meeting: join p99 (ms), 500 x 4 at 1000/s | 2 | 20 | 40 | 0.50 |",
        line(lines, "| meeting: join p99 (ms)"));
    assertEquals("| meeting: join p99, first run after start (ms) | 2 | 300 | 60 | 5.00 |",
        line(lines, "| meeting: join p99, first run after start"));
    assertEquals("| relay: p99 at a fixed rate, first run after start (ms) | 2 | 30 | 20 | 1.50 |",
        line(lines, "| relay: p99 at a fixed rate, first run after start"));
    // No measured relay run: no row for it; the warm-up run is only listed among the runs.
    assertTrue(lines.stream().noneMatch(l -> l.startsWith("| relay: p99 at a fixed rate (ms)")), String.join("\n", lines));
    assertEquals("| switchboard-2n-warmup1 | meeting | yes | 0.50 0.40 0.30 / 1 0.80 0.50 | 13.70 | 12.50 |",
        line(lines, "| switchboard-2n-warmup1 | meeting"));
  }

  @Test
  void theServersCostPerUnitHasRowsAndRatiosAndADashWhereItWasNotRead() throws Exception {
    String sb = """
        {"tool":"switchboard-loadtest","label":"switchboard-2n","scenario":"relay","pass":true,"durationS":30,
         "machine":{"loadAvgStart":[1],"loadAvgEnd":[1]},"params":{"rate":2000},"latency":{"relay":{"p99Ms":3}},
         "results":{"cost":{"relay":{"unit":"message","units":50000,"serverCpuUs":61.237,"compilerCpuUs":20.5,"redisCommands":0.004,
           "allocatedBytes":5120}},"toolGc":{"relay":{"count":0,"ms":0}},
           "toolCpu":{"relay":{"ms":4000,"compilerMs":150,"cores":0.2}}}}
        """;
    String ref = """
        {"tool":"switchboard-loadtest","label":"reference-2n","scenario":"relay","pass":true,"durationS":30,
         "machine":{"loadAvgStart":[1],"loadAvgEnd":[1]},"params":{"rate":2000},"latency":{"relay":{"p99Ms":6}},
         "results":{"cost":{"relay":{"unit":"message","units":50000,"serverCpuUs":122.474,"redisCommands":1.0}},
           "toolGc":{"relay":{"count":1,"ms":12}}}}
        """;
    Files.writeString(dir.resolve("a.json"), sb);
    Files.writeString(dir.resolve("b.json"), ref);

    List<String> lines = summary();
    assertEquals("| relay: server CPU per message at the fixed rate (us) | 2 | 61.24 | 122.5 | 0.50 |",
        line(lines, "| relay: server CPU per message"));
    assertEquals("| relay: of which the JIT compiler's threads (us, JVM only) | 2 | 20.50 | - |  |",
        line(lines, "| relay: of which the JIT compiler"));
    assertEquals("| relay: Redis commands per message | 2 | 0.00 | 1 | 0.00 |",
        line(lines, "| relay: Redis commands per message"));
    assertEquals("| relay: bytes allocated per message (JVM only) | 2 | 5120 | - |  |",
        line(lines, "| relay: bytes allocated per message"));
    assertEquals("| the load-test tool's own GC during the fixed-rate relay (ms) | 2 | 0 | 12 |  |",
        line(lines, "| the load-test tool's own GC during the fixed-rate relay"));
    assertEquals("| the load-test tool's own CPU during the fixed-rate relay (cores) | 2 | 0.20 | - |  |",
        line(lines, "| the load-test tool's own CPU during the fixed-rate relay"));
    assertTrue(lines.stream().noneMatch(l -> l.startsWith("| meeting: Redis commands per join")),
        "no meeting reports, no meeting rows");
  }

  @Test
  void repeatedMeasuredRunsGetAMedianRow() throws Exception {
    report("switchboard-1n", "meeting", "join", 9);
    report("switchboard-1n-rep2", "meeting", "join", 3);
    report("switchboard-1n-rep3", "meeting", "join", 5);
    report("reference-1n", "meeting", "join", 12);
    report("reference-1n-rep2", "meeting", "join", 8);
    report("reference-1n-rep3", "meeting", "join", 10);
    report("switchboard-1n-warmup1", "meeting", "join", 400);
    report("switchboard-1n-cold", "meeting", "join", 500);

    List<String> lines = summary();
    // The median of the measured run and its repeats only: cold and warm-up runs stay out.
    assertEquals("| meeting: join p99, median of the measured runs (ms) | 1 | 5 (9, 3, 5) | 10 (12, 8, 10) | 0.50 |",
        line(lines, "| meeting: join p99, median of"));
    assertEquals("| meeting: join p99 (ms), 500 x 4 at 1000/s | 1 | 9 | 12 | 0.75 |", line(lines, "| meeting: join p99 (ms)"));
  }

  @Test
  void repeatedRelayRunsGetAMedianRowToo() throws Exception {
    report("switchboard-2n", "relay", "relay", 2);
    report("switchboard-2n-rep2", "relay", "relay", 6);
    report("switchboard-2n-rep3", "relay", "relay", 3);
    report("reference-2n", "relay", "relay", 5);
    report("reference-2n-rep2", "relay", "relay", 4);
    report("reference-2n-rep3", "relay", "relay", 9);
    assertEquals("| relay: p99 at a fixed rate, median of the measured runs (ms) | 2 | 3 (2, 6, 3) | 5 (5, 4, 9) | 0.60 |",
        line(summary(), "| relay: p99 at a fixed rate, median of"));
  }

  @Test
  void medianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
    assertEquals(4.0, SummaryCommand.median(List.of(9.0, 1.0, 3.0, 5.0)));
    assertEquals(3.0, SummaryCommand.median(List.of(3.0)));
  }

  @Test
  void noMedianRowWithoutRepeats() throws Exception {
    report("switchboard-2n", "meeting", "join", 20);
    report("reference-2n", "meeting", "join", 40);
    assertTrue(summary().stream().noneMatch(l -> l.startsWith("| meeting: join p99, median of")));
  }
}
