package io.switchboard.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.loadtest.report.Report;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code summary}: the comparison table (Markdown) from the JSON reports of a {@code
 * scripts/loadtest.sh compare} run. Reports are matched by their label, {@code <stack>-<n>n}
 * (e.g. {@code switchboard-2n}, {@code reference-2n}), and their scenario.
 */
@Command(name = "summary", mixinStandardHelpOptions = true,
    description = "A Markdown comparison table from JSON reports labelled <stack>-<n>n (scripts/loadtest.sh compare).")
final class SummaryCommand implements Callable<Integer> {
  /** The label suffix of the first runs on fresh processes ({@code scripts/loadtest.sh compare}). */
  static final String COLD = "-cold";
  /** The label suffix of the measured runs repeated after the first ({@code -rep2}, {@code -rep3}, ...). */
  static final String REPEAT = "-rep";

  @Parameters(arity = "1..*", paramLabel = "REPORT.json|DIR", description = "Reports, or folders holding them.")
  List<Path> inputs;

  @Option(names = "--stacks", split = ",", defaultValue = "switchboard,reference",
      description = "The two stacks compared, first / second (default: ${DEFAULT-VALUE}).")
  List<String> stacks;

  /** label -> scenario -> report. */
  private final Map<String, Map<String, JsonNode>> byLabel = new TreeMap<>();

  @Override
  public Integer call() throws Exception {
    List<Path> files = new ArrayList<>();
    for (Path p : inputs) {
      if (Files.isDirectory(p)) {
        try (Stream<Path> s = Files.list(p)) {
          s.filter(f -> f.toString().endsWith(".json")).sorted().forEach(files::add);
        }
      } else {
        files.add(p);
      }
    }
    List<JsonNode> docs = new ArrayList<>();
    for (Path f : files) {
      JsonNode d = Report.JSON.readTree(f.toFile());
      if (!"switchboard-loadtest".equals(d.path("tool").asText())) {
        continue;
      }
      docs.add(d);
      byLabel.computeIfAbsent(d.path("label").asText(), k -> new TreeMap<>()).put(d.path("scenario").asText(), d);
    }
    if (docs.isEmpty()) {
      System.err.println("loadtest summary: no reports found");
      return 2;
    }
    print(System.out, docs);
    return 0;
  }

  private void print(PrintStream out, List<JsonNode> docs) {
    TreeSet<Integer> nodes = new TreeSet<>();
    for (String label : byLabel.keySet()) {
      int at = label.lastIndexOf('-');
      if (at > 0 && label.endsWith("n")) {
        try {
          nodes.add(Integer.parseInt(label.substring(at + 1, label.length() - 1)));
        } catch (NumberFormatException ignored) {
          // Not a <stack>-<n>n label.
        }
      }
    }
    String a = stacks.get(0);
    String b = stacks.size() > 1 ? stacks.get(1) : "reference";
    out.printf(Locale.ROOT, "| measure | nodes | %s | %s | %s / %s |%n", a, b, a, b);
    out.println("|---|---:|---:|---:|---:|");
    for (int n : nodes) {
      row(out, "relay: highest rate with p99 < 50 ms, no loss (msgs/s)", n, "ramp",
          d -> d.path("results").path("maxRate"), a, b);
      row(out, "relay: p99 at a fixed rate (ms)" + fixedRate(n, a, b), n, "relay",
          d -> d.path("latency").path("relay").path("p99Ms"), a, b);
      medianRow(out, "relay: p99 at a fixed rate, median of the measured runs (ms)", n, "relay",
          d -> d.path("latency").path("relay").path("p99Ms"), a, b);
      row(out, "meeting: join p99 (ms)" + meetingShape(n, a, b), n, "meeting",
          d -> d.path("latency").path("join").path("p99Ms"), a, b);
      medianRow(out, "meeting: join p99, median of the measured runs (ms)", n, "meeting",
          d -> d.path("latency").path("join").path("p99Ms"), a, b);
      row(out, "meeting: participant-list violations", n, "meeting", SummaryCommand::violations, a, b);
      row(out, "relay: p99 at a fixed rate, first run after start (ms)", n, COLD, "relay",
          d -> d.path("latency").path("relay").path("p99Ms"), a, b);
      row(out, "meeting: join p99, first run after start (ms)", n, COLD, "meeting",
          d -> d.path("latency").path("join").path("p99Ms"), a, b);
      row(out, "relay: server CPU per message at the fixed rate (us)", n, "relay", d -> cost(d, "relay", "serverCpuUs"),
          a, b);
      row(out, "relay: of which the JIT compiler's threads (us, JVM only)", n, "relay",
          d -> cost(d, "relay", "compilerCpuUs"), a, b);
      row(out, "relay: Redis commands per message", n, "relay", d -> cost(d, "relay", "redisCommands"), a, b);
      row(out, "relay: Redis CPU per message (us)", n, "relay", d -> cost(d, "relay", "redisCpuUs"), a, b);
      row(out, "relay: bytes allocated per message (JVM only)", n, "relay", d -> cost(d, "relay", "allocatedBytes"),
          a, b);
      row(out, "meeting: server CPU per join, fan-out included (us)", n, "meeting",
          d -> cost(d, "join", "serverCpuUs"), a, b);
      row(out, "meeting: of which the JIT compiler's threads (us, JVM only)", n, "meeting",
          d -> cost(d, "join", "compilerCpuUs"), a, b);
      row(out, "meeting: Redis commands per join", n, "meeting", d -> cost(d, "join", "redisCommands"), a, b);
      row(out, "meeting: Redis commands per connection (connect and register)", n, "meeting",
          d -> cost(d, "connect", "redisCommands"), a, b);
      // The tool's pauses count as latency of the server it measures; 0 means the numbers above hold none.
      row(out, "the load-test tool's own GC during the fixed-rate relay (ms)", n, "", "relay",
          d -> d.path("results").path("toolGc").path("relay").path("ms"), a, b, false);
      row(out, "the load-test tool's own GC during the measured joins (ms)", n, "", "meeting",
          d -> d.path("results").path("toolGc").path("joins").path("ms"), a, b, false);
      row(out, "the load-test tool's own CPU during the fixed-rate relay (cores)", n, "", "relay",
          d -> d.path("results").path("toolCpu").path("relay").path("cores"), a, b, false);
      row(out, "the load-test tool's own CPU during the measured joins (cores)", n, "", "meeting",
          d -> d.path("results").path("toolCpu").path("joins").path("cores"), a, b, false);
      row(out, "churn: rejoin p99 (ms)", n, "churn", d -> d.path("latency").path("rejoin").path("p99Ms"), a, b);
      row(out, "churn: participant-list violations", n, "churn", SummaryCommand::violations, a, b);
      row(out, "idle connection: bytes each, marginal 5k -> 10k (JVM: heap after GC + native; Node: RSS after GC)", n,
          "connect", d -> perConnection(d, 10000, true), a, b);
      row(out, "idle connection: RSS each, marginal 5k -> 10k (bytes)", n, "connect",
          d -> perConnection(d, 10000, false), a, b);
      row(out, "idle connection: RSS each, from 0 to the end (bytes)", n, "connect",
          d -> d.path("results").path("rssBytesPerConnection"), a, b);
      row(out, "idle connections held at the end (most on one node with 1 node)", n, "connect",
          d -> d.path("results").path("open"), a, b);
    }
    out.println();
    out.println("| run | scenario | passed | load average at start / end | CPU stolen by the hypervisor (%) | took (s) |");
    out.println("|---|---|---|---|---:|---:|");
    for (JsonNode d : docs) {
      JsonNode stolen = d.path("machine").path("cpuStolenPercent");
      out.printf(Locale.ROOT, "| %s | %s | %s | %s / %s | %s | %s |%n", d.path("label").asText(),
          d.path("scenario").asText(), d.path("pass").asBoolean() ? "yes" : "no: " + String.join("; ", problems(d)),
          load(d.path("machine").path("loadAvgStart")), load(d.path("machine").path("loadAvgEnd")),
          stolen.isNumber() ? Report.fmt(stolen.asDouble()) : "-", Report.fmt(d.path("durationS").asDouble()));
    }
  }

  private String fixedRate(int n, String a, String b) {
    JsonNode d = find(a, n, "relay");
    if (d == null) {
      d = find(b, n, "relay");
    }
    return d == null ? "" : ", " + Report.fmt(d.path("params").path("rate").asDouble()) + " msgs/s";
  }

  private String meetingShape(int n, String a, String b) {
    JsonNode d = find(a, n, "meeting");
    if (d == null) {
      d = find(b, n, "meeting");
    }
    return d == null ? "" : ", " + d.path("params").path("meetings").asInt() + " x " + d.path("params").path("size").asInt()
        + " at " + d.path("params").path("joinRate").asInt() + "/s";
  }

  private JsonNode find(String stack, int n, String scenario) {
    return find(stack, n, "", scenario);
  }

  /** The run labelled {@code <stack>-<n>n<suffix>}. */
  private JsonNode find(String stack, int n, String suffix, String scenario) {
    Map<String, JsonNode> m = byLabel.get(stack + "-" + n + "n" + suffix);
    return m == null ? null : m.get(scenario);
  }

  private void row(PrintStream out, String name, int n, String scenario, Function<JsonNode, JsonNode> value, String a,
      String b) {
    row(out, name, n, "", scenario, value, a, b);
  }

  private void row(PrintStream out, String name, int n, String suffix, String scenario,
      Function<JsonNode, JsonNode> value, String a, String b) {
    row(out, name, n, suffix, scenario, value, a, b, true);
  }

  /** A row; {@code withRatio} false for figures whose ratio between the stacks means nothing (the tool's own). */
  private void row(PrintStream out, String name, int n, String suffix, String scenario,
      Function<JsonNode, JsonNode> value, String a, String b, boolean withRatio) {
    JsonNode da = find(a, n, suffix, scenario);
    JsonNode db = find(b, n, suffix, scenario);
    if (da == null && db == null) {
      return;
    }
    JsonNode va = da == null ? null : value.apply(da);
    JsonNode vb = db == null ? null : value.apply(db);
    String ratio = "";
    if (withRatio && va != null && vb != null && va.isNumber() && vb.isNumber() && vb.asDouble() != 0) {
      ratio = String.format(Locale.ROOT, "%.2f", va.asDouble() / vb.asDouble());
    }
    out.printf(Locale.ROOT, "| %s | %d | %s | %s | %s |%n", name, n, text(va, da), text(vb, db), ratio);
  }

  /**
   * The median of {@code value} over the measured run {@code <stack>-<n>n} and its repeats
   * ({@code -rep<k>}); shown only when a stack has repeats. A run that failed counts as none.
   */
  private void medianRow(PrintStream out, String name, int n, String scenario, Function<JsonNode, JsonNode> value,
      String a, String b) {
    List<Double> va = values(a, n, scenario, value);
    List<Double> vb = values(b, n, scenario, value);
    if (va.size() < 2 && vb.size() < 2) {
      return;
    }
    String ratio = "";
    if (!va.isEmpty() && !vb.isEmpty() && median(vb) != 0) {
      ratio = String.format(Locale.ROOT, "%.2f", median(va) / median(vb));
    }
    out.printf(Locale.ROOT, "| %s | %d | %s | %s | %s |%n", name, n, medianText(va), medianText(vb), ratio);
  }

  private List<Double> values(String stack, int n, String scenario, Function<JsonNode, JsonNode> value) {
    String base = stack + "-" + n + "n";
    List<Double> out = new ArrayList<>();
    for (Map.Entry<String, Map<String, JsonNode>> e : byLabel.entrySet()) {
      String label = e.getKey();
      boolean measured = label.equals(base) || label.startsWith(base + REPEAT)
          && label.substring(base.length() + REPEAT.length()).chars().allMatch(Character::isDigit);
      JsonNode d = measured ? e.getValue().get(scenario) : null;
      if (d != null && d.path("pass").asBoolean() && value.apply(d).isNumber()) {
        out.add(value.apply(d).asDouble());
      }
    }
    return out;
  }

  static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(null);
    int mid = sorted.size() / 2;
    return sorted.size() % 2 == 1 ? sorted.get(mid) : (sorted.get(mid - 1) + sorted.get(mid)) / 2;
  }

  private static String medianText(List<Double> values) {
    if (values.isEmpty()) {
      return "not run";
    }
    List<String> each = new ArrayList<>();
    for (double v : values) {
      each.add(Report.fmt(v));
    }
    return Report.fmt(median(values)) + " (" + String.join(", ", each) + ")";
  }

  private static String text(JsonNode v, JsonNode doc) {
    if (doc == null) {
      return "not run";
    }
    if (v == null || v.isMissingNode() || v.isNull()) {
      return "-";
    }
    String t = v.isNumber() ? Report.fmt(v.asDouble()) : v.asText();
    return doc.path("pass").asBoolean() ? t : t + " (run failed)";
  }

  /**
   * The marginal bytes per connection at the step that reached {@code target} (versus the step
   * before): heap after GC + native when known (JVM), else RSS.
   */
  static JsonNode perConnection(JsonNode d, int target, boolean best) {
    for (JsonNode s : d.path("steps")) {
      if (s.path("target").asInt() == target) {
        if (best && s.has("heapPlusNativeBytesPerConnectionMarginal")) {
          return s.path("heapPlusNativeBytesPerConnectionMarginal");
        }
        return s.path("rssBytesPerConnectionMarginal");
      }
    }
    return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
  }

  /** One figure of the servers' cost per unit: {@code results.cost.<phase>.<key>}. */
  static JsonNode cost(JsonNode d, String phase, String key) {
    return d.path("results").path("cost").path(phase).path(key);
  }

  private static JsonNode violations(JsonNode d) {
    JsonNode r = d.path("results");
    long n = 0;
    for (String k : List.of("missing", "unexpected", "wrongFields", "duplicates", "selfListed", "unknownLeft")) {
      n += r.path(k).asLong();
    }
    return com.fasterxml.jackson.databind.node.LongNode.valueOf(n);
  }

  private static List<String> problems(JsonNode d) {
    List<String> p = new ArrayList<>();
    d.path("problems").forEach(x -> p.add(x.asText().length() > 120 ? x.asText().substring(0, 117) + "..." : x.asText()));
    return p;
  }

  private static String load(JsonNode a) {
    List<String> p = new ArrayList<>();
    a.forEach(x -> p.add(Report.fmt(x.asDouble())));
    return String.join(" ", p);
  }
}
