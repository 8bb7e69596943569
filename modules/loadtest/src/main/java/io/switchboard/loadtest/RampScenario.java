package io.switchboard.loadtest;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.loadtest.report.Chart;
import io.switchboard.loadtest.report.Report;
import io.switchboard.loadtest.stats.Latency;
import io.switchboard.loadtest.sys.ToolCost;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ramp}: the relay of {@code relay}, stepping the rate up until a step fails; reports the
 * highest rate that passed. A step passes when its p99 is under the target, nothing was lost, no
 * error came back and the generator kept up (sent at least 95% of the rate). A failing step is
 * tried again {@code --retries} times before the ramp stops (runs on a shared machine are noisy).
 */
@Command(name = "ramp", mixinStandardHelpOptions = true,
    description = "Step the relay rate up: the highest rate with p99 under the target and no loss.")
final class RampScenario extends RelayBase {
  @Option(names = "--start", defaultValue = "1000", description = "First rate, msgs/s (default: ${DEFAULT-VALUE}).")
  double start;

  @Option(names = "--step", defaultValue = "1000", description = "Rate added per step, msgs/s (default: ${DEFAULT-VALUE}).")
  double step;

  @Option(names = "--max-rate", defaultValue = "100000", description = "Highest rate tried (default: ${DEFAULT-VALUE}).")
  double maxRate;

  @Option(names = {"-d", "--step-duration"}, defaultValue = "5",
      description = "Seconds per step (default: ${DEFAULT-VALUE}).")
  double stepS;

  @Option(names = "--p99-ms", defaultValue = "50", description = "A step passes with p99 under this (default: ${DEFAULT-VALUE}).")
  double p99Ms;

  @Option(names = "--retries", defaultValue = "1", description = "Tries again a failing step this many times (default: ${DEFAULT-VALUE}).")
  int retries;

  private final List<Step> steps = new ArrayList<>();

  /** One measured step; {@code tool}: the tool's own collections and CPU during it. */
  record Step(double rate, double achieved, Latency.Summary latency, long sent, long lost, long errors, double lagMs,
      ToolCost.Reading tool, boolean pass, String why) {}

  @Override
  String name() {
    return "ramp";
  }

  @Override
  void validate() {
    validateBase();
    if (start <= 0 || step <= 0 || maxRate < start || stepS <= 0 || p99Ms <= 0 || retries < 0) {
      throw new IllegalArgumentException("--start, --step, --step-duration and --p99-ms must be positive, --max-rate >= --start");
    }
  }

  private int maxSteps() {
    return (int) Math.min(200, Math.floor((maxRate - start) / step) + 1);
  }

  @Override
  long expectedSeconds() {
    return setupSeconds() + (long) (warmupS + (maxSteps() + retries) * (stepS + drainS + 1)) + 10;
  }

  @Override
  boolean run() throws Exception {
    report.params().put("start", start);
    report.params().put("step", step);
    report.params().put("maxRate", maxRate);
    report.params().put("stepSeconds", stepS);
    report.params().put("p99TargetMs", p99Ms);
    setUp(maxRate);
    Memory before = readMemory();
    settle();
    if (warmupS > 0) {
      RelayTraffic.Phase warm = traffic.phase(start, false);
      progress.show(() -> line("warm-up", warm));
      traffic.send(pool, warm, warmupS, 0.5, () -> warm.latency.interval());
    }
    double best = 0;
    double rate = start;
    int failuresHere = 0;
    RelayTraffic.Phase bestPhase = null;
    while (rate <= maxRate + 1e-9) {
      if (nearDeadline((long) (stepS + drainS + 5))) {
        report.problem("the deadline stopped the ramp at " + Report.fmt(rate) + " msgs/s");
        break;
      }
      // Traffic stops between steps (each ends with its drain): the tool collects there.
      ToolCost.Reading toolBefore = settle();
      RelayTraffic.Phase p = traffic.phase(rate, true);
      progress.show(() -> line("step", p) + " | best " + Report.fmt(steps.stream().filter(Step::pass)
          .mapToDouble(Step::rate).max().orElse(0)));
      traffic.send(pool, p, stepS, drainS, () -> p.latency.interval());
      ToolCost.Reading toolDuring = ToolCost.read().since(toolBefore);
      Latency.Summary s = p.latency.summary();
      double achieved = p.sent.sum() / p.seconds();
      String why = null;
      if (p.lost() > 0) {
        why = p.lost() + " lost";
      } else if (p.errors.sum() > 0) {
        why = p.errors.sum() + " errors";
      } else if (s.p99() >= p99Ms) {
        why = "p99 " + Report.fmt(s.p99()) + " ms";
      } else if (achieved < 0.95 * rate) {
        why = "generator sent only " + Report.fmt(achieved) + "/s";
      }
      boolean pass = why == null;
      steps.add(new Step(rate, achieved, s, p.sent.sum(), p.lost(), p.errors.sum(), p.maxLagUs.get() / 1000.0,
          toolDuring, pass, why));
      if (pass) {
        best = rate;
        bestPhase = p;
        failuresHere = 0;
        rate += step;
      } else if (failuresHere < retries) {
        failuresHere++;
      } else {
        break;
      }
    }
    Memory after = readMemory();

    ArrayNode sj = report.root().putArray("steps");
    for (Step st : steps) {
      ObjectNode o = sj.addObject();
      o.put("rate", st.rate());
      o.put("achieved", Report.round(st.achieved()));
      o.put("sent", st.sent());
      o.put("lost", st.lost());
      o.put("errors", st.errors());
      o.put("p50Ms", Report.round(st.latency().p50()));
      o.put("p95Ms", Report.round(st.latency().p95()));
      o.put("p99Ms", Report.round(st.latency().p99()));
      o.put("maxMs", Report.round(st.latency().max()));
      o.put("maxLagMs", Report.round(st.lagMs()));
      o.put("toolGcCount", st.tool().count());
      o.put("toolGcMs", st.tool().millis());
      if (st.tool().cores() >= 0) {
        o.put("toolCores", Report.round(st.tool().cores(), 3));
      }
      o.put("pass", st.pass());
      if (st.why() != null) {
        o.put("why", st.why());
      }
      report.row("steps (rate msgs/s: p50 / p99 / max ms)", Report.fmt(st.rate()),
          String.format("%s / %s / %s  achieved %s/s  lost %d  errors %d  %s", Report.fmt(st.latency().p50()),
              Report.fmt(st.latency().p99()), Report.fmt(st.latency().max()), Report.fmt(st.achieved()), st.lost(),
              st.errors(), st.pass() ? "pass" : "FAIL (" + st.why() + ")"));
    }
    report.result("result", "maxRate", "highest rate passed", best, "msgs/s");
    toolCostRows("result", "steps",
        steps.stream().map(Step::tool).reduce(ToolCost.none(), ToolCost.Reading::plus));
    if (bestPhase != null) {
      report.latency("result", "relay", "latency at that rate", bestPhase.latency.histogram());
    }
    if (!steps.isEmpty() && steps.get(steps.size() - 1).pass() && best >= maxRate - 1e-9) {
      report.row("result", "note", "every step passed: raise --max-rate to find the limit");
    }
    if (best == 0) {
      report.problem("no step passed (the first step, " + Report.fmt(start) + " msgs/s, failed)");
    }
    memoryRow("server memory", "before", before);
    memoryRow("server memory", "after", after);
    return true;
  }

  @Override
  void plot(Path png) throws Exception {
    String l = opt.label.isEmpty() ? "" : opt.label + " ";
    List<double[]> p50 = new ArrayList<>();
    List<double[]> p99 = new ArrayList<>();
    List<double[]> max = new ArrayList<>();
    for (Step st : steps) {
      p50.add(new double[] {st.rate(), st.latency().p50()});
      p99.add(new double[] {st.rate(), st.latency().p99()});
      max.add(new double[] {st.rate(), st.latency().max()});
    }
    new Chart("Relay ramp: latency by offered rate, " + pairs + " pairs, " + pool.targetCount() + " node(s)",
        "offered rate (messages/s)", Chart.XAxis.LINEAR)
        .add(new Chart.Series(l + "p50", p50, true, 0))
        .add(new Chart.Series(l + "p99", p99, false, 0))
        .add(new Chart.Series(l + "max", max, true, 1))
        .threshold(p99Ms, Report.fmt(p99Ms) + " ms")
        .write(png);
  }
}
