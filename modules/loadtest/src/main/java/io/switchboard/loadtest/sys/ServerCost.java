package io.switchboard.loadtest.sys;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * What the servers have spent so far, read before and after a phase of a run so that the report
 * can show the cost of one unit of work (a relayed message, a join):
 * <ul>
 *   <li>CPU of the server processes ({@code --pid}): {@link Machine#cpuTicks};</li>
 *   <li>commands Redis executed and Redis's own CPU ({@code --redis}): {@code INFO commandstats}
 *       and {@code INFO cpu}, without the INFO calls of these readings;</li>
 *   <li>for nodes that serve Prometheus text on {@code <url>/metrics} with Micrometer's JVM meters
 *       (Switchboard does): bytes allocated and time in GC pauses ({@code jvm_gc_pause_seconds_sum}).
 *       Micrometer counts allocation at each young collection ({@code
 *       jvm_gc_memory_allocated_bytes_total}: the young generation's growth since the previous
 *       one), so what was allocated since the last collection is still in the eden space: a
 *       reading adds the eden's occupancy ({@code jvm_memory_used_bytes{id=~".*Eden.*"}}), or a
 *       phase without a collection would read as nothing allocated.</li>
 * </ul>
 * Every part is optional: what could not be read is -1 and the report says n/a.
 */
public final class ServerCost {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private ServerCost() {}

  /**
   * One reading.
   *
   * @param cpuSeconds CPU of the server processes summed, or -1 (no PIDs, or one is gone)
   * @param compilerCpuSeconds the part of it spent by JIT compiler threads, or -1 (not JVMs)
   * @param redisCommands commands Redis executed since it started (INFO excluded), or -1
   * @param redisCpuSeconds Redis's user + system CPU since it started, or -1
   * @param allocatedBytes bytes the nodes allocated, summed over those that export it, or -1
   * @param gcPauseSeconds time the nodes spent in GC pauses, summed likewise, or -1
   */
  public record Reading(double cpuSeconds, double compilerCpuSeconds, long redisCommands, double redisCpuSeconds, double allocatedBytes,
      double gcPauseSeconds) {}

  /**
   * The cost of {@code units} units of work between two readings, per unit.
   *
   * @param units how many units the phase did (messages delivered, joins answered)
   * @param cpuUs server CPU per unit in microseconds, or -1
   * @param compilerCpuUs the part of it spent compiling (HotSpot's JIT threads), or -1
   * @param redisCommands Redis commands per unit, or -1
   * @param redisCpuUs Redis CPU per unit in microseconds, or -1
   * @param allocatedBytes bytes allocated per unit, or -1
   * @param gcPauseMs GC pause time over the whole phase in milliseconds, or -1
   */
  public record PerUnit(long units, double cpuUs, double compilerCpuUs, double redisCommands, double redisCpuUs, double allocatedBytes,
      double gcPauseMs) {
    public static PerUnit between(Reading before, Reading after, long units) {
      double n = Math.max(1, units);
      return new PerUnit(units,
          perUnit(before.cpuSeconds(), after.cpuSeconds(), 1e6 / n),
          perUnit(before.compilerCpuSeconds(), after.compilerCpuSeconds(), 1e6 / n),
          perUnit(before.redisCommands(), after.redisCommands(), 1 / n),
          perUnit(before.redisCpuSeconds(), after.redisCpuSeconds(), 1e6 / n),
          perUnit(before.allocatedBytes(), after.allocatedBytes(), 1 / n),
          perUnit(before.gcPauseSeconds(), after.gcPauseSeconds(), 1e3));
    }

    private static double perUnit(double before, double after, double scale) {
      return before < 0 || after < 0 || after < before ? -1 : (after - before) * scale;
    }
  }

  /** Reads everything it was given; never throws. */
  public static Reading read(List<Long> pids, InetSocketAddress redis, List<URI> nodes) {
    double cpu = pids.isEmpty() ? -1 : 0;
    double compiler = pids.isEmpty() ? -1 : 0;
    for (long pid : pids) {
      long ticks = Machine.cpuTicks(pid);
      if (ticks < 0) {
        cpu = -1;
        compiler = -1;
        break;
      }
      cpu += (double) ticks / Machine.TICKS_PER_SECOND;
      long jit = Machine.compilerTicks(pid);
      compiler = jit < 0 || compiler < 0 ? -1 : compiler + (double) jit / Machine.TICKS_PER_SECOND;
    }
    long commands = -1;
    double redisCpu = -1;
    if (redis != null) {
      String info = redisInfo(redis);
      if (info != null) {
        commands = redisCommands(info);
        redisCpu = redisCpuSeconds(info);
      }
    }
    double allocated = -1;
    double pauses = -1;
    for (URI node : nodes) {
      String text = metrics(node);
      double a = text == null ? -1 : allocatedBytes(text);
      double p = text == null ? -1 : metricSum(text, "jvm_gc_pause_seconds_sum");
      if (a >= 0) {
        allocated = Math.max(0, allocated) + a;
        // No pause yet is no pause time (Micrometer registers the timer at the first collection).
        pauses = Math.max(0, pauses) + Math.max(0, p);
      }
    }
    return new Reading(cpu, compiler, commands, redisCpu, allocated, pauses);
  }

  /** The commands of an INFO commandstats text summed, without INFO's own. */
  static long redisCommands(String info) {
    long sum = 0;
    boolean any = false;
    for (String line : info.split("\r?\n")) {
      if (!line.startsWith("cmdstat_") || line.startsWith("cmdstat_info:")) {
        continue;
      }
      int at = line.indexOf("calls=");
      if (at < 0) {
        continue;
      }
      int end = line.indexOf(',', at);
      sum += Long.parseLong(line.substring(at + 6, end < 0 ? line.length() : end));
      any = true;
    }
    return any ? sum : (info.contains("# Commandstats") ? 0 : -1);
  }

  /** used_cpu_user + used_cpu_sys of an INFO cpu text, or -1. */
  static double redisCpuSeconds(String info) {
    double user = -1;
    double sys = -1;
    for (String line : info.split("\r?\n")) {
      if (line.startsWith("used_cpu_user:")) {
        user = Double.parseDouble(line.substring(14).trim());
      } else if (line.startsWith("used_cpu_sys:")) {
        sys = Double.parseDouble(line.substring(13).trim());
      }
    }
    return user < 0 || sys < 0 ? -1 : user + sys;
  }

  /** Bytes allocated so far: counted at the collections, plus what the eden holds now; -1 when unknown. */
  static double allocatedBytes(String text) {
    double counted = metricSum(text, "jvm_gc_memory_allocated_bytes_total");
    double eden = metricSum(text, "jvm_memory_used_bytes", "Eden");
    return counted < 0 || eden < 0 ? -1 : counted + eden;
  }

  /** The sum of every series of one metric in Prometheus text, or -1 when there is none. */
  static double metricSum(String text, String name) {
    return metricSum(text, name, null);
  }

  /** The same, over the series whose labels mention {@code labelPart} (any series when null). */
  static double metricSum(String text, String name, String labelPart) {
    double sum = 0;
    boolean any = false;
    for (String line : text.split("\n")) {
      if (!line.startsWith(name)) {
        continue;
      }
      char next = line.length() > name.length() ? line.charAt(name.length()) : ' ';
      if (next != ' ' && next != '{') {
        continue;
      }
      if (labelPart != null && (next != '{' || !line.substring(0, line.lastIndexOf('}') + 1).contains(labelPart))) {
        continue;
      }
      String value = line.substring(line.lastIndexOf(' ') + 1).trim();
      try {
        sum += Double.parseDouble(value);
        any = true;
      } catch (NumberFormatException e) {
        // A malformed line counts as absent.
      }
    }
    return any ? sum : -1;
  }

  /** {@code INFO commandstats} and {@code INFO cpu} of a Redis, or null. */
  static String redisInfo(InetSocketAddress redis) {
    try (Socket s = new Socket()) {
      s.connect(redis, 2_000);
      s.setSoTimeout(2_000);
      OutputStream out = s.getOutputStream();
      out.write(("*2\r\n$4\r\nINFO\r\n$12\r\ncommandstats\r\n*2\r\n$4\r\nINFO\r\n$3\r\ncpu\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      return bulk(in) + "\n" + bulk(in);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** One RESP bulk string. */
  private static String bulk(InputStream in) throws IOException {
    String header = line(in);
    if (header.isEmpty() || header.charAt(0) != '$') {
      throw new IOException("not a bulk reply: " + header);
    }
    int len = Integer.parseInt(header.substring(1));
    byte[] body = in.readNBytes(len + 2);
    if (body.length < len) {
      throw new IOException("short reply");
    }
    return new String(body, 0, len, StandardCharsets.UTF_8);
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) >= 0 && c != '\n') {
      if (c != '\r') {
        b.write(c);
      }
    }
    return b.toString(StandardCharsets.US_ASCII);
  }

  /** The node's Prometheus text, or null (not served, not Switchboard). */
  static String metrics(URI node) {
    String scheme = node.getScheme().startsWith("ws") ? node.getScheme().replace("ws", "http") : node.getScheme();
    URI uri = URI.create(scheme + "://" + node.getRawAuthority() + "/metrics");
    try {
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(3)).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? r.body() : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
