package io.switchboard.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.loadtest.client.Pool;
import io.switchboard.loadtest.client.User;
import io.switchboard.loadtest.report.Chart;
import io.switchboard.loadtest.report.Report;
import io.switchboard.loadtest.stats.Latency;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code connect}: C idle connections (WebSocket, joined to "/", answering pings). Reports the
 * setup rate and latency, failures, connections lost while idle, and the servers' memory per
 * connection at each step (and the marginal cost between the last two steps).
 */
@Command(name = "connect", mixinStandardHelpOptions = true,
    description = "Open C idle connections: setup rate and latency, failures, server memory per connection.")
final class ConnectScenario extends Scenario {
  private static final User.Handler IDLE = (u, name, data) -> { };

  @Option(names = {"-c", "--connections"}, defaultValue = "1000", description = "Connections (default: ${DEFAULT-VALUE}).")
  int connections;

  @Option(names = "--steps", split = ",", paramLabel = "N",
      description = "Totals to measure memory at, ascending (e.g. 5000,10000); the last is the total. "
          + "Default: the --connections total only.")
  List<Integer> steps;

  @Option(names = "--settle", defaultValue = "5", description = "Seconds to wait after each step before reading memory "
      + "(default: ${DEFAULT-VALUE}).")
  double settleS;

  @Option(names = {"-d", "--duration"}, defaultValue = "10",
      description = "Seconds to hold every connection idle after the last step, counting the ones lost "
          + "(default: ${DEFAULT-VALUE}).")
  double holdS;

  private final Latency setup = new Latency("setup");

  @Override
  String name() {
    return "connect";
  }

  private List<Integer> plan() {
    List<Integer> p = new ArrayList<>();
    if (steps != null && !steps.isEmpty()) {
      p.addAll(steps);
    } else {
      p.add(connections);
    }
    return p;
  }

  @Override
  void validate() {
    List<Integer> p = plan();
    int prev = 0;
    for (int s : p) {
      if (s <= prev) {
        throw new IllegalArgumentException("--steps must be positive and ascending");
      }
      prev = s;
    }
    if (holdS < 0 || settleS < 0) {
      throw new IllegalArgumentException("--duration and --settle must not be negative");
    }
  }

  @Override
  long connectionsNeeded() {
    List<Integer> p = plan();
    return p.get(p.size() - 1);
  }

  @Override
  long expectedSeconds() {
    long total = connectionsNeeded();
    return (long) (total / Math.max(1, opt.connectRate) * 2 + plan().size() * (settleS + 15) + holdS + 30);
  }

  @Override
  boolean run() throws Exception {
    List<Integer> plan = plan();
    int total = plan.get(plan.size() - 1);
    report.params().put("connections", total);
    report.params().put("settleS", settleS);
    report.params().put("holdS", holdS);
    ArrayNode stepsJson = report.root().putArray("steps");

    Memory base = readMemory();
    memoryRow("server memory", "before (0 connections)", base);
    int have = 0;
    long setupNs = 0;
    int failed = 0;
    Memory prevMem = base;
    int prevCount = 0;
    for (int step : plan) {
      Pool.Opened o = connect(have, step - have, i -> IDLE, setup, false);
      setupNs += o.tookNs();
      failed += o.failed();
      have = step;
      int openNow = pool.openCount();
      progress.show(() -> String.format("connect: %d open, settling", pool.openCount()));
      sleepSeconds(settleS);
      Memory m = readMemory();
      ObjectNode sj = stepsJson.addObject();
      sj.put("target", step);
      sj.put("open", pool.openCount());
      sj.put("failed", o.failed());
      sj.put("setupSeconds", Report.round(o.tookNs() / 1e9));
      sj.put("setupPerSecond", Report.round((step - prevCount) / Math.max(1e-9, o.tookNs() / 1e9)));
      m.toJson(sj.putArray("processes"));
      String label = step + " connections";
      report.row("steps", label, openNow + " open, " + o.failed() + " failed, set up in "
          + Report.fmt(o.tookNs() / 1e9) + " s (" + Report.fmt((step - prevCount) / Math.max(1e-9, o.tookNs() / 1e9))
          + "/s)");
      if (!opt.pids().isEmpty()) {
        int open = pool.openCount();
        sj.put("rssKb", m.rssKb());
        double[] from0 = perConnection(base, m, open);
        putPer(sj, "", from0);
        report.row("server memory", "at " + step, m.rssKb() + " kB RSS; per connection from 0: " + text(from0));
        if (prevCount > 0 && open > prevCount) {
          double[] marginal = perConnection(prevMem, m, open - prevCount);
          putPer(sj, "Marginal", marginal);
          report.row("server memory", "marginal " + prevCount + " -> " + open, text(marginal));
        }
      }
      prevMem = m;
      prevCount = pool.openCount();
      if (nearDeadline(10)) {
        report.problem("not every step was reached before the deadline");
        break;
      }
    }

    int open = pool.openCount();
    progress.show(() -> String.format("connect: holding %d idle connections (lost %d, pings answered %d)",
        pool.openCount(), pool.lost(), pool.pings()));
    sleepSeconds(holdS);

    report.result("connections", "open", "open at the end", pool.openCount());
    report.result("connections", "failed", "failed to connect", failed);
    report.result("connections", "lost", "lost while idle", pool.lost());
    report.result("connections", "pings", "pings answered", pool.pings());
    report.result("connections", "setupPerSecond", "setup rate", open / Math.max(1e-9, setupNs / 1e9), "conn/s");
    report.latency("connections", "setup", "setup (WebSocket connect to Socket.IO CONNECT)", setup.histogram());
    if (!opt.pids().isEmpty()) {
      Memory end = readMemory();
      double[] v = perConnection(base, end, open);
      report.results().put("rssKbAtEnd", end.rssKb());
      putPer(report.results(), "", v);
      report.row("server memory", "at the end, per connection", text(v));
      memoryRow("server memory", "at the end", end);
      JsonNode last = report.root().path("steps");
      if (last.size() >= 2) {
        JsonNode marginal = last.get(last.size() - 1);
        for (String key : List.of("rssBytesPerConnectionMarginal", "heapBytesPerConnectionMarginal",
            "nativeBytesPerConnectionMarginal", "heapPlusNativeBytesPerConnectionMarginal")) {
          if (marginal.has(key)) {
            report.results().set(key, marginal.get(key));
          }
        }
      }
    }
    if (failed > 0) {
      report.problem(failed + " connection(s) failed");
    }
    if (pool.lost() > 0) {
      report.problem(pool.lost() + " connection(s) lost while idle");
    }
    if (open < total) {
      report.problem("only " + open + " of " + total + " connections were open");
    }
    return true;
  }

  /** Bytes per connection between two readings: {rss, heap after GC, native (rss - committed heap)}. */
  static double[] perConnection(Memory a, Memory b, int connections) {
    if (connections <= 0) {
      return new double[] {Double.NaN, Double.NaN, Double.NaN};
    }
    double rss = (b.rssKb() - a.rssKb()) * 1024.0 / connections;
    double heap = a.heapKb() >= 0 && b.heapKb() >= 0 ? (b.heapKb() - a.heapKb()) * 1024.0 / connections : Double.NaN;
    double nat = a.nativeKb() >= 0 && b.nativeKb() >= 0 ? (b.nativeKb() - a.nativeKb()) * 1024.0 / connections
        : Double.NaN;
    return new double[] {rss, heap, nat};
  }

  private static void putPer(ObjectNode o, String suffix, double[] v) {
    o.put("rssBytesPerConnection" + suffix, Report.round(v[0], 1));
    if (!Double.isNaN(v[1])) {
      o.put("heapBytesPerConnection" + suffix, Report.round(v[1], 1));
      o.put("heapPlusNativeBytesPerConnection" + suffix, Report.round(v[1] + v[2], 1));
      o.put("nativeBytesPerConnection" + suffix, Report.round(v[2], 1));
    }
  }

  private static String text(double[] v) {
    String t = Report.fmt(v[0]) + " B RSS";
    if (!Double.isNaN(v[1])) {
      t += ", " + Report.fmt(v[1]) + " B heap after GC + " + Report.fmt(v[2]) + " B native = "
          + Report.fmt(v[1] + v[2]) + " B";
    }
    return t;
  }

  @Override
  void plot(Path png) throws Exception {
    String label = opt.label.isEmpty() ? "setup" : opt.label;
    List<double[]> points = Latency.spectrum(setup.histogram());
    new Chart("Connection setup latency (" + pool.targetCount() + " node(s))", "percentile", Chart.XAxis.PERCENTILE)
        .add(new Chart.Series(label, points, false)).write(png);
  }
}
