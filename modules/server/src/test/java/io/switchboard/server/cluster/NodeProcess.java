package io.switchboard.server.cluster;

import io.switchboard.server.Main;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Switchboard node as a real process: {@code java -cp <this test JVM's class path>
 * io.switchboard.server.Main} (the server jar is only built by the {@code package} phase, after
 * the tests), configured by environment variables only, its output in a log file. Stopped by its
 * PID: {@link #kill()} is {@code kill -9}, {@link #terminate()} is SIGTERM (the node drains).
 */
final class NodeProcess implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("switchboard listening on 127\\.0\\.0\\.1:(\\d+)");
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  private final String name;
  private final Process process;
  private final Path log;
  private int port;

  private NodeProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  /**
   * Starts a node; {@code env} is all its configuration (PORT=0 picks a free port, read back from
   * the log). Variables of this JVM's environment that would configure it are not passed on.
   */
  static NodeProcess start(String name, Map<String, String> env, Path logDir) throws IOException {
    Files.createDirectories(logDir);
    Path log = logDir.resolve(name + ".log");
    Files.deleteIfExists(log);
    List<String> cmd = new ArrayList<>(List.of(
        Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
        // Small and quick to start: two of these share two cores with the tests.
        "-Xms64m", "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k",
        "-Djava.net.preferIPv4Stack=true",
        "-cp", classPath(), Main.class.getName()));
    ProcessBuilder pb = new ProcessBuilder(cmd)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().keySet().removeIf(k -> k.startsWith("SWITCHBOARD_") || k.equals("REDIS_URL") || k.equals("PORT")
        || k.equals("JAVA_TOOL_OPTIONS") || k.equals("JDK_JAVA_OPTIONS"));
    pb.environment().putAll(env);
    NodeProcess node = new NodeProcess(name, pb.start(), log);
    LIVE.add(node.process);
    return node;
  }

  /** Processes started here; killed when this JVM exits, should a test not get to it. */
  private static final java.util.Set<Process> LIVE = java.util.concurrent.ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(p -> {
      if (p.isAlive()) {
        p.destroyForcibly();
      }
    }), "node-process-reaper"));
  }

  /**
   * The class path of this test JVM (surefire states it in {@code surefire.test.class.path} when
   * {@code java.class.path} is only its booter jar).
   */
  private static String classPath() {
    String cp = System.getProperty("surefire.test.class.path");
    if (cp == null || cp.isBlank()) {
      cp = System.getProperty("java.class.path");
    }
    return cp;
  }

  String name() {
    return name;
  }

  long pid() {
    return process.pid();
  }

  boolean alive() {
    return process.isAlive();
  }

  int port() {
    return port;
  }

  /** Waits until the node listens (its log says so) and reads its port. */
  void awaitListening(long timeoutMs) {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (System.currentTimeMillis() < deadline) {
      Matcher m = LISTENING.matcher(log());
      if (m.find()) {
        port = Integer.parseInt(m.group(1));
        return;
      }
      if (!process.isAlive()) {
        throw new AssertionError(name + " exited with " + process.exitValue() + " before listening:\n" + tail(40));
      }
      sleep(50);
    }
    throw new AssertionError(name + " not listening within " + timeoutMs + " ms:\n" + tail(40));
  }

  /** GET {@code path} on this node: the status, or -1 when the connection fails or times out. */
  int status(String path) {
    try {
      return get(path).statusCode();
    } catch (IOException e) {
      return -1;
    }
  }

  HttpResponse<String> get(String path) throws IOException {
    return send(HttpRequest.newBuilder(uri(path)).GET());
  }

  HttpResponse<String> send(HttpRequest.Builder request) throws IOException {
    try {
      return HTTP.send(request.timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  /** Waits until {@code /health/ready} answers {@code status}; returns how long it took (ms). */
  long awaitReady(int status, long timeoutMs) {
    long t0 = System.nanoTime();
    long deadline = System.currentTimeMillis() + timeoutMs;
    int last = 0;
    while (System.currentTimeMillis() < deadline) {
      last = status("/health/ready");
      if (last == status) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      }
      sleep(25);
    }
    throw new AssertionError(name + ": /health/ready answered " + last + ", not " + status + ", for " + timeoutMs
        + " ms\n" + tail(30));
  }

  /** {@code kill -9}: no goodbye of any kind. */
  void kill() {
    process.destroyForcibly();
  }

  /** SIGTERM: the node drains and exits. */
  void terminate() {
    process.destroy();
  }

  boolean awaitExit(long ms) {
    try {
      return process.waitFor(ms, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  int exitValue() {
    return process.exitValue();
  }

  String log() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  String tail(int lines) {
    List<String> all = log().lines().toList();
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }

  /** Vert.x's warnings of event loops (or workers) blocked past its limit, from the log. */
  List<String> blockedThreadWarnings() {
    return log().lines().filter(l -> l.contains("has been blocked for")).toList();
  }

  Path logFile() {
    return log;
  }

  /** Kills the process if it still runs (by its PID), and waits for it. */
  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
      awaitExit(10_000);
    }
    LIVE.remove(process);
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  @Override
  public String toString() {
    return name + " (pid " + pid() + ", port " + port + ")";
  }
}
