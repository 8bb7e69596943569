package io.switchboard.testkit;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Node.js for tests that drive the official JavaScript clients: finds {@code node} and
 * {@code npm} on the PATH, installs a fixture folder's locked dependencies ({@code npm ci} into
 * that folder's own {@code node_modules}, never globally), and runs scripts there with a hard
 * deadline. Without node/npm the calling tests are skipped, except when the environment variable
 * {@code CI} is {@code "true"}: there they fail, because CI may not skip them.
 */
public final class NodeJs {
  private static final long NPM_CI_TIMEOUT_S = 300;

  private final Path fixture;
  private final String node;

  private NodeJs(Path fixture, String node) {
    this.fixture = fixture;
    this.node = node;
  }

  /**
   * Node.js with the fixture at {@code <module>/src/test/js} installed. Skips (or, in CI, fails)
   * the calling test class when node or npm is missing.
   *
   * @param module the module folder relative to the repository root, e.g. {@code modules/server},
   *     used when the tests do not run from the module folder
   */
  public static NodeJs install(String module) throws Exception {
    Path fixture = fixtureDir(module);
    String node = executable("node");
    String npm = executable(isWindows() ? "npm.cmd" : "npm");
    if (node == null || npm == null) {
      String missing = "node/npm not found on PATH (node=" + node + ", npm=" + npm + ")";
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        Assertions.fail(missing + ": required when CI=true");
      }
      Assumptions.abort(missing + ": skipping the JavaScript client tests");
    }
    NodeJs js = new NodeJs(fixture, node);
    // Installs exactly what package-lock.json pins, into the fixture's own (git-ignored) node_modules.
    Result ci = js.exec(List.of(npm, "ci", "--no-audit", "--no-fund", "--prefer-offline"), NPM_CI_TIMEOUT_S, Map.of());
    Assertions.assertEquals(0, ci.exit(), () -> "npm ci failed:\n" + ci);
    return js;
  }

  public Path fixture() {
    return fixture;
  }

  /** Runs {@code node <args>} in the fixture folder; kills it (and its children) after {@code timeoutS}. */
  public Result run(List<String> args, long timeoutS, Map<String, String> env) throws Exception {
    List<String> command = new ArrayList<>(args.size() + 1);
    command.add(node);
    command.addAll(args);
    return exec(command, timeoutS, env);
  }

  private Result exec(List<String> command, long timeoutS, Map<String, String> env) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(command).directory(fixture.toFile());
    pb.environment().putAll(env);
    pb.environment().remove("NODE_OPTIONS");
    Process p = pb.start();
    p.getOutputStream().close();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Thread outPump = pump(p.getInputStream(), out);
    Thread errPump = pump(p.getErrorStream(), err);
    boolean finished = p.waitFor(timeoutS, TimeUnit.SECONDS);
    if (!finished) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
    outPump.join(5_000);
    errPump.join(5_000);
    return new Result(finished ? p.exitValue() : -1, !finished, out.toString(StandardCharsets.UTF_8),
        err.toString(StandardCharsets.UTF_8));
  }

  /** What a script did: exit code (-1 when killed), whether it was killed, and its output. */
  public record Result(int exit, boolean timedOut, String stdout, String stderr) {
    @Override
    public String toString() {
      return "exit=" + exit + (timedOut ? " (killed: timeout)" : "") + "\n--- stdout ---\n" + stdout
          + "\n--- stderr ---\n" + stderr;
    }
  }

  private static Thread pump(InputStream in, ByteArrayOutputStream sink) {
    Thread t = new Thread(() -> {
      byte[] buf = new byte[8192];
      try (in) {
        int n;
        while ((n = in.read(buf)) >= 0) {
          synchronized (sink) {
            sink.write(buf, 0, n);
          }
        }
      } catch (IOException e) {
        // the process ended
      }
    }, "nodejs-pump");
    t.setDaemon(true);
    t.start();
    return t;
  }

  private static Path fixtureDir(String module) {
    String basedir = System.getProperty("basedir", System.getProperty("user.dir"));
    Path dir = Paths.get(basedir, "src", "test", "js");
    if (!Files.isRegularFile(dir.resolve("package.json"))) {
      dir = Paths.get(basedir, module, "src", "test", "js");
    }
    Assertions.assertTrue(Files.isRegularFile(dir.resolve("package-lock.json")), "no JS fixture at " + dir.toAbsolutePath());
    return dir.toAbsolutePath();
  }

  private static String executable(String name) {
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    for (String dir : path.split(File.pathSeparator)) {
      Path candidate = Paths.get(dir, name);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return candidate.toString();
      }
    }
    return null;
  }

  private static boolean isWindows() {
    return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("win");
  }
}
