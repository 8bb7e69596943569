package io.switchboard.server.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.testkit.RedisServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shaded jar the container image copies ({@code deploy/docker/Dockerfile}), after
 * {@code package}: it is the file the build produces, it starts with the image's JVM flags,
 * answers the probes and Prometheus, logs JSON lines, passes the image's HEALTHCHECK command,
 * joins a cluster with Redis, and drains and exits 143 on SIGTERM.
 */
class PackagedJarIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Where the image keeps deploy/jvm.options. */
  private static final String IMAGE_ARGFILE = "/app/jvm.options";
  private static Path jar;
  private static String dockerfile;

  @BeforeAll
  static void locate() {
    String property = System.getProperty("switchboard.jar");
    // Picked by a -Dtest pattern under surefire (before package): it belongs to failsafe.
    Assumptions.assumeTrue(property != null,
        "PackagedJarIT runs after package, under failsafe (mvnw verify), which passes -Dswitchboard.jar");
    jar = Path.of(property);
    assertTrue(Files.isRegularFile(jar), "the build produced " + jar);
    dockerfile = Repo.read("deploy/docker/Dockerfile");
  }

  @Test
  void theImageCopiesTheJarTheBuildProducesAndRunsItAsNonRoot() throws IOException {
    // The build stage runs the wrapper on the server module and copies its shaded jar.
    assertTrue(dockerfile.contains("./mvnw -B -q -DskipTests -pl modules/server -am package"), "the build command");
    Matcher built = Pattern.compile("cp (modules/server/target/([\\w.-]+\\.jar)) (/\\S+)").matcher(dockerfile);
    assertTrue(built.find(), "the build stage copies the server jar out of target/");
    // The path is the default build directory (sb.target=target) with the shade plugin's finalName.
    String pom = Repo.read("modules/server/pom.xml");
    Matcher finalName = Pattern.compile("<finalName>([^<]+)</finalName>").matcher(pom);
    assertTrue(finalName.find());
    assertEquals(finalName.group(1) + ".jar", built.group(2), "the shaded jar's name");
    assertEquals(built.group(2), jar.getFileName().toString(), "the jar this build produced has that name");
    Path buildDir = Path.of(System.getProperty("switchboard.buildDirectory"));
    assertEquals(Repo.path("modules/server").toAbsolutePath().normalize(), buildDir.getParent().toAbsolutePath().normalize(),
        "the jar sits in the server module's build directory (named 'target' in a default build)");
    String staged = built.group(3);
    Matcher copy = Pattern.compile("COPY --from=build \\S+ " + Pattern.quote(staged) + " (/\\S+)").matcher(dockerfile);
    assertTrue(copy.find(), "the runtime stage copies " + staged);
    String inImage = copy.group(1);
    List<String> entrypoint = entrypoint();
    assertEquals("java", entrypoint.get(0));
    assertEquals(List.of("-jar", inImage), entrypoint.subList(entrypoint.size() - 2, entrypoint.size()),
        "the entrypoint runs the copied jar");
    assertTrue(entrypoint.stream().anyMatch(f -> f.startsWith("-XX:MaxRAMPercentage=")), "the heap follows the container");
    assertEquals("@" + IMAGE_ARGFILE, entrypoint.get(1), "the JVM reads the node's flags file first");
    assertTrue(Pattern.compile("(?m)^COPY \\S+ deploy/jvm\\.options " + Pattern.quote(IMAGE_ARGFILE) + "$").matcher(dockerfile).find(),
        "the image holds deploy/jvm.options at " + IMAGE_ARGFILE);
    assertTrue(ignore().contains("!deploy/jvm.options"), "the build context lets deploy/jvm.options in");
    // Multi-stage, a JRE 17 runtime, a numeric non-root user, the ports.
    assertTrue(Pattern.compile("(?m)^FROM eclipse-temurin:17-jdk AS build$").matcher(dockerfile).find());
    assertTrue(Pattern.compile("(?m)^FROM eclipse-temurin:17-jre$").matcher(dockerfile).find());
    Matcher user = Pattern.compile("(?m)^USER (\\d+)(?::\\d+)?$").matcher(dockerfile);
    assertTrue(user.find() && Integer.parseInt(user.group(1)) > 0, "runs as a numeric non-root user");
    Matcher expose = Pattern.compile("(?m)^EXPOSE (.+)$").matcher(dockerfile);
    assertTrue(expose.find());
    assertTrue(List.of(expose.group(1).trim().split("\\s+")).containsAll(List.of("4000", "5701")), expose.group(1));
    // The build context keeps build outputs out.
    String ignore = ignore();
    assertTrue(ignore.contains("**/target*/") && ignore.contains("**/node_modules/"));
  }

  private static String ignore() {
    return Repo.read("deploy/docker/Dockerfile.dockerignore");
  }

  @Test
  void aSingleNodeStartsWithTheImagesFlagsAnswersProbesAndMetricsLogsJsonAndDrainsOnSigterm() throws Exception {
    int port = freePort();
    try (Node node = Node.start(Map.of("PORT", String.valueOf(port), "SWITCHBOARD_HOST", "127.0.0.1",
        "SWITCHBOARD_EVENT_LOOPS", "1", "SWITCHBOARD_NODE_ID", "it-node-1", "SWITCHBOARD_LOG_LEVEL", "debug"))) {
      JsonNode listening = node.awaitLine("switchboard listening on", 30_000);
      assertEquals("it-node-1", listening.path("node").asText(), "every line names the node: " + listening);
      assertEquals("io.switchboard.server.SwitchboardNode", listening.path("logger").asText());
      assertEquals("INFO", listening.path("level").asText());
      if (System.getProperty("os.name").toLowerCase().contains("linux")) {
        // The jar carries Netty's epoll library for x86-64 and arm64, and the node loads it.
        assertTrue(listening.path("message").asText().contains("native epoll transport"), listening.toString());
      }
      assertTrue(listening.path("timestamp").asText().endsWith("Z"), "UTC timestamps: " + listening);
      if (Files.isDirectory(Path.of("/proc/self/task"))) {
        // deploy/jvm.options: the JIT compiler below the event loops, every other thread as it was.
        Map<String, Integer> nice = threadNiceness(node.process.pid());
        assertTrue(nice.keySet().stream().anyMatch(t -> t.contains("CompilerThre")), "a JIT compiler thread: " + nice);
        for (Map.Entry<String, Integer> t : nice.entrySet()) {
          if (t.getKey().contains("CompilerThre")) {
            assertEquals(10, t.getValue(), t.getKey() + " runs below the event loops: " + nice);
          } else if (t.getKey().startsWith("vert.x-eventloo") || t.getKey().startsWith("GC Thread") || t.getKey().equals("VM Thread")) {
            assertEquals(0, t.getValue(), t.getKey() + " runs at the default priority: " + nice);
          }
        }
      }
      assertEquals(200, Prometheus.get(port, "/health/live").statusCode());
      assertEquals(200, Prometheus.get(port, "/health/ready").statusCode());
      // A Socket.IO connection over polling: the debug line about it carries the socket's id.
      String open = Prometheus.get(port, "/socket.io/?EIO=4&transport=polling").body();
      Matcher sid = Pattern.compile("\"sid\":\"([^\"]+)\"").matcher(open);
      assertTrue(sid.find(), "an Engine.IO handshake: " + open);
      HttpResponse<String> connect = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + port + "/socket.io/?EIO=4&transport=polling&sid=" + sid.group(1)))
          .POST(HttpRequest.BodyPublishers.ofString("40")).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, connect.statusCode(), connect.body());
      JsonNode connected = node.awaitLine("socket connected over polling", 5_000);
      assertEquals("DEBUG", connected.path("level").asText());
      assertFalse(connected.path("socket").asText().isEmpty(), "the socket's id is a field of the line: " + connected);
      assertEquals("it-node-1", connected.path("node").asText());
      Prometheus metrics = Prometheus.scrape(port);
      assertTrue(metrics.has("switchboard_info", "node", "it-node-1", "version", "0.1.0-SNAPSHOT"), metrics.text());
      assertTrue(metrics.has("jvm_memory_used_bytes"));
      assertEquals(1, metrics.value("switchboard_sockets_connected", "transport", "polling"));
      // The image's HEALTHCHECK command, as Docker would run it.
      assertEquals(0, healthcheck(port), "the HEALTHCHECK command passes against a live node");
      // The API is open (no key): the warning carries the level and logger like every line.
      JsonNode warning = node.awaitLine("SWITCHBOARD_API_KEY", 5_000);
      assertEquals("WARN", warning.path("level").asText());

      node.sigterm();
      assertTrue(node.process.waitFor(30, TimeUnit.SECONDS), "the node exits after its drain");
      assertEquals(143, node.process.exitValue(), "exit code of SIGTERM");
      node.awaitLine("drained in", 5_000);
      node.assertEveryLineIsJson();
    }
  }

  @Test
  void aClusterNodeFromTheJarJoinsRedisAndHazelcastOnTheConfiguredPorts() throws Exception {
    try (RedisServer redis = RedisServer.start()) {
      int port = freePort();
      int busPort = freePort();
      String cluster = "it-" + UUID.randomUUID();
      try (Node node = Node.start(Map.of("PORT", String.valueOf(port), "SWITCHBOARD_HOST", "127.0.0.1",
          "SWITCHBOARD_EVENT_LOOPS", "1", "REDIS_URL", redis.url(), "SWITCHBOARD_REDIS_PREFIX", cluster + ":",
          "SWITCHBOARD_CLUSTER_NAME", cluster, "SWITCHBOARD_CLUSTER_HOST", "127.0.0.1",
          "SWITCHBOARD_CLUSTER_BUS_PORT", String.valueOf(busPort)))) {
        JsonNode listening = node.awaitLine("switchboard listening on", 90_000);
        assertEquals(200, Prometheus.get(port, "/health/ready").statusCode());
        Prometheus metrics = Prometheus.scrape(port);
        assertEquals(1, metrics.value("switchboard_cluster_size"));
        assertTrue(metrics.has("switchboard_info", "node", listening.path("node").asText()),
            "the logs' node field is the cluster node id of switchboard_info: " + listening);
        assertTrue(metrics.value("switchboard_redis_command_duration_seconds_count", "command", "ping") >= 1,
            "the readiness probe's PING is timed: " + metrics.labelValues("switchboard_redis_command_duration_seconds_count",
            "command"));
        try (Socket bus = new Socket("127.0.0.1", busPort)) {
          assertTrue(bus.isConnected(), "the event bus listens on SWITCHBOARD_CLUSTER_BUS_PORT");
        }
        node.sigterm();
        assertTrue(node.process.waitFor(40, TimeUnit.SECONDS));
        assertEquals(143, node.process.exitValue());
        node.awaitLine("drained in", 5_000);
        node.assertEveryLineIsJson();
        assertFalse(node.lines.stream().anyMatch(l -> l.contains("Hazelcast is starting in a Java modular environment")),
            "the jar's manifest opens what Hazelcast needs: " + node.lines);
      }
    }
  }

  private static List<String> entrypoint() throws IOException {
    Matcher m = Pattern.compile("(?m)^ENTRYPOINT (\\[.*\\])$").matcher(dockerfile);
    assertTrue(m.find(), "an exec-form ENTRYPOINT");
    List<String> out = new ArrayList<>();
    JSON.readTree(m.group(1)).forEach(n -> out.add(n.asText()));
    return out;
  }

  private static int healthcheck(int port) throws Exception {
    Matcher m = Pattern.compile("(?s)HEALTHCHECK [^\\n]*\\\\\\n\\s*CMD (\\[.*?\\])\\n").matcher(dockerfile);
    assertTrue(m.find(), "a HEALTHCHECK CMD in exec form");
    List<String> cmd = new ArrayList<>();
    JSON.readTree(m.group(1)).forEach(n -> cmd.add(n.asText()));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("PORT", String.valueOf(port));
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(10, TimeUnit.SECONDS), "the HEALTHCHECK command finished: " + out);
    return p.exitValue();
  }

  /** Thread name (as /proc shows it) to nice value, for every thread of a process. */
  private static Map<String, Integer> threadNiceness(long pid) throws IOException {
    Map<String, Integer> out = new java.util.TreeMap<>();
    try (var tasks = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        try {
          String stat = Files.readString(task.resolve("stat"));
          // pid (comm) state ...: comm may hold spaces; field 19 (nice) is the 17th after it.
          String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
          String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          out.put(name, Integer.parseInt(rest[16]));
        } catch (java.nio.file.NoSuchFileException gone) {
          // A thread that ended while we looked.
        }
      }
    }
    return out;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** {@code java <the image's flags> -jar switchboard.jar}, its stdout read line by line. */
  private static final class Node implements AutoCloseable {
    final Process process;
    final List<String> lines = new CopyOnWriteArrayList<>();

    private Node(Process process) {
      this.process = process;
      Thread reader = new Thread(() -> {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
          String line;
          while ((line = r.readLine()) != null) {
            lines.add(line);
          }
        } catch (IOException ignored) {
          // The process ended.
        }
      }, "packaged-jar-stdout");
      reader.setDaemon(true);
      reader.start();
    }

    static Node start(Map<String, String> env) throws IOException {
      List<String> cmd = new ArrayList<>();
      cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
      List<String> flags = entrypoint();
      for (String flag : flags.subList(1, flags.size() - 2)) {
        // The image's copy of deploy/jvm.options is this checkout's file.
        cmd.add(flag.equals("@" + IMAGE_ARGFILE) ? "@" + Repo.path("deploy/jvm.options").toAbsolutePath() : flag);
      }
      // Later flags win: a small heap on a test machine (the image's flags are still parsed).
      cmd.addAll(List.of("-Xms32m", "-Xmx256m", "-XX:TieredStopAtLevel=1"));
      cmd.addAll(List.of("-jar", jar.toString()));
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
      pb.environment().keySet().removeIf(k -> k.startsWith("SWITCHBOARD_") || k.equals("REDIS_URL") || k.equals("PORT")
          || k.equals("JAVA_TOOL_OPTIONS") || k.equals("JDK_JAVA_OPTIONS"));
      pb.environment().putAll(env);
      return new Node(pb.start());
    }

    /** Waits for a line containing {@code text}; returns it parsed as JSON. */
    JsonNode awaitLine(String text, long ms) throws Exception {
      long deadline = System.currentTimeMillis() + ms;
      while (System.currentTimeMillis() < deadline) {
        for (String line : lines) {
          if (line.contains(text)) {
            return parse(line);
          }
        }
        Thread.sleep(50);
      }
      throw new AssertionError("no line with '" + text + "' within " + ms + " ms"
          + (process.isAlive() ? "" : " (exit code " + process.exitValue() + ")") + ":\n" + String.join("\n", lines));
    }

    /**
     * SIGTERM, as Kubernetes sends it. Not {@link Process#destroy()}: that also closes our end of
     * the child's stdout, and the lines the drain logs would be lost.
     */
    void sigterm() {
      assertTrue(process.toHandle().destroy(), "SIGTERM sent");
    }

    void assertEveryLineIsJson() {
      assertFalse(lines.isEmpty());
      for (String line : lines) {
        JsonNode json = parse(line);
        for (String field : List.of("timestamp", "level", "logger", "thread", "message")) {
          assertTrue(json.hasNonNull(field), "field " + field + " in " + line);
        }
      }
    }

    private static JsonNode parse(String line) {
      try {
        JsonNode json = JSON.readTree(line);
        assertTrue(json.isObject(), "a JSON object per line: " + line);
        return json;
      } catch (IOException e) {
        throw new AssertionError("not a JSON line: " + line, e);
      }
    }

    @Override
    public void close() throws InterruptedException {
      if (process.isAlive()) {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      }
    }
  }
}
