package io.switchboard.loadtest;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.loadtest.report.Chart;
import io.switchboard.loadtest.report.Report;
import io.switchboard.loadtest.stats.Latency;
import io.switchboard.loadtest.sys.ServerCost;
import io.switchboard.loadtest.sys.ToolCost;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code relay}: P pairs on different nodes exchange {@code ice-candidate} at a total rate R for T
 * seconds (after the call is set up with {@code call-request}/{@code call-answer}): end-to-end
 * latency from the due time embedded in each message, loss, errors.
 */
@Command(name = "relay", mixinStandardHelpOptions = true,
    description = "Pairs on different nodes exchange call-request / ice-candidate {to} at rate R for T seconds: "
        + "end-to-end latency and loss.")
final class RelayScenario extends RelayBase {
  @Option(names = {"-r", "--rate"}, defaultValue = "2000",
      description = "Messages per second, all pairs and both directions together (default: ${DEFAULT-VALUE}).")
  double rate;

  @Option(names = {"-d", "--duration"}, defaultValue = "10", description = "Seconds measured (default: ${DEFAULT-VALUE}).")
  double durationS;

  RelayTraffic.Phase measured;

  @Override
  String name() {
    return "relay";
  }

  @Override
  void validate() {
    validateBase();
    if (rate <= 0 || durationS <= 0 || durationS > 3600) {
      throw new IllegalArgumentException("--rate must be positive and --duration between 0 and 3600 s");
    }
  }

  @Override
  long expectedSeconds() {
    return setupSeconds() + (long) (warmupS + durationS + drainS) + 10;
  }

  @Override
  boolean run() throws Exception {
    report.params().put("rate", rate);
    report.params().put("durationS", durationS);
    report.params().put("warmupS", warmupS);
    setUp(rate);
    Memory before = readMemory();
    settle();
    if (warmupS > 0) {
      RelayTraffic.Phase warm = traffic.phase(rate, false);
      progress.show(() -> line("warm-up", warm));
      traffic.send(pool, warm, warmupS, 0.5, () -> warm.latency.interval());
    }
    measured = traffic.phase(rate, true);
    ServerCost.Reading costBefore = readCost();
    ToolCost.Reading toolBefore = ToolCost.read();
    ArrayNode timeline = report.root().putArray("timeline");
    long[] last = {0, 0};
    progress.show(() -> line("measuring", measured));
    traffic.send(pool, measured, durationS, drainS, () -> {
      Latency.Summary s = measured.latency.interval();
      ObjectNode t = timeline.addObject();
      long sent = measured.sent.sum();
      long recv = measured.received.sum();
      t.put("t", timeline.size());
      t.put("sent", sent - last[0]);
      t.put("received", recv - last[1]);
      t.put("p50Ms", Report.round(s.p50()));
      t.put("p99Ms", Report.round(s.p99()));
      t.put("maxMs", Report.round(s.max()));
      last[0] = sent;
      last[1] = recv;
    });
    ServerCost.Reading costAfter = readCost();
    Memory after = readMemory();
    describe(report, "relay", measured);
    toolCostRows("relay", "relay", ToolCost.read().since(toolBefore));
    costRows("server cost", "relay", "message", costBefore, costAfter, measured.received.sum());
    memoryRow("server memory", "before", before);
    memoryRow("server memory", "after", after);
    return true;
  }

  @Override
  void plot(Path png) throws Exception {
    if (measured == null) {
      return;
    }
    String l = opt.label.isEmpty() ? "relay" : opt.label;
    new Chart("Relay end-to-end latency: " + Report.fmt(rate) + " msgs/s, " + pairs + " pairs, " + pool.targetCount()
        + " node(s)", "percentile", Chart.XAxis.PERCENTILE)
        .add(new Chart.Series(l, Latency.spectrum(measured.latency.histogram()), false))
        .threshold(50, "50 ms")
        .write(png);
  }
}
