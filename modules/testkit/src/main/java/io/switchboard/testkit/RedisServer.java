package io.switchboard.testkit;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A Redis of a test's own, on a free loopback port (never the machine's Redis on 6379).
 *
 * <p>It runs {@code redis-server} from PATH as a child process (no persistence), or, when there
 * is none, a {@code redis} container through Testcontainers if Docker is running and
 * Testcontainers is on the test classpath (the test kit declares it optional: a module that wants
 * this fallback declares {@code org.testcontainers:testcontainers} itself). With neither, a test
 * fails in CI ({@code CI=true}) and is skipped with a message elsewhere.
 *
 * <p>Blocking: use it from test threads (setup, teardown, fault injection), never an event loop.
 * {@link #freeze()} simulates a hung Redis (SIGSTOP, or {@code docker pause}): its connections stay
 * open and nothing answers. {@link #stop()} and {@link #restart()} simulate a crash and a restart
 * on the same port, with the data gone.
 */
public final class RedisServer implements AutoCloseable {
  private static final long START_TIMEOUT_MS = 15_000;
  private static final String IMAGE = "redis:7-alpine";

  private final Backend backend;
  private final String host = "127.0.0.1";
  private final int port;

  private RedisServer(Backend backend, int port) {
    this.backend = backend;
    this.port = port;
  }

  /** Starts a fresh Redis; extra arguments go to {@code redis-server} (e.g. cluster mode). */
  public static RedisServer start(String... extraArgs) {
    String binary = findOnPath("redis-server");
    if (binary != null) {
      return startProcess(binary, List.of(extraArgs), null);
    }
    String why = "no redis-server on PATH";
    if (testcontainersPresent()) {
      if (ContainerBackend.dockerRunning()) {
        int port = freePort();
        RedisServer server = new RedisServer(new ContainerBackend(port, List.of(extraArgs)), port);
        server.awaitPing();
        return server;
      }
      why += " and Docker is not running";
    } else {
      why += " and Testcontainers is not on the test classpath";
    }
    throw unavailable(why);
  }

  /**
   * Starts a Redis Sentinel (a local {@code redis-server --sentinel} only) that monitors
   * {@code master} under {@code masterName}, quorum 1, and waits until it knows the master.
   */
  public static RedisServer startSentinel(String masterName, RedisServer master) {
    String binary = findOnPath("redis-server");
    if (binary == null) {
      throw unavailable("no redis-server on PATH for a sentinel");
    }
    String monitor = "sentinel monitor " + masterName + " " + master.host() + " " + master.port() + " 1\n";
    RedisServer sentinel = startProcess(binary, List.of(), monitor);
    long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
    while (System.currentTimeMillis() < deadline) {
      if (sentinel.command("SENTINEL", "get-master-addr-by-name", masterName) instanceof List<?> addr
          && addr.size() == 2 && String.valueOf(master.port()).equals(addr.get(1))) {
        return sentinel;
      }
      sleep(20);
    }
    sentinel.close();
    throw new IllegalStateException("the sentinel did not learn of " + masterName + " within " + START_TIMEOUT_MS
        + " ms");
  }

  /** Fails in CI, skips the test elsewhere. */
  private static RuntimeException unavailable(String why) {
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      throw new IllegalStateException(why + ": CI must provide redis-server (apt-get install redis-server)");
    }
    Assumptions.abort(why + ": skipping the tests that need Redis (install redis-server to run them)");
    throw new AssertionError("unreachable");
  }

  private static RedisServer startProcess(String binary, List<String> extraArgs, String sentinelConfig) {
    IllegalStateException last = null;
    for (int attempt = 0; attempt < 5; attempt++) {
      int port = freePort();
      ProcessBackend backend = new ProcessBackend(binary, port, extraArgs, sentinelConfig);
      RedisServer server = new RedisServer(backend, port);
      try {
        backend.launch();
        server.awaitPing();
        return server;
      } catch (IllegalStateException e) {
        // Most likely the port was taken between choosing it and binding it: try another.
        last = e;
        backend.close();
      }
    }
    throw last;
  }

  public String host() {
    return host;
  }

  public int port() {
    return port;
  }

  /** {@code redis://127.0.0.1:<port>}. */
  public String url() {
    return "redis://" + host + ":" + port;
  }

  /** The process id of the local {@code redis-server}, or -1 in a container. */
  public long pid() {
    return backend.pid();
  }

  /** Hangs Redis: it keeps its connections and answers nothing until {@link #thaw()}. */
  public void freeze() {
    backend.freeze();
  }

  public void thaw() {
    backend.thaw();
  }

  /** Stops Redis (connections are closed, then refused) until {@link #restart()}. */
  public void stop() {
    backend.stop();
  }

  /** Starts Redis again on the same port, empty, and waits until it answers. */
  public void restart() {
    backend.restart();
    awaitPing();
  }

  /**
   * Sends one command and returns the reply: a String, Long, List or null; an error reply throws.
   * For test setup only (blocking, one connection per call).
   */
  public Object command(String... args) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), 1000);
      s.setSoTimeout(5000);
      OutputStream out = s.getOutputStream();
      ByteArrayOutputStream req = new ByteArrayOutputStream();
      req.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.UTF_8));
      for (String a : args) {
        byte[] b = a.getBytes(StandardCharsets.UTF_8);
        req.writeBytes(("$" + b.length + "\r\n").getBytes(StandardCharsets.UTF_8));
        req.writeBytes(b);
        req.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
      }
      out.write(req.toByteArray());
      out.flush();
      return readReply(s.getInputStream());
    } catch (IOException e) {
      throw new IllegalStateException("Redis on port " + port + ": " + e.getMessage(), e);
    }
  }

  private static Object readReply(InputStream in) throws IOException {
    String line = readLine(in);
    char type = line.charAt(0);
    String rest = line.substring(1);
    switch (type) {
      case '+':
        return rest;
      case '-':
        throw new IllegalStateException("Redis error: " + rest);
      case ':':
        return Long.parseLong(rest);
      case '$': {
        int len = Integer.parseInt(rest);
        if (len < 0) {
          return null;
        }
        byte[] b = in.readNBytes(len + 2);
        return new String(b, 0, len, StandardCharsets.UTF_8);
      }
      case '*': {
        int n = Integer.parseInt(rest);
        if (n < 0) {
          return null;
        }
        List<Object> items = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          items.add(readReply(in));
        }
        return items;
      }
      default:
        throw new IllegalStateException("unexpected Redis reply: " + line);
    }
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) != -1) {
      if (c == '\r') {
        in.read();
        return line.toString(StandardCharsets.UTF_8);
      }
      line.write(c);
    }
    throw new IOException("connection closed");
  }

  /** Whether Redis answers PING now. */
  public boolean answers() {
    try {
      return "PONG".equals(command("PING"));
    } catch (IllegalStateException e) {
      return false;
    }
  }

  private void awaitPing() {
    long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
    while (System.currentTimeMillis() < deadline) {
      if (!backend.alive()) {
        throw new IllegalStateException("redis-server exited: " + backend.log());
      }
      if (answers()) {
        return;
      }
      sleep(20);
    }
    throw new IllegalStateException("Redis on port " + port + " did not answer PING within " + START_TIMEOUT_MS
        + " ms: " + backend.log());
  }

  /** Stops Redis for good and removes its files. */
  @Override
  public void close() {
    backend.close();
  }

  // ---- backends --------------------------------------------------------------------------------

  private interface Backend {
    long pid();

    boolean alive();

    void freeze();

    void thaw();

    void stop();

    void restart();

    String log();

    void close();
  }

  /** A {@code redis-server} child process, stopped by its PID. */
  private static final class ProcessBackend implements Backend {
    private final String binary;
    private final int port;
    private final List<String> extraArgs;
    private final String sentinelConfig;
    private final Path dir;
    private Process process;
    private boolean frozen;

    ProcessBackend(String binary, int port, List<String> extraArgs, String sentinelConfig) {
      this.binary = binary;
      this.port = port;
      this.extraArgs = extraArgs;
      this.sentinelConfig = sentinelConfig;
      try {
        this.dir = Files.createTempDirectory("redis-" + port + "-");
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }

    void launch() {
      List<String> cmd = new ArrayList<>(List.of(binary));
      if (sentinelConfig != null) {
        // A sentinel rewrites its config file as it learns: it must be a file of its own.
        Path conf = dir.resolve("sentinel.conf");
        try {
          if (!Files.exists(conf)) {
            Files.writeString(conf, sentinelConfig, StandardCharsets.UTF_8);
          }
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
        cmd.add(conf.toString());
        cmd.add("--sentinel");
      }
      cmd.addAll(List.of("--port", Integer.toString(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
          "--dir", dir.toString()));
      cmd.addAll(extraArgs);
      try {
        process = new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("redis.log").toFile()))
            .start();
      } catch (IOException e) {
        throw new IllegalStateException("cannot start " + binary + ": " + e.getMessage(), e);
      }
    }

    @Override
    public long pid() {
      return process == null ? -1 : process.pid();
    }

    @Override
    public boolean alive() {
      return process != null && process.isAlive();
    }

    @Override
    public synchronized void freeze() {
      signal("STOP");
      frozen = true;
    }

    @Override
    public synchronized void thaw() {
      signal("CONT");
      frozen = false;
    }

    private void signal(String name) {
      if (!alive()) {
        throw new IllegalStateException("redis-server is not running");
      }
      try {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid()))
            .redirectErrorStream(true).start();
        if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
          throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
        }
      } catch (IOException e) {
        throw new IllegalStateException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }

    @Override
    public synchronized void stop() {
      if (process == null) {
        return;
      }
      if (frozen && process.isAlive()) {
        signal("CONT");
        frozen = false;
      }
      process.destroy();
      try {
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          process.waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
      }
    }

    @Override
    public synchronized void restart() {
      stop();
      launch();
    }

    @Override
    public String log() {
      try {
        Path log = dir.resolve("redis.log");
        if (!Files.exists(log)) {
          return "(no log)";
        }
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
      } catch (IOException e) {
        return "(log unreadable: " + e.getMessage() + ")";
      }
    }

    @Override
    public synchronized void close() {
      stop();
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
      } catch (IOException e) {
        // A leftover temp folder is harmless.
      }
    }
  }

  /**
   * Redis in Docker through Testcontainers, published on loopback only, on a fixed host port so
   * a restart keeps the address. Loaded only when Testcontainers is on the classpath.
   */
  private static final class ContainerBackend implements Backend {
    private final org.testcontainers.containers.GenericContainer<?> container;

    @SuppressWarnings("resource")
    ContainerBackend(int hostPort, List<String> extraArgs) {
      List<String> cmd = new ArrayList<>(List.of("redis-server", "--save", "", "--appendonly", "no"));
      cmd.addAll(extraArgs);
      container = new org.testcontainers.containers.GenericContainer<>(
          org.testcontainers.utility.DockerImageName.parse(IMAGE))
          .withCommand(cmd.toArray(String[]::new))
          .withExposedPorts(6379)
          .withCreateContainerCmdModifier(create -> create.getHostConfig().withPortBindings(
              new com.github.dockerjava.api.model.PortBinding(
                  com.github.dockerjava.api.model.Ports.Binding.bindIpAndPort("127.0.0.1", hostPort),
                  com.github.dockerjava.api.model.ExposedPort.tcp(6379))));
      container.start();
    }

    static boolean dockerRunning() {
      try {
        return org.testcontainers.DockerClientFactory.instance().isDockerAvailable();
      } catch (RuntimeException | LinkageError e) {
        return false;
      }
    }

    private com.github.dockerjava.api.DockerClient docker() {
      return org.testcontainers.DockerClientFactory.instance().client();
    }

    @Override
    public long pid() {
      return -1;
    }

    @Override
    public boolean alive() {
      return container.isRunning();
    }

    @Override
    public void freeze() {
      docker().pauseContainerCmd(container.getContainerId()).exec();
    }

    @Override
    public void thaw() {
      docker().unpauseContainerCmd(container.getContainerId()).exec();
    }

    @Override
    public void stop() {
      docker().stopContainerCmd(container.getContainerId()).withTimeout(5).exec();
    }

    @Override
    public void restart() {
      docker().startContainerCmd(container.getContainerId()).exec();
    }

    @Override
    public String log() {
      return container.getLogs();
    }

    @Override
    public void close() {
      container.stop();
    }
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private static boolean testcontainersPresent() {
    try {
      Class.forName("org.testcontainers.DockerClientFactory", false, RedisServer.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  private static String findOnPath(String name) {
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    for (String dir : path.split(File.pathSeparator)) {
      File f = new File(dir, name);
      if (f.isFile() && f.canExecute()) {
        return f.getAbsolutePath();
      }
    }
    return null;
  }

  private static int freePort() {
    for (int i = 0; i < 20; i++) {
      try (ServerSocket s = new ServerSocket()) {
        s.setReuseAddress(false);
        s.bind(new InetSocketAddress("127.0.0.1", 0));
        int port = s.getLocalPort();
        // Never the machine's own Redis, nor a port whose cluster bus port (+10000) cannot exist.
        if (port != 6379 && port < 55_000) {
          return port;
        }
      } catch (IOException e) {
        throw new IllegalStateException("no free port: " + e.getMessage(), e);
      }
    }
    throw new IllegalStateException("no free port below 55000");
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return "RedisServer[" + url() + ", pid " + pid() + "]";
  }
}
