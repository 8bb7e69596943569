package io.switchboard.server.cluster;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.cluster.ClusterNode;
import io.switchboard.cluster.ClusterSettings;
import io.switchboard.server.Backend;
import io.switchboard.server.ServerConfig;
import io.switchboard.server.SwitchboardNode;
import io.switchboard.server.api.TestNodes;
import io.switchboard.server.e2e.JsScenarios;
import io.switchboard.signaling.ids.MeetingId;
import io.switchboard.signaling.ids.NodeId;
import io.switchboard.signaling.ids.UserId;
import io.switchboard.testkit.NodeJs;
import io.switchboard.testkit.RedisServer;
import io.switchboard.testkit.TestVertx;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.internal.VertxInternal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.opentest4j.TestAbortedException;

/**
 * A real cluster in this JVM: one Redis of its own ({@link RedisServer}, a free loopback port) and
 * three clustered Vert.x instances (Hazelcast on loopback through {@link ClusterNode#start}, a
 * cluster name of their own so concurrent runs on one machine never join each other), each with
 * the event-loop watch the tests enforce (a loop blocked over 200 ms is recorded).
 *
 * <p>On it, a test class starts {@linkplain #group groups}: one {@link SwitchboardNode} per Vert.x
 * (so a group is three nodes whose messages to each other really cross the clustered event bus),
 * each on {@code PORT=0} with {@link Backend#redis} under a Redis key prefix of the group's own,
 * and with the settings the group asks for. Groups with different settings (ring timeout, room
 * capacity, JWT, ...) share the three Vert.x instances and stay apart: their state lives under
 * different prefixes and their node ids differ ({@code <cluster node id>/<group>}; liveness then
 * rests on the Redis leases, which is what the fault tests, with one process per node, do not
 * need). Starting Hazelcast costs seconds per member, so the Vert.x instances are started once per
 * test run and shared by the classes that declare {@code @ExtendWith(ClusterFixture.Shared.class)}
 * (a {@code ClusterFixture} parameter of their {@code @BeforeAll}); they are closed when the run ends.
 */
final class ClusterFixture implements ExtensionContext.Store.CloseableResource {
  static final int SIZE = 3;
  private static final System.Logger log = System.getLogger(ClusterFixture.class.getName());

  private final RedisServer redis;
  private final List<Vertx> vertxes;
  private final String clusterName;
  private final List<String> blocked = new CopyOnWriteArrayList<>();
  private final List<NodeGroup> groups = new CopyOnWriteArrayList<>();
  private volatile boolean watching;

  private ClusterFixture(RedisServer redis, List<Vertx> vertxes, String clusterName) {
    this.redis = redis;
    this.vertxes = vertxes;
    this.clusterName = clusterName;
  }

  /** Hands the run's one fixture to {@code @BeforeAll} methods (started on first use). */
  static final class Shared implements ParameterResolver {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(ClusterFixture.class);

    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext ctx) {
      return p.getParameter().getType() == ClusterFixture.class;
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext ctx) {
      return ctx.getRoot().getStore(NS).getOrComputeIfAbsent("cluster", k -> start(), ClusterFixture.class);
    }
  }

  /** Starts Redis and the three clustered Vert.x instances, waits until they see each other, warms up. */
  static ClusterFixture start() {
    long t0 = System.nanoTime();
    TestVertx.warmUp();
    TestNodes.warmUp();
    RedisServer redis = RedisServer.start();
    String name = "sb-test-" + UUID.randomUUID();
    ClusterSettings settings = ClusterSettings.loopback().withClusterName(name);
    List<Future<Vertx>> starting = new ArrayList<>();
    for (int i = 0; i < SIZE; i++) {
      starting.add(ClusterNode.start(new VertxOptions()
          .setEventLoopPoolSize(2)
          .setMaxEventLoopExecuteTime(200).setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS)
          .setBlockedThreadCheckInterval(50).setBlockedThreadCheckIntervalUnit(TimeUnit.MILLISECONDS), settings));
    }
    List<Vertx> vertxes = new ArrayList<>();
    try {
      for (Future<Vertx> f : starting) {
        vertxes.add(TestVertx.await(f, 90_000));
      }
    } catch (RuntimeException | AssertionError e) {
      for (Future<Vertx> f : starting) {
        f.onSuccess(Vertx::close);
      }
      redis.close();
      throw e;
    }
    ClusterFixture fixture = new ClusterFixture(redis, vertxes, name);
    for (int i = 0; i < SIZE; i++) {
      int node = i;
      ((VertxInternal) vertxes.get(i)).blockedThreadChecker().setThreadBlockedHandler(event -> {
        if (fixture.watching) {
          fixture.blocked.add("vertx " + node + ": " + event.thread().getName() + " blocked for "
              + event.duration() / 1_000_000 + " ms");
        }
      });
    }
    awaitTrue(() -> vertxes.stream().allMatch(v -> ClusterNode.members(v).size() == SIZE), 30_000,
        "all " + SIZE + " members see each other");
    System.out.println("[cluster] " + SIZE + " clustered Vert.x and " + redis + " up in "
        + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) + " ms (cluster " + name + ")");
    fixture.warmUp();
    fixture.watching = true;
    return fixture;
  }

  /**
   * A cold JVM loads the classes of every path (Socket.IO, the stores' Redis client, the event-bus
   * codec) on whichever event loop runs it first; so every path runs once, with clients on two
   * nodes, before the loops are watched. Uses {@code warmup.js} (skipped without node/npm).
   */
  private void warmUp() {
    long t0 = System.nanoTime();
    NodeGroup warm = group("warm-up", Map.of("SWITCHBOARD_MEETINGS_AUTO_CREATE", "false"));
    try {
      NodeJs js;
      try {
        js = JsScenarios.nodeJs();
      } catch (TestAbortedException noNode) {
        return;
      }
      String meeting = "warm-up-" + UUID.randomUUID();
      TestVertx.await(warm.nodes().get(0).signaling().meetings()
          .create(MeetingId.of(meeting), "Warm-up", UserId.of("warm-a"), "warm", null));
      NodeJs.Result r = js.run(List.of("warmup.js", String.join(",", warm.urls()), meeting, "warm"), 30, Map.of());
      System.out.println("[cluster warm-up] exit " + r.exit() + " in " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)
          + " ms" + (r.stderr().isBlank() ? "" : "\n" + r.stderr()));
    } catch (Exception e) {
      System.out.println("[cluster warm-up] " + e);
    } finally {
      warm.close();
    }
  }

  RedisServer redis() {
    return redis;
  }

  List<Vertx> vertxes() {
    return vertxes;
  }

  String clusterName() {
    return clusterName;
  }

  /** Every blocked event loop seen since the warm-up (all groups). */
  List<String> blockedThreads() {
    return List.copyOf(blocked);
  }

  int blockedCount() {
    return blocked.size();
  }

  List<String> blockedSince(int index) {
    List<String> all = blockedThreads();
    return all.subList(Math.min(index, all.size()), all.size());
  }

  /**
   * Starts one node per Vert.x with these settings, sharing state under the Redis prefix
   * {@code sbt:<name>:}; {@code name} must be unique in the run (use the test class's name).
   */
  NodeGroup group(String name, Map<String, String> settings) {
    Map<String, String> env = new HashMap<>();
    env.put("PORT", "0");
    env.put("SWITCHBOARD_HOST", "127.0.0.1");
    env.put("SWITCHBOARD_EVENT_LOOPS", "2");
    env.put("SWITCHBOARD_BCRYPT_COST", "4");
    env.putAll(settings);
    env.put("REDIS_URL", redis.url());
    env.put("SWITCHBOARD_REDIS_PREFIX", "sbt:" + name + ":");
    env.put("SWITCHBOARD_CLUSTER_NAME", clusterName);
    ServerConfig config = ServerConfig.fromEnv(env);
    List<SwitchboardNode> nodes = new ArrayList<>();
    NodeGroup group = new NodeGroup(name, config.redis().prefix(), nodes);
    synchronized (this) {
      try {
        for (Vertx vertx : vertxes) {
          NodeId id = NodeId.of(ClusterNode.nodeId(vertx).value() + "/" + name);
          Backend backend = TestVertx.await(Backend.redis(vertx, config.redis(), id), 20_000);
          try {
            nodes.add(TestVertx.await(SwitchboardNode.start(vertx, config, backend), 20_000));
          } catch (RuntimeException | AssertionError e) {
            TestVertx.await(backend.close().get(), 10_000);
            throw e;
          }
        }
      } catch (RuntimeException | AssertionError e) {
        group.close();
        throw e;
      }
    }
    groups.add(group);
    return group;
  }

  /** Three nodes, one per clustered Vert.x, sharing one Redis prefix and one set of settings. */
  final class NodeGroup implements AutoCloseable {
    private final String name;
    private final String prefix;
    private final List<SwitchboardNode> nodes;
    private boolean closed;

    NodeGroup(String name, String prefix, List<SwitchboardNode> nodes) {
      this.name = name;
      this.prefix = prefix;
      this.nodes = nodes;
    }

    String name() {
      return name;
    }

    /** The Redis key prefix of this group's state. */
    String prefix() {
      return prefix;
    }

    List<SwitchboardNode> nodes() {
      return nodes;
    }

    SwitchboardNode node(int i) {
      return nodes.get(i);
    }

    List<String> urls() {
      return nodes.stream().map(n -> "http://127.0.0.1:" + n.port()).toList();
    }

    /** Drains every node (its clients are disconnected, its entries removed) and closes its Redis client. */
    @Override
    public synchronized void close() {
      if (closed) {
        return;
      }
      closed = true;
      groups.remove(this);
      for (SwitchboardNode n : nodes) {
        try {
          TestVertx.await(n.stop(), 15_000);
        } catch (RuntimeException | AssertionError e) {
          log.log(System.Logger.Level.WARNING, "group " + name + ": node stop: " + e);
        }
        try {
          TestVertx.await(n.backend().close().get(), 10_000);
        } catch (RuntimeException | AssertionError e) {
          log.log(System.Logger.Level.WARNING, "group " + name + ": Redis client close: " + e);
        }
      }
    }
  }

  /** Stops every group still running, the Vert.x instances (leaving the cluster) and Redis. */
  @Override
  public void close() {
    watching = false;
    for (NodeGroup g : List.copyOf(groups)) {
      g.close();
    }
    try {
      TestVertx.await(Future.join(vertxes.stream().map(Vertx::close).toList()), 30_000);
    } catch (RuntimeException | AssertionError e) {
      log.log(System.Logger.Level.WARNING, "closing the clustered Vert.x instances: " + e);
    }
    redis.close();
  }

  static void awaitTrue(BooleanSupplier condition, long timeoutMs, String what) {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (!condition.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        assertTrue(condition.getAsBoolean(), what + " within " + timeoutMs + " ms");
        return;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
