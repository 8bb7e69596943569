package io.switchboard.server.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.server.SwitchboardNode;
import io.switchboard.signaling.ids.MeetingId;
import io.switchboard.signaling.ids.UserId;
import io.switchboard.testkit.NodeJs;
import io.switchboard.testkit.TestVertx;
import java.io.IOException;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;

/**
 * The driver of the JavaScript end-to-end scenarios ({@code src/test/js/scenarios}), shared by
 * {@link JsScenarioTest} (each script against a node of its own) and the cluster's
 * {@code ClusterScenarioTest} (each script with its clients spread over the nodes of a cluster):
 * the scenario list with the node settings each script needs, running the scripts a few at a time
 * with hard time limits, and reading their result lines (one JSON object per check; every planned
 * check must pass, the script must exit 0, and no event loop of the nodes may have been blocked).
 *
 * <p>What differs between the two is only where a scenario's nodes come from: a {@link Deployer}.
 * A deployment with several nodes hands the script {@code SB_URLS} (all of them; the harness
 * connects successive clients, and sends successive HTTP API calls, to successive nodes) besides
 * {@code SB_URL} (the first).
 */
public final class JsScenarios implements AutoCloseable {
  /** One script's limit (the script bounds itself to 10 s less, so a hang still reports its checks). */
  public static final long RUN_TIMEOUT_S = 75;
  /** The ring timeout of the calls-ring-timeout nodes (the script waits for it). */
  public static final int RING_TIMEOUT_MS = 500;
  /** HS256 secret of the jwt-auth nodes (the script signs its tokens with it). */
  public static final String JWT_SECRET = "e2e-" + UUID.randomUUID() + "-hs256-secret";

  static final Map<String, String> AUTO_CREATE = Map.of("SWITCHBOARD_MEETINGS_AUTO_CREATE", "true");
  static final Map<String, String> BACKEND_MEETINGS = Map.of(
      "SWITCHBOARD_MEETINGS_AUTO_CREATE", "false",
      "SWITCHBOARD_BCRYPT_COST", "4");

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * A script and what its nodes need: extra settings, and meetings the app's backend would have
   * created (made through the first node before the script starts; described to it in SB_FIXTURE).
   */
  public record Scenario(String script, Map<String, String> settings, Function<SwitchboardNode, ObjectNode> fixture) {
    @Override
    public String toString() {
      return script;
    }
  }

  /** Every scenario script, or those named by {@code -De2e.only=name,name}. */
  public static List<Scenario> scenarios() {
    List<Scenario> all = List.of(
        new Scenario("seed001-testing-checklist", AUTO_CREATE, null),
        new Scenario("meetings", AUTO_CREATE, null),
        new Scenario("meetings-refusals", BACKEND_MEETINGS, JsScenarios::backendMeetings),
        new Scenario("http-api", BACKEND_MEETINGS, null),
        new Scenario("rooms", Map.of(), null),
        new Scenario("rooms-capacity", Map.of("SWITCHBOARD_ROOM_MAX_SIZE", "2", "SWITCHBOARD_MEETINGS_AUTO_CREATE", "true"), null),
        new Scenario("calls-video", Map.of(), null),
        new Scenario("calls-seed004", Map.of(), null),
        new Scenario("calls-ring-timeout", Map.of("SWITCHBOARD_RING_TIMEOUT_MS", String.valueOf(RING_TIMEOUT_MS)), null),
        new Scenario("groups-chat", Map.of(), null),
        new Scenario("bad-input", AUTO_CREATE, null),
        new Scenario("jwt-auth", Map.of("SWITCHBOARD_JWT_SECRET", JWT_SECRET, "SWITCHBOARD_MEETINGS_AUTO_CREATE", "true"), null));
    String only = System.getProperty("e2e.only", "").trim();
    if (only.isEmpty()) {
      return all;
    }
    List<String> names = List.of(only.split(","));
    return all.stream().filter(s -> names.contains(s.script())).toList();
  }

  /** The meetings of meetings-refusals.js, created as the HTTP API creates them. */
  private static ObjectNode backendMeetings(SwitchboardNode node) {
    String tag = UUID.randomUUID().toString().substring(0, 8);
    ObjectNode fixture = JSON.createObjectNode();
    ObjectNode pw = fixture.putObject("protected");
    pw.put("id", "e2e-protected-" + tag).put("name", "Protected").put("creator", "e2e-pw-host-" + tag).put("password", "s3cret pass");
    ObjectNode small = fixture.putObject("small");
    small.put("id", "e2e-small-" + tag).put("name", "Small").put("creator", "e2e-small-host-" + tag).put("max", 2);
    ObjectNode hosted = fixture.putObject("hosted");
    hosted.put("id", "e2e-hosted-" + tag).put("name", "Hosted").put("creator", "e2e-host-" + tag);
    var meetings = node.signaling().meetings();
    TestVertx.await(meetings.create(MeetingId.of(pw.get("id").asText()), "Protected", UserId.of(pw.get("creator").asText()),
        "s3cret pass", null));
    TestVertx.await(meetings.create(MeetingId.of(small.get("id").asText()), "Small", UserId.of(small.get("creator").asText()),
        null, 2));
    TestVertx.await(meetings.create(MeetingId.of(hosted.get("id").asText()), "Hosted", UserId.of(hosted.get("creator").asText()),
        null, null));
    return fixture;
  }

  /** The nodes one scenario runs against. */
  public interface Deployment extends AutoCloseable {
    /** One node, or several nodes of one cluster; the first gets the fixture. */
    List<SwitchboardNode> nodes();

    /** Event loops of these nodes found blocked while the scenario ran (empty: none). */
    List<String> blockedThreads();

    /** Releases the nodes (stops them, or leaves shared ones to their owner). */
    @Override
    void close() throws Exception;
  }

  /** Starts (or hands out) the nodes a scenario needs, with its settings. */
  @FunctionalInterface
  public interface Deployer {
    Deployment deploy(Scenario scenario) throws Exception;
  }

  private final String label;
  private final NodeJs js;
  private final ExecutorService runner;

  private JsScenarios(String label, NodeJs js, int parallel) {
    this.label = label;
    this.js = js;
    this.runner = Executors.newFixedThreadPool(Math.max(1, parallel), r -> {
      Thread t = new Thread(r, label + "-js-scenario");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Installs the JS fixture ({@code npm ci}); skips the calling class without node/npm (fails in
   * CI). {@code parallel} scripts run at once.
   *
   * @param label the prefix of the output lines, e.g. {@code e2e}
   */
  public static JsScenarios install(String label, int parallel) throws Exception {
    return new JsScenarios(label, nodeJs(), parallel);
  }

  private static NodeJs installed;

  /**
   * Node.js with this module's JS fixture installed, once per test JVM ({@code npm ci} replaces
   * {@code node_modules}: not while scripts of this JVM run). Skips (or, in CI, fails) the
   * calling test without node/npm.
   */
  public static synchronized NodeJs nodeJs() throws Exception {
    if (installed == null) {
      installed = NodeJs.install("modules/server");
    }
    return installed;
  }

  public NodeJs js() {
    return js;
  }

  /**
   * Runs {@code warmup.js} against {@code urls} (every path once, so a cold JVM loads its classes
   * there and not while a scenario's nodes are watched). Best effort: prints how it went.
   */
  public void warmUp(List<String> urls, String meetingId, String password) throws Exception {
    NodeJs.Result r = js.run(List.of("warmup.js", String.join(",", urls), meetingId, password), 30, Map.of());
    System.out.println("[" + label + " warm-up] exit " + r.exit() + (r.stderr().isBlank() ? "" : "\n" + tail(r.stderr(), 2000)));
  }

  /** Every scenario starts at once (a few at a time); each dynamic test waits for its own. */
  public Stream<DynamicTest> run(List<Scenario> scenarios, Deployer deployer) {
    Map<Scenario, Future<Outcome>> started = new LinkedHashMap<>();
    for (Scenario s : scenarios) {
      started.put(s, runner.submit(() -> execute(s, deployer)));
    }
    return started.entrySet().stream()
        .map(e -> DynamicTest.dynamicTest(e.getKey().script(), () -> verify(e.getKey(), e.getValue())));
  }

  @Override
  public void close() {
    runner.shutdownNow();
  }

  private record Outcome(NodeJs.Result result, long millis, int nodes, Throwable setupFailure, List<String> blocked) {}

  private Outcome execute(Scenario s, Deployer deployer) {
    long t0 = System.nanoTime();
    Deployment deployment;
    try {
      deployment = deployer.deploy(s);
    } catch (Throwable e) {
      return new Outcome(null, 0, 0, e, List.of());
    }
    try {
      List<SwitchboardNode> nodes = deployment.nodes();
      List<String> urls = nodes.stream().map(n -> "http://127.0.0.1:" + n.port()).toList();
      Map<String, String> env = new HashMap<>();
      env.put("SB_URL", urls.get(0));
      if (urls.size() > 1) {
        env.put("SB_URLS", String.join(",", urls));
      }
      env.put("STEP_TIMEOUT_MS", "5000");
      env.put("CHECK_TIMEOUT_MS", "25000");
      env.put("QUIET_MS", "300");
      env.put("TOTAL_TIMEOUT_MS", String.valueOf((RUN_TIMEOUT_S - 10) * 1000));
      env.put("RING_TIMEOUT_MS", String.valueOf(RING_TIMEOUT_MS));
      if (s.settings().containsKey("SWITCHBOARD_JWT_SECRET")) {
        env.put("SB_JWT_SECRET", s.settings().get("SWITCHBOARD_JWT_SECRET"));
      }
      if (s.fixture() != null) {
        env.put("SB_FIXTURE", s.fixture().apply(nodes.get(0)).toString());
      }
      NodeJs.Result r = js.run(List.of(Paths.get("scenarios", s.script() + ".js").toString()), RUN_TIMEOUT_S, env);
      return new Outcome(r, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0), nodes.size(), null,
          deployment.blockedThreads());
    } catch (Throwable e) {
      return new Outcome(null, 0, 0, e, List.of());
    } finally {
      try {
        deployment.close();
      } catch (Throwable e) {
        System.err.println("[" + label + " " + s.script() + "] releasing the nodes: " + e);
      }
    }
  }

  private void verify(Scenario s, Future<Outcome> pending) throws Exception {
    Outcome o;
    try {
      o = pending.get(RUN_TIMEOUT_S * 4, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      pending.cancel(true);
      fail(s.script() + ": no outcome within " + RUN_TIMEOUT_S * 4 + " s");
      return;
    }
    if (o.setupFailure() != null) {
      throw new AssertionError(s.script() + ": could not run: " + o.setupFailure(), o.setupFailure());
    }
    NodeJs.Result r = o.result();
    String tag = "[" + label + " " + s.script() + "] ";
    assertTrue(!r.timedOut(), () -> s.script() + ": node did not finish within " + RUN_TIMEOUT_S + " s\n" + r);

    List<String> plan = new ArrayList<>();
    Map<String, JsonNode> results = new LinkedHashMap<>();
    JsonNode summary = null;
    for (String line : r.stdout().split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      JsonNode json;
      try {
        json = JSON.readTree(line);
      } catch (IOException e) {
        fail(s.script() + ": not a JSON result line: " + line + "\n" + r);
        return;
      }
      System.out.println(tag + line);
      if (json.has("plan")) {
        json.get("plan").forEach(n -> plan.add(n.asText()));
        int nodes = json.path("nodes").asInt(1);
        assertEquals(o.nodes(), nodes, () -> s.script() + ": the harness saw " + nodes + " node URL(s)");
      } else if (json.has("check")) {
        results.put(json.get("check").asText(), json);
      } else if (json.has("summary")) {
        summary = json;
      }
    }
    System.out.println(tag + "finished in " + o.millis() + " ms on " + o.nodes() + " node(s), exit " + r.exit());
    assertTrue(!plan.isEmpty(), () -> s.script() + ": no plan line\n" + r);

    List<String> failing = new ArrayList<>();
    for (String name : plan) {
      JsonNode res = results.get(name);
      if (res == null) {
        failing.add(name + " (no result)");
      } else if (!res.path("ok").asBoolean()) {
        failing.add(name + ": " + res.path("error").asText());
      }
    }
    for (Map.Entry<String, JsonNode> e : results.entrySet()) {
      if (!plan.contains(e.getKey()) && !e.getValue().path("ok").asBoolean()) {
        failing.add(e.getKey() + ": " + e.getValue().path("error").asText());
      }
    }
    assertTrue(failing.isEmpty(), () -> s.script() + ": " + failing.size() + " of " + plan.size() + " checks failed:\n  "
        + String.join("\n  ", failing) + "\n--- stderr (tail) ---\n" + tail(r.stderr(), 4000));
    assertTrue(summary != null, () -> s.script() + ": no summary line\n" + r);
    assertEquals(0, r.exit(), () -> s.script() + ": node exit code\n" + r);
    assertTrue(o.blocked().isEmpty(), () -> s.script() + ": event loops blocked: " + o.blocked());
  }

  public static String tail(String s, int max) {
    return s.length() <= max ? s : "..." + s.substring(s.length() - max);
  }
}
