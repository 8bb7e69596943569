package io.switchboard.loadtest;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.loadtest.client.Pool;
import io.switchboard.loadtest.client.User;
import io.switchboard.loadtest.report.Report;
import io.switchboard.loadtest.stats.Latency;
import io.switchboard.loadtest.sys.Machine;
import io.switchboard.loadtest.sys.ServerCost;
import io.switchboard.loadtest.sys.Targets;
import io.switchboard.loadtest.sys.ToolCost;
import java.io.PrintStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * What every scenario shares: checks (targets, open files), the client pool, the hard deadline,
 * the progress line, memory readings of the server processes, and the report at the end.
 *
 * <p>Exit codes: 0 the run completed and passed its checks; 1 it completed with problems (loss,
 * wrong participant lists, errors); 2 bad usage or a refused target; 3 the deadline or a setup
 * failure stopped it.
 */
abstract class Scenario implements Callable<Integer> {
  @Mixin
  Options opt;

  @Spec
  CommandSpec spec;

  protected List<URI> urls;
  /** The Redis the servers use ({@code --redis}), or null. */
  private java.net.InetSocketAddress redis;
  protected Pool pool;
  protected Report report;
  protected Progress progress;
  protected Random random;
  protected String runId;
  protected long deadlineNs;
  protected final List<User> users = new ArrayList<>();
  private volatile boolean finished;

  /** The scenario's name in reports. */
  abstract String name();

  /** Connections the run opens at most (checked against the open-file limit). */
  abstract long connectionsNeeded();

  /** How long the run should take when all goes well, in seconds (for the default deadline). */
  abstract long expectedSeconds();

  /** Checks the scenario's own options; throws IllegalArgumentException with a message. */
  void validate() {}

  /** The scenario itself; fills {@link #report}. Returns false when it could not complete. */
  abstract boolean run() throws Exception;

  /** Where the plot comes from, called when {@code --png} is set. */
  void plot(java.nio.file.Path png) throws Exception {}

  @Override
  public final Integer call() {
    PrintStream err = System.err;
    try {
      urls = Targets.parse(opt.urls);
      if (opt.connectRate <= 0 || opt.inFlight <= 0 || opt.connectTimeoutS <= 0) {
        throw new IllegalArgumentException("--connect-rate, --in-flight and --connect-timeout must be positive");
      }
      if (opt.deadlineS < 0 || opt.deadlineS > 7200) {
        throw new IllegalArgumentException("--deadline must be between 1 and 7200 seconds (0: automatic)");
      }
      validate();
      redis = opt.redis == null ? null : Targets.parseHostPort(opt.redis);
      Machine.checkOpenFiles(connectionsNeeded());
    } catch (IllegalArgumentException e) {
      err.println("loadtest " + name() + ": " + e.getMessage());
      return 2;
    }
    random = new Random(opt.seed);
    runId = opt.runId != null ? opt.runId : "lt" + Long.toString(System.nanoTime() & 0xffffffL, 36)
        + Integer.toString(new Random().nextInt(1296), 36);
    long deadlineS = opt.deadlineS > 0 ? opt.deadlineS : Math.min(7200, expectedSeconds() + 60);
    deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(deadlineS);
    int loops = opt.eventLoops > 0 ? opt.eventLoops : Math.max(2, Runtime.getRuntime().availableProcessors());
    report = new Report(name(), opt.label, urls);
    report.params().put("eventLoops", loops);
    report.params().put("connectRate", opt.connectRate);
    report.params().put("deadlineS", deadlineS);
    report.params().put("runId", runId);
    report.row("run", "targets", urls.size() + " node(s): " + String.join(", ", urls.stream().map(URI::toString).toList()));
    report.row("run", "load average at start", Machine.loadAverageText());
    startWatchdog(deadlineS);

    boolean completed = false;
    progress = new Progress(opt.quiet);
    try {
      pool = new Pool(urls, opt.path, loops, TimeUnit.SECONDS.toMillis(opt.connectTimeoutS));
      report.params().put("clientTransport", pool.transport());
      report.row("run", "client transport", pool.transport());
      completed = run();
    } catch (SetupFailed e) {
      report.problem(e.getMessage());
    } catch (Exception e) {
      report.problem("the tool failed: " + e);
      e.printStackTrace(err);
    } finally {
      progress.close();
    }
    try {
      if (pool != null) {
        pool.closeAll(users, true);
        pool.close();
      }
    } catch (Exception e) {
      // Closing anyway.
    }
    return finish(completed);
  }

  private synchronized int finish(boolean completed) {
    if (finished) {
      return 3;
    }
    finished = true;
    report.row("run", "load average at end", Machine.loadAverageText());
    report.finish(completed);
    report.printTable(System.out);
    System.out.flush();
    try {
      if (opt.json != null) {
        report.writeJson(opt.json);
        System.err.println("loadtest: report written to " + opt.json);
      }
      if (opt.png != null) {
        plot(opt.png);
        if (java.nio.file.Files.exists(opt.png)) {
          System.err.println("loadtest: plot written to " + opt.png);
        }
      }
    } catch (Exception e) {
      System.err.println("loadtest: could not write the report: " + e);
    }
    if (!completed) {
      return 3;
    }
    return report.hasProblems() ? 1 : 0;
  }

  private void startWatchdog(long seconds) {
    Thread t = new Thread(() -> {
      try {
        Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
      } catch (InterruptedException e) {
        return;
      }
      if (finished) {
        return;
      }
      System.err.println();
      System.err.println("loadtest: the deadline (" + seconds + " s) was reached: stopping with what was measured");
      report.problem("stopped by the deadline of " + seconds + " s");
      finish(false);
      Runtime.getRuntime().halt(3);
    }, "loadtest-deadline");
    t.setDaemon(true);
    t.start();
  }

  /** Whether the deadline is near (less than {@code marginS} seconds left). */
  protected boolean nearDeadline(long marginS) {
    return System.nanoTime() > deadlineNs - TimeUnit.SECONDS.toNanos(marginS);
  }

  /** Thrown when setting up fails (connections refused, registrations refused). */
  static final class SetupFailed extends Exception {
    SetupFailed(String message) {
      super(message);
    }
  }

  /**
   * Opens {@code count} users numbered from {@code from} (round-robin over the URLs), recording
   * setup latency; adds them to {@link #users}. Fails the run when any could not connect.
   */
  protected Pool.Opened connect(int from, int count, IntFunction<User.Handler> handlers, Latency setup, boolean allRequired)
      throws Exception {
    progress.show(() -> String.format("%s: connecting %d/%d (failed %d)", name(), pool.openCount(), from + count,
        pool.failedCount()));
    Pool.Opened opened = pool.openAll(from, count, handlers, opt.connectRate, opt.inFlight, opt.maxFailures,
        deadlineNs - TimeUnit.SECONDS.toNanos(5), setup);
    users.addAll(opened.users());
    if (allRequired && opened.open() < count) {
      throw new SetupFailed(opened.open() + " of " + count + " connections opened (" + opened.failed() + " failed"
          + (opened.stoppedBecause() == null ? "" : ", " + opened.stoppedBecause()) + ")");
    }
    return opened;
  }

  /**
   * Memory of the --pid processes: VmRSS summed, and with --gc the Java heap after a full GC
   * (used and committed) summed over the Java processes; Node processes get SIGUSR2 first (the
   * reference collects its garbage on it).
   */
  protected Memory readMemory() {
    long rss = 0;
    long heap = 0;
    long committed = 0;
    boolean anyHeap = false;
    List<long[]> each = new ArrayList<>();
    for (long pid : opt.pids()) {
      long[] h = null;
      if (opt.gc && Machine.isJava(pid)) {
        h = Machine.javaHeapAfterGcKb(pid);
        if (h != null) {
          heap += h[0];
          committed += h[1];
          anyHeap = true;
        }
      } else if (opt.gc && Machine.isNode(pid)) {
        Machine.signalGc(pid);
      }
      long r = Machine.statusKb(pid, "VmRSS");
      if (r < 0) {
        report.problem("process " + pid + " is gone (no /proc/" + pid + "/status)");
      } else {
        rss += r;
      }
      each.add(new long[] {pid, r, h == null ? -1 : h[0], h == null ? -1 : h[1]});
    }
    return new Memory(rss, anyHeap ? heap : -1, anyHeap ? committed : -1, each);
  }

  /**
   * Summed memory of the server processes.
   *
   * @param rssKb VmRSS summed over the PIDs
   * @param heapKb Java heap used after a full GC summed over the Java PIDs, or -1
   * @param heapCommittedKb Java heap committed after that GC, or -1
   * @param each per process: pid, rss kB, heap used kB, heap committed kB (-1 unknown)
   */
  protected record Memory(long rssKb, long heapKb, long heapCommittedKb, List<long[]> each) {
    ArrayNode toJson(ArrayNode into) {
      for (long[] e : each) {
        ObjectNode o = into.addObject();
        o.put("pid", e[0]);
        o.put("rssKb", e[1]);
        if (e[2] >= 0) {
          o.put("heapAfterGcKb", e[2]);
          o.put("heapCommittedKb", e[3]);
        }
      }
      return into;
    }

    /** RSS outside the Java heap (native memory, thread stacks, code, metaspace), or -1. */
    long nativeKb() {
      return heapCommittedKb < 0 ? -1 : rssKb - heapCommittedKb;
    }
  }

  /** Records the start and end memory of the servers when PIDs were given. */
  protected void memoryRow(String section, String label, Memory m) {
    if (opt.pids().isEmpty()) {
      return;
    }
    report.row(section, label, m.rssKb() + " kB RSS" + (m.heapKb() >= 0 ? ", " + m.heapKb() + " kB heap after GC" : ""));
  }

  /** What the servers have spent so far (CPU of --pid, Redis of --redis, JVM meters of nodes that export them). */
  protected ServerCost.Reading readCost() {
    return ServerCost.read(opt.pids(), redis, urls);
  }

  /**
   * The servers' cost per unit of work between two readings: table rows in {@code section} and
   * {@code results.cost.<key>} in the JSON. Parts that could not be read show n/a.
   */
  protected void costRows(String section, String key, String unit, ServerCost.Reading before,
      ServerCost.Reading after, long units) {
    ServerCost.PerUnit c = ServerCost.PerUnit.between(before, after, units);
    ObjectNode o = report.results().withObjectProperty("cost").putObject(key);
    o.put("unit", unit);
    o.put("units", units);
    putKnown(o, "serverCpuUs", c.cpuUs());
    putKnown(o, "compilerCpuUs", c.compilerCpuUs());
    putKnown(o, "redisCommands", c.redisCommands());
    putKnown(o, "redisCpuUs", c.redisCpuUs());
    putKnown(o, "allocatedBytes", c.allocatedBytes());
    putKnown(o, "gcPauseMs", c.gcPauseMs());
    String per = " per " + unit;
    report.row(section, "server CPU" + per, known(c.cpuUs(), " us", "n/a (no --pid)"));
    report.row(section, "  of which JIT compiler threads", known(c.compilerCpuUs(), " us", "n/a (not a JVM)"));
    report.row(section, "Redis commands" + per, known(c.redisCommands(), "", "n/a (no --redis)"));
    report.row(section, "Redis CPU" + per, known(c.redisCpuUs(), " us", "n/a (no --redis)"));
    report.row(section, "allocated" + per, known(c.allocatedBytes(), " bytes", "n/a (no JVM meters on /metrics)"));
    report.row(section, "GC pauses, whole phase", known(c.gcPauseMs(), " ms", "n/a (no JVM meters on /metrics)"));
  }

  /**
   * Collects the tool's own garbage now, between phases while no traffic flows, so that the
   * tool's pauses stay out of the phase measured next ({@link ToolCost}). Returns the reading the
   * phase's {@link #toolCostRows} compares against.
   */
  protected ToolCost.Reading settle() {
    ToolCost.collect();
    return ToolCost.read();
  }

  /**
   * The tool's own cost during a phase ({@code ToolCost.read().since(before)}): rows in
   * {@code section}, {@code results.toolGc.<key>} ({@code count}, {@code ms}) and
   * {@code results.toolCpu.<key>} ({@code ms}, {@code compilerMs}, {@code cores}) in the JSON. Any
   * collection means some of the phase's latencies include a pause of the tool, not of the
   * servers; the tool's CPU, on a machine it shares with them, is CPU they did not get.
   */
  protected void toolCostRows(String section, String key, ToolCost.Reading d) {
    ObjectNode o = report.results().withObjectProperty("toolGc").putObject(key);
    o.put("count", d.count());
    o.put("ms", d.millis());
    report.row(section, "tool's own GC during the phase", d.count() + " collections, " + d.millis() + " ms");
    if (d.cpuMs() < 0) {
      report.row(section, "tool's own CPU during the phase", "n/a (no /proc)");
      return;
    }
    ObjectNode c = report.results().withObjectProperty("toolCpu").putObject(key);
    c.put("ms", Report.round(d.cpuMs(), 1));
    putKnown(c, "compilerMs", d.compilerCpuMs());
    c.put("cores", Report.round(d.cores(), 3));
    String compiler = d.compilerCpuMs() < 0 ? "" : ", of which JIT compiling " + Report.fmt(d.compilerCpuMs()) + " ms";
    report.row(section, "tool's own CPU during the phase",
        Report.fmt(d.cpuMs()) + " ms" + compiler + " (" + Report.fmt(d.cores()) + " cores on average)");
  }

  private static void putKnown(ObjectNode o, String key, double v) {
    if (v >= 0) {
      o.put(key, Report.round(v, 3));
    }
  }

  private static String known(double v, String suffix, String otherwise) {
    return v < 0 ? otherwise : Report.fmt(v) + suffix;
  }

  /** Sleeps in small steps, giving up at the deadline margin. */
  protected void sleepSeconds(double seconds) throws InterruptedException {
    long until = System.nanoTime() + (long) (seconds * 1e9);
    while (System.nanoTime() < until && !nearDeadline(2)) {
      Thread.sleep(Math.min(100, Math.max(1, (until - System.nanoTime()) / 1_000_000)));
    }
  }

  /** Waits until {@code done} holds or {@code seconds} passed; returns whether it holds. */
  protected boolean await(java.util.function.BooleanSupplier done, double seconds) throws InterruptedException {
    long until = System.nanoTime() + (long) (seconds * 1e9);
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > until || nearDeadline(2)) {
        return done.getAsBoolean();
      }
      Thread.sleep(10);
    }
    return true;
  }
}
