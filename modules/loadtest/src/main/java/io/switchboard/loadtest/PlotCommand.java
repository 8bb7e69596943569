package io.switchboard.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.loadtest.report.Chart;
import io.switchboard.loadtest.report.Report;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code plot}: one PNG from several JSON reports, e.g. Switchboard and the reference side by
 * side. Ramp reports give p99 (solid) and p50 (dashed) by offered rate; the others give the
 * percentile spectrum of one latency ({@code --metric}).
 */
@Command(name = "plot", mixinStandardHelpOptions = true,
    description = "Draw JSON reports of earlier runs into one PNG (side-by-side comparisons).")
final class PlotCommand implements Callable<Integer> {
  @Parameters(arity = "1..*", paramLabel = "REPORT.json", description = "Reports written with --json.")
  List<Path> reports;

  @Option(names = {"-o", "--out"}, required = true, paramLabel = "FILE.png", description = "The PNG to write.")
  Path out;

  @Option(names = "--title", description = "The title (default: from the reports).")
  String title;

  @Option(names = "--metric", description = "Which latency of non-ramp reports: relay, join, fanout, rejoin, reconnect, "
      + "setup... (default: the scenario's main one).")
  String metric;

  @Option(names = "--threshold-ms", defaultValue = "50", description = "A dashed reference line (0: none; default: ${DEFAULT-VALUE}).")
  double thresholdMs;

  @Override
  public Integer call() throws Exception {
    List<JsonNode> docs = new ArrayList<>();
    for (Path p : reports) {
      docs.add(Report.JSON.readTree(p.toFile()));
    }
    boolean ramp = docs.stream().allMatch(d -> "ramp".equals(d.path("scenario").asText()));
    Chart chart;
    if (ramp) {
      chart = new Chart(title != null ? title : "Relay ramp: p99 (solid) and p50 (dashed) by offered rate",
          "offered rate (messages/s)", Chart.XAxis.LINEAR);
      int color = 0;
      for (JsonNode d : docs) {
        List<double[]> p99 = new ArrayList<>();
        List<double[]> p50 = new ArrayList<>();
        for (JsonNode s : d.path("steps")) {
          p99.add(new double[] {s.path("rate").asDouble(), s.path("p99Ms").asDouble()});
          p50.add(new double[] {s.path("rate").asDouble(), s.path("p50Ms").asDouble()});
        }
        String label = label(d);
        chart.add(new Chart.Series(label + " p99 (max passed " + Report.fmt(d.path("results").path("maxRate").asDouble())
            + "/s)", p99, false, color));
        chart.add(new Chart.Series(label + " p50", p50, true, color));
        color++;
      }
    } else {
      String key = metric;
      chart = null;
      for (JsonNode d : docs) {
        String k = key != null ? key : mainMetric(d);
        JsonNode lat = d.path("latency").path(k);
        if (lat.isMissingNode()) {
          System.err.println("loadtest plot: " + label(d) + " has no latency '" + k + "'");
          return 2;
        }
        if (chart == null) {
          chart = new Chart(title != null ? title : capitalize(lat.path("label").asText(k)) + ", by percentile ("
              + d.path("scenario").asText() + ")", "percentile",
              Chart.XAxis.PERCENTILE);
        }
        List<double[]> pts = new ArrayList<>();
        for (JsonNode p : lat.path("spectrum")) {
          pts.add(new double[] {p.path(0).asDouble(), p.path(1).asDouble()});
        }
        chart.add(new Chart.Series(label(d) + String.format(" (p99 %s ms)", Report.fmt(lat.path("p99Ms").asDouble())),
            pts, false));
      }
    }
    if (thresholdMs > 0) {
      chart.threshold(thresholdMs, Report.fmt(thresholdMs) + " ms");
    }
    chart.write(out);
    System.err.println("loadtest plot: wrote " + out);
    return 0;
  }

  private static String capitalize(String s) {
    return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }

  private static String label(JsonNode d) {
    String l = d.path("label").asText("");
    return l.isEmpty() ? d.path("scenario").asText() + " " + d.path("targets").size() + "n" : l;
  }

  private static String mainMetric(JsonNode d) {
    for (String k : List.of("relay", "join", "rejoin", "setup")) {
      if (d.path("latency").has(k)) {
        return k;
      }
    }
    Iterator<String> it = d.path("latency").fieldNames();
    return it.hasNext() ? it.next() : "relay";
  }
}
