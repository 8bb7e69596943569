package io.switchboard.loadtest.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.switchboard.testkit.RedisServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServerCostTest {
  private static final String METRICS = """
      # HELP jvm_gc_memory_allocated_bytes_total Incremented for an increase in the size of the young generation
      # TYPE jvm_gc_memory_allocated_bytes_total counter
      jvm_gc_memory_allocated_bytes_total{node="a"} 1.5E9
      # TYPE jvm_gc_pause_seconds summary
      jvm_gc_pause_seconds_count{action="end of minor GC",cause="G1 Evacuation Pause",gc="G1 Young Generation",node="a"} 12.0
      jvm_gc_pause_seconds_sum{action="end of minor GC",cause="G1 Evacuation Pause",gc="G1 Young Generation",node="a"} 0.25
      jvm_gc_pause_seconds_sum{action="end of major GC",cause="System.gc()",gc="G1 Old Generation",node="a"} 0.05
      jvm_gc_pause_seconds_sum_other 99
      # TYPE jvm_memory_used_bytes gauge
      jvm_memory_used_bytes{area="heap",id="G1 Eden Space",node="a"} 2.0E7
      jvm_memory_used_bytes{area="heap",id="G1 Old Gen",node="a"} 9.0E7
      jvm_memory_used_bytes{area="nonheap",id="Metaspace",node="a"} 5.0E7
      """;

  @Test
  void stolenCpuIsTheEighthFieldOfTheCpuLineAndGuestTimeIsNotCountedTwice() {
    long[] before = Machine.cpuTicksAllAndStolen("cpu  100 0 50 800 10 0 5 35 7 0");
    long[] after = Machine.cpuTicksAllAndStolen("cpu  150 0 70 900 10 0 5 65 9 0");
    assertEquals(1000, before[0]);
    assertEquals(35, before[1]);
    assertEquals(15.0, Machine.stolenPercent(before, after), 1e-9, "30 of 200 ticks");
    assertEquals(-1, Machine.stolenPercent(new long[] {-1, -1}, after));
    assertThrows(IllegalArgumentException.class, () -> Machine.cpuTicksAllAndStolen("cpu0 1 2 3 4 5 6 7 8"));
    long[] now = Machine.cpuTicksAllAndStolen();
    assertTrue(now[0] > 0 && now[1] >= 0 && now[1] <= now[0], "this machine's /proc/stat: " + now[0] + ", " + now[1]);
  }

  @Test
  void cpuTicksAreFields14And15EvenWhenTheCommandHoldsSpacesAndParentheses() {
    String stat = "4242 (a (weird) name) S 1 4242 4242 0 -1 4194304 100 0 0 0 250 37 0 0 20 0 30 0 555 0 0";
    assertEquals(287, Machine.cpuTicks(stat));
  }

  @Test
  void compilerThreadsAreTheJvmsC1AndC2ThreadsByTheirKernelNames() {
    assertEquals("C2 CompilerThre", Machine.threadName("77 (C2 CompilerThre) S 1 2 3 0 -1 0 0 0 0 0 400 12 0 0"));
    assertEquals("a (weird) name", Machine.threadName("4242 (a (weird) name) S 1"));
    assertTrue(Machine.isJitCompilerThread("C1 CompilerThre"));
    assertTrue(Machine.isJitCompilerThread("C2 CompilerThre"));
    assertFalse(Machine.isJitCompilerThread("vert.x-eventloo"));
    assertFalse(Machine.isJitCompilerThread("node"));
  }

  @Test
  void thisJvmsCompilerTicksArePartOfItsCpuAndGrowWhenNewCodeIsCompiled() throws Exception {
    long pid = ProcessHandle.current().pid();
    long before = Machine.compilerTicks(pid);
    assertTrue(before >= 0, "a HotSpot JVM has compiler threads: " + before);
    // Enough distinct hot methods to keep C1 and C2 busy for a while: classes generated here.
    long until = System.nanoTime() + 5_000_000_000L;
    long after = before;
    int round = 0;
    while (after == before && System.nanoTime() < until) {
      compileWork(round++);
      after = Machine.compilerTicks(pid);
    }
    assertTrue(after > before, "compiler ticks " + before + " -> " + after + " after " + round + " rounds");
    assertTrue(after <= Machine.cpuTicks(pid), "a part of the process's CPU");
    assertEquals(-1, Machine.compilerTicks(Long.MAX_VALUE), "no such process");
  }

  /** Runs a fresh lambda per round hot enough to be compiled (each round new code for the JIT). */
  private static void compileWork(int round) throws Exception {
    java.util.function.LongUnaryOperator f = java.lang.invoke.MethodHandleProxies.asInterfaceInstance(
        java.util.function.LongUnaryOperator.class,
        java.lang.invoke.MethodHandles.dropArguments(java.lang.invoke.MethodHandles.constant(long.class, (long) round), 0,
            long.class));
    long x = 0;
    for (int i = 0; i < 200_000; i++) {
      x += f.applyAsLong(x) ^ Long.rotateLeft(x, round & 63);
    }
    if (x == 42) {
      System.out.println(x);
    }
  }

  @Test
  void ownProcessCpuGrowsWithWork() {
    long pid = ProcessHandle.current().pid();
    long before = Machine.cpuTicks(pid);
    long x = 0;
    long until = System.nanoTime() + 300_000_000L;
    while (System.nanoTime() < until) {
      x += Long.hashCode(x * 31 + 7);
    }
    long after = Machine.cpuTicks(pid);
    assertTrue(before > 0 && after > before, before + " -> " + after + " (" + x + ")");
    assertEquals(-1, Machine.cpuTicks(Long.MAX_VALUE), "no such process");
  }

  @Test
  void redisCommandsSumEveryCommandButInfo() {
    String info = "# Commandstats\r\ncmdstat_get:calls=10,usec=20,usec_per_call=2.00,rejected_calls=0,failed_calls=0\r\n"
        + "cmdstat_evalsha:calls=5,usec=50,usec_per_call=10.00\r\ncmdstat_info:calls=1000,usec=9\r\n";
    assertEquals(15, ServerCost.redisCommands(info));
    assertEquals(0, ServerCost.redisCommands("# Commandstats\r\n"), "a fresh Redis has executed nothing");
    assertEquals(-1, ServerCost.redisCommands("nothing"));
    assertEquals(1.75, ServerCost.redisCpuSeconds("# CPU\r\nused_cpu_sys:0.5\r\nused_cpu_user:1.25\r\n"), 1e-9);
  }

  @Test
  void metricSumAddsEverySeriesOfExactlyThatName() {
    assertEquals(1.5e9, ServerCost.metricSum(METRICS, "jvm_gc_memory_allocated_bytes_total"));
    assertEquals(0.30, ServerCost.metricSum(METRICS, "jvm_gc_pause_seconds_sum"), 1e-9);
    assertEquals(-1, ServerCost.metricSum(METRICS, "jvm_gc_pause_seconds_max"));
    assertEquals(2e7, ServerCost.metricSum(METRICS, "jvm_memory_used_bytes", "Eden"));
  }

  @Test
  void allocationSinceTheLastCollectionIsWhatTheEdenHolds() {
    assertEquals(1.5e9 + 2e7, ServerCost.allocatedBytes(METRICS));
    assertEquals(-1, ServerCost.allocatedBytes("jvm_gc_memory_allocated_bytes_total 5\n"), "no eden reading");
  }

  @Test
  void perUnitDividesTheDifferencesAndKeepsUnknownsUnknown() {
    ServerCost.Reading before = new ServerCost.Reading(10.0, 4.0, 1000, 2.0, 1e9, 0.1);
    ServerCost.Reading after = new ServerCost.Reading(12.5, 4.5, 6000, 2.5, 1.5e9, 0.3);
    ServerCost.PerUnit c = ServerCost.PerUnit.between(before, after, 100_000);
    assertEquals(25.0, c.cpuUs(), 1e-9, "2.5 s over 100k messages");
    assertEquals(5.0, c.compilerCpuUs(), 1e-9, "0.5 s of it compiling");
    assertEquals(0.05, c.redisCommands(), 1e-12);
    assertEquals(5.0, c.redisCpuUs(), 1e-9);
    assertEquals(5000.0, c.allocatedBytes(), 1e-9);
    assertEquals(200.0, c.gcPauseMs(), 1e-9, "pauses over the whole phase, not per unit");

    ServerCost.PerUnit unknown = ServerCost.PerUnit.between(new ServerCost.Reading(-1, -1, -1, -1, -1, -1),
        new ServerCost.Reading(3, 1, 10, 1, 5, 1), 10);
    assertEquals(-1, unknown.cpuUs());
    assertEquals(-1, unknown.compilerCpuUs());
    assertEquals(-1, unknown.redisCommands());
    assertEquals(-1, unknown.allocatedBytes());
    // A counter that went backwards (a restarted Redis) is not a cost.
    assertEquals(-1, ServerCost.PerUnit.between(after, before, 10).redisCommands());
  }

  @Test
  void readsARealRedisAndCountsExactlyTheCommandsSentBetweenTwoReadings() throws Exception {
    try (RedisServer redis = RedisServer.start()) {
      java.net.InetSocketAddress hostPort = new java.net.InetSocketAddress(redis.host(), redis.port());
      ServerCost.Reading before = ServerCost.read(List.of(redis.pid()), hostPort, List.of());
      assertTrue(before.redisCommands() >= 0 && before.redisCpuSeconds() >= 0, before.toString());
      assertTrue(before.cpuSeconds() >= 0, "redis-server's own CPU from /proc: " + before);
      try (Socket s = new Socket(redis.host(), redis.port())) {
        OutputStream out = s.getOutputStream();
        InputStream in = s.getInputStream();
        for (int i = 0; i < 7; i++) {
          out.write("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n".getBytes(StandardCharsets.US_ASCII));
          out.flush();
          assertEquals("+OK\r\n", new String(in.readNBytes(5), StandardCharsets.US_ASCII));
        }
      }
      ServerCost.Reading after = ServerCost.read(List.of(redis.pid()), hostPort, List.of());
      assertEquals(7, ServerCost.PerUnit.between(before, after, 1).redisCommands(), 1e-9,
          "the INFO calls of the readings are not counted");
    }
    assertEquals(-1, ServerCost.read(List.of(), new java.net.InetSocketAddress("127.0.0.1", 1), List.of()).redisCommands(), "no Redis there");
  }

  @Test
  void readsJvmMetersFromANodesMetricsPageAndSkipsNodesWithout() throws Exception {
    HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    http.createContext("/metrics", ex -> {
      byte[] body = METRICS.getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(200, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    http.createContext("/", ex -> {
      ex.sendResponseHeaders(404, -1);
      ex.close();
    });
    http.start();
    try {
      URI node = URI.create("ws://127.0.0.1:" + http.getAddress().getPort());
      ServerCost.Reading r = ServerCost.read(List.of(), null, List.of(node, node));
      assertEquals(2 * (1.5e9 + 2e7), r.allocatedBytes(), "two nodes summed, eden included");
      assertEquals(0.6, r.gcPauseSeconds(), 1e-9);
      assertEquals(-1, r.cpuSeconds(), "no PIDs given");
      assertEquals(-1, r.redisCommands(), "no Redis given");
    } finally {
      http.stop(0);
    }
    assertNotNull(ServerCost.read(List.of(), null, List.of(URI.create("http://127.0.0.1:1"))));
    assertEquals(-1, ServerCost.read(List.of(), null, List.of(URI.create("http://127.0.0.1:1"))).allocatedBytes());
  }

  @Test
  void redisAddressFollowsTheTargetRule() {
    assertEquals(new java.net.InetSocketAddress("127.0.0.1", 6379), Targets.parseHostPort("127.0.0.1:6379"));
    assertThrows(IllegalArgumentException.class, () -> Targets.parseHostPort("8.8.8.8:6379"));
    assertThrows(IllegalArgumentException.class, () -> Targets.parseHostPort("127.0.0.1"));
    assertThrows(IllegalArgumentException.class, () -> Targets.parseHostPort("127.0.0.1:0"));
    assertThrows(IllegalArgumentException.class, () -> Targets.parseHostPort("127.0.0.1:x"));
  }
}
