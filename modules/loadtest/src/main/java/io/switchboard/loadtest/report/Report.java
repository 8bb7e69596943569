package io.switchboard.loadtest.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.loadtest.stats.Latency;
import io.switchboard.loadtest.sys.Machine;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * A run's results: a JSON document (machine-readable, what {@code loadtest plot} reads) and a
 * table for people, filled side by side.
 */
public final class Report {
  public static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final ObjectNode root = JSON.createObjectNode();
  private final ObjectNode params;
  private final ObjectNode results;
  private final ObjectNode latency;
  private final ArrayNode problems;
  private final Map<String, List<String[]>> table = new LinkedHashMap<>();
  private final long startedNs = System.nanoTime();
  /** The machine's CPU ticks {all, stolen} when the run started. */
  private final long[] cpuAtStart;

  public Report(String scenario, String label, List<URI> urls) {
    root.put("tool", "switchboard-loadtest");
    root.put("scenario", scenario);
    root.put("label", label == null ? "" : label);
    ArrayNode t = root.putArray("targets");
    urls.forEach(u -> t.add(u.toString()));
    root.put("startedAt", Instant.now().toString());
    ObjectNode m = root.putObject("machine");
    m.put("cpus", Runtime.getRuntime().availableProcessors());
    long[] mem = Machine.memoryKb();
    m.put("memTotalKb", mem[0]);
    m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    m.put("maxOpenFiles", Machine.maxOpenFiles());
    putLoad(m, "loadAvgStart");
    cpuAtStart = Machine.cpuTicksAllAndStolen();
    params = root.putObject("params");
    results = root.putObject("results");
    latency = root.putObject("latency");
    problems = root.putArray("problems");
  }

  private static void putLoad(ObjectNode o, String key) {
    ArrayNode a = o.putArray(key);
    for (double d : Machine.loadAverage()) {
      a.add(d);
    }
  }

  public ObjectNode root() {
    return root;
  }

  public ObjectNode params() {
    return params;
  }

  public ObjectNode results() {
    return results;
  }

  /** Adds a table row (and nothing to the JSON). */
  public Report row(String section, String name, String value) {
    table.computeIfAbsent(section, k -> new ArrayList<>()).add(new String[] {name, value});
    return this;
  }

  /** A number in the results and in the table. */
  public Report result(String section, String key, String label, long value) {
    results.put(key, value);
    return row(section, label, Long.toString(value));
  }

  public Report result(String section, String key, String label, double value, String unit) {
    results.put(key, round(value));
    return row(section, label, fmt(value) + (unit.isEmpty() ? "" : " " + unit));
  }

  /** A latency distribution: summary and spectrum in the JSON, one table row. */
  public Report latency(String section, String key, String label, Histogram h) {
    Latency.Summary s = Latency.Summary.of(h);
    ObjectNode o = latency.putObject(key);
    o.put("label", label);
    o.put("count", s.count());
    o.put("minMs", round(s.min()));
    o.put("meanMs", round(s.mean()));
    o.put("p50Ms", round(s.p50()));
    o.put("p90Ms", round(s.p90()));
    o.put("p95Ms", round(s.p95()));
    o.put("p99Ms", round(s.p99()));
    o.put("p999Ms", round(s.p999()));
    o.put("maxMs", round(s.max()));
    ArrayNode sp = o.putArray("spectrum");
    for (double[] p : Latency.spectrum(h)) {
      sp.addArray().add(round(p[0], 4)).add(round(p[1]));
    }
    return row(section, label + " (ms)", s.count() == 0 ? "no samples"
        : String.format(Locale.ROOT, "p50 %s  p95 %s  p99 %s  max %s  (n=%d)", fmt(s.p50()), fmt(s.p95()),
            fmt(s.p99()), fmt(s.max()), s.count()));
  }

  /** Something that makes the run fail (loss, wrong lists, errors); shown and counted. */
  public Report problem(String text) {
    problems.add(text);
    return this;
  }

  public boolean hasProblems() {
    return !problems.isEmpty();
  }

  public static double round(double v) {
    return round(v, 3);
  }

  public static double round(double v, int digits) {
    double f = Math.pow(10, digits);
    return Math.round(v * f) / f;
  }

  public static String fmt(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    if (Math.abs(v) >= 100) {
      return String.format(Locale.ROOT, "%.1f", v);
    }
    return String.format(Locale.ROOT, "%.2f", v);
  }

  /** Closes the report: end time, load average at the end, verdict. */
  public void finish(boolean completed) {
    root.put("durationS", round((System.nanoTime() - startedNs) / 1e9));
    putLoad((ObjectNode) root.get("machine"), "loadAvgEnd");
    double stolen = Machine.stolenPercent(cpuAtStart, Machine.cpuTicksAllAndStolen());
    if (stolen >= 0) {
      ((ObjectNode) root.get("machine")).put("cpuStolenPercent", round(stolen));
    }
    root.put("completed", completed);
    root.put("pass", completed && problems.isEmpty());
  }

  public void writeJson(Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    JSON.writeValue(file.toFile(), root);
  }

  /** The readable table. */
  public void printTable(PrintStream out) {
    String title = "loadtest " + root.path("scenario").asText()
        + (root.path("label").asText().isEmpty() ? "" : " [" + root.path("label").asText() + "]")
        + " -> " + String.join(", ", targetsText());
    out.println(title);
    out.println("machine: " + root.path("machine").path("cpus").asInt() + " cpus, load average "
        + root.path("machine").path("loadAvgStart") + " at start, " + root.path("machine").path("loadAvgEnd")
        + " at end" + (root.path("machine").has("cpuStolenPercent") ? ", CPU stolen by the hypervisor "
            + fmt(root.path("machine").path("cpuStolenPercent").asDouble()) + "%" : "")
        + "; run took " + fmt(root.path("durationS").asDouble()) + " s");
    int w = 10;
    for (List<String[]> rows : table.values()) {
      for (String[] r : rows) {
        w = Math.max(w, r[0].length());
      }
    }
    for (Map.Entry<String, List<String[]>> e : table.entrySet()) {
      out.println();
      out.println(e.getKey());
      for (String[] r : e.getValue()) {
        out.println("  " + pad(r[0], w) + "  " + r[1]);
      }
    }
    out.println();
    if (problems.isEmpty()) {
      out.println(root.path("completed").asBoolean() ? "PASS" : "INCOMPLETE");
    } else {
      out.println((root.path("completed").asBoolean() ? "FAIL" : "INCOMPLETE") + ": " + problems.size() + " problem(s)");
      problems.forEach(p -> out.println("  - " + p.asText()));
    }
  }

  private List<String> targetsText() {
    List<String> t = new ArrayList<>();
    root.path("targets").forEach(n -> t.add(n.asText()));
    return t;
  }

  private static String pad(String s, int w) {
    return s.length() >= w ? s : s + " ".repeat(w - s.length());
  }
}
