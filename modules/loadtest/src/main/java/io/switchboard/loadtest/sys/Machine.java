package io.switchboard.loadtest.sys;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** What the machine and the measured processes look like: load, limits, memory, CPU time (Linux /proc). */
public final class Machine {
  private Machine() {}

  /** The open-file limit of this process, or -1 when unknown. */
  public static long maxOpenFiles() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean os) {
      return os.getMaxFileDescriptorCount();
    }
    return -1;
  }

  /** Files this process holds open now, or -1. */
  public static long openFiles() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean os) {
      return os.getOpenFileDescriptorCount();
    }
    return -1;
  }

  /**
   * Refuses a run that needs more connections than this process may open files (each connection
   * is one; the JVM itself holds some).
   */
  public static void checkOpenFiles(long connections) {
    long max = maxOpenFiles();
    long reserve = Math.max(64, openFiles() + 32);
    if (max > 0 && connections + reserve > max) {
      throw new IllegalArgumentException("this process may hold at most " + max + " open files (ulimit -n), and "
          + connections + " connections need about " + (connections + reserve)
          + ": run fewer connections (at most " + Math.max(0, max - reserve) + ") or raise the limit");
    }
  }

  /** The 1, 5 and 15 minute load averages, or an empty array. */
  public static double[] loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return new double[] {Double.parseDouble(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2])};
    } catch (IOException | RuntimeException e) {
      return new double[0];
    }
  }

  public static String loadAverageText() {
    double[] l = loadAverage();
    return l.length == 3 ? String.format("%.2f %.2f %.2f", l[0], l[1], l[2]) : "?";
  }

  /** Total and available memory in kB from /proc/meminfo ({-1,-1} when unknown). */
  public static long[] memoryKb() {
    long total = -1;
    long available = -1;
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) {
          total = kb(line);
        } else if (line.startsWith("MemAvailable:")) {
          available = kb(line);
        }
      }
    } catch (IOException | RuntimeException e) {
      // Unknown.
    }
    return new long[] {total, available};
  }

  /**
   * The machine's CPU time so far in ticks, {all, stolen}: "stolen" is time the hypervisor gave
   * this virtual machine's CPUs to someone else, which on a shared host shows as latency of
   * everything measured here. {-1, -1} when unknown.
   */
  public static long[] cpuTicksAllAndStolen() {
    try {
      return cpuTicksAllAndStolen(Files.readAllLines(Path.of("/proc/stat")).get(0));
    } catch (IOException | RuntimeException e) {
      return new long[] {-1, -1};
    }
  }

  /** The "cpu" line of /proc/stat: user nice system idle iowait irq softirq steal [guest guest_nice]. */
  static long[] cpuTicksAllAndStolen(String cpuLine) {
    String[] f = cpuLine.trim().split("\\s+");
    if (!f[0].equals("cpu") || f.length < 9) {
      throw new IllegalArgumentException("not the cpu line of /proc/stat: " + cpuLine);
    }
    long all = 0;
    // Guest time (fields 9 and 10) is already counted in user and nice.
    for (int i = 1; i <= 8; i++) {
      all += Long.parseLong(f[i]);
    }
    return new long[] {all, Long.parseLong(f[8])};
  }

  /** The share of CPU time stolen between two {@link #cpuTicksAllAndStolen} readings, in percent; -1 when unknown. */
  public static double stolenPercent(long[] before, long[] after) {
    long all = after[0] - before[0];
    if (before[0] < 0 || after[0] < 0 || all <= 0) {
      return -1;
    }
    return 100.0 * (after[1] - before[1]) / all;
  }

  /** Linux's USER_HZ: /proc reports CPU times in these ticks on every architecture Java runs on. */
  public static final long TICKS_PER_SECOND = 100;

  /** utime + stime of a process in clock ticks, or -1 when it is gone. */
  public static long cpuTicks(long pid) {
    try {
      return cpuTicks(Files.readString(Path.of("/proc/" + pid + "/stat")));
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** Fields 14 and 15 of a /proc/<pid>/stat line (the command name, field 2, may hold spaces). */
  static long cpuTicks(String stat) {
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
    // f[0] is field 3 (state): utime is field 14, stime field 15.
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }

  /**
   * utime + stime of a HotSpot JVM's JIT compiler threads (C1 and C2) in clock ticks; -1 when the
   * process is gone or has no such thread (not a HotSpot JVM: a Node.js server, say). Threads that
   * ended are not counted: HotSpot retires idle compiler threads beyond the first of each kind
   * ({@code UseDynamicNumberOfCompilerThreads}, on by default), and their time goes with them, so
   * a later reading can be lower than an earlier one ({@link ServerCost} then says unknown). With
   * {@code CICompilerCount} 2, as on 2 CPUs, a tiered JVM has one thread of each kind and none retires.
   */
  public static long compilerTicks(long pid) {
    try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
      long sum = 0;
      boolean any = false;
      for (Path task : (Iterable<Path>) tasks::iterator) {
        String stat;
        try {
          stat = Files.readString(task.resolve("stat"));
        } catch (IOException gone) {
          continue;
        }
        if (isJitCompilerThread(threadName(stat))) {
          any = true;
          sum += cpuTicks(stat);
        }
      }
      return any ? sum : -1;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** Field 2 of a /proc stat line: the thread's name as the kernel keeps it (15 characters at most). */
  static String threadName(String stat) {
    return stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
  }

  /** HotSpot names them "C1 CompilerThread0", "C2 CompilerThread1", ...: the kernel keeps "C2 CompilerThre". */
  static boolean isJitCompilerThread(String name) {
    return name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre");
  }

  /** A field of /proc/<pid>/status in kB (VmRSS, VmHWM, ...), or -1 when the process is gone. */
  public static long statusKb(long pid, String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith(field + ":")) {
          return kb(line);
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }

  static long kb(String line) {
    String[] f = line.substring(line.indexOf(':') + 1).trim().split("\\s+");
    return Long.parseLong(f[0]);
  }

  /** The command line of a process (arguments joined by spaces), or "". */
  public static String commandLine(long pid) {
    try {
      return new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"))).replace('\0', ' ').trim();
    } catch (IOException e) {
      return "";
    }
  }

  /** Whether a process is a JVM (its command starts with a java binary). */
  public static boolean isJava(long pid) {
    String cmd = commandLine(pid);
    String first = cmd.isEmpty() ? "" : cmd.split(" ")[0];
    return first.endsWith("java");
  }

  /**
   * Asks a JVM for a full GC ({@code jcmd <pid> GC.run}) and returns its heap {used, committed}
   * after it in kB ({@code GC.heap_info}), or null when jcmd is missing or fails.
   */
  public static long[] javaHeapAfterGcKb(long pid) {
    if (run(List.of("jcmd", Long.toString(pid), "GC.run"), 30) == null) {
      return null;
    }
    String info = run(List.of("jcmd", Long.toString(pid), "GC.heap_info"), 30);
    return info == null ? null : parseHeapKb(info);
  }

  /**
   * {used, committed} kB summed over the heap lines of {@code jcmd GC.heap_info} (metaspace
   * excluded), or null.
   */
  public static long[] parseHeapKb(String heapInfo) {
    long used = 0;
    long total = 0;
    boolean any = false;
    for (String line : heapInfo.split("\n")) {
      if (line.contains("Metaspace") || line.contains("class space")) {
        continue;
      }
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("total (\\d+)K, used (\\d+)K").matcher(line);
      if (m.find()) {
        total += Long.parseLong(m.group(1));
        used += Long.parseLong(m.group(2));
        any = true;
      }
    }
    return any ? new long[] {used, total} : null;
  }

  /** Whether a process is Node.js (its command starts with a node binary). */
  public static boolean isNode(long pid) {
    String cmd = commandLine(pid);
    String first = cmd.isEmpty() ? "" : cmd.split(" ")[0];
    return first.endsWith("node") || first.endsWith("nodejs");
  }

  /**
   * Asks a process to collect its garbage with SIGUSR2 (the reference server runs a full GC on it
   * when started with --expose-gc) and gives it a second; false when the signal could not be sent.
   */
  public static boolean signalGc(long pid) {
    boolean sent = run(List.of("kill", "-USR2", Long.toString(pid)), 10) != null;
    if (sent) {
      try {
        Thread.sleep(1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return sent;
  }

  private static String run(List<String> command, int timeoutSeconds) {
    try {
      Process p = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true).start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return null;
      }
      return p.exitValue() == 0 ? new String(out) : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
