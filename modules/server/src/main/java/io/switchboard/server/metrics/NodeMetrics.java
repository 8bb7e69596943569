package io.switchboard.server.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.switchboard.cluster.EventBusRouter;
import io.switchboard.cluster.NodeLiveness;
import io.switchboard.protocol.engine.EngineServer;
import io.switchboard.redis.RedisObserver;
import io.switchboard.server.binding.SignalingObserver;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

/**
 * One node's metrics: a Prometheus registry of its own (several nodes may share a JVM in tests),
 * the JVM binders, and the node's meters. Updates are counter bumps on the caller's thread;
 * anything that walks state (sessions by transport, new inter-node event names) runs at scrape
 * time, which {@link MetricsEndpoint} does off the event loops. Every meter is named
 * {@code switchboard.*} (Prometheus: {@code switchboard_*}); the README's Observability section
 * lists them.
 */
public final class NodeMetrics implements AutoCloseable {
  /** The media type of {@link #scrape()}: the Prometheus text format 0.0.4. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final JvmGcMetrics gc = new JvmGcMetrics();
  private final SignalingMetrics signaling;
  private final RedisMetrics redis;
  private final List<Runnable> beforeScrape = new CopyOnWriteArrayList<>();
  private ClusterMetrics cluster;
  private volatile int webSocketSessions;
  private volatile int pollingSessions;

  /** @param nodeId this node's id: the {@code node} tag of {@code switchboard_info} */
  public NodeMetrics(String nodeId) {
    warmUp();
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    String version = NodeMetrics.class.getPackage().getImplementationVersion();
    Gauge.builder("switchboard.info", () -> 1)
        .description("this node: its id (as in the logs' node field) and version")
        .tag("node", nodeId).tag("version", version == null ? "dev" : version).strongReference(true)
        .register(registry);
    this.signaling = new SignalingMetrics(registry);
    this.redis = new RedisMetrics(registry);
  }

  private static final AtomicBoolean WARM = new AtomicBoolean();

  /**
   * Loads the metrics classes (Micrometer, its Prometheus writer, counters, timers with buckets)
   * on the calling thread, once per JVM; every constructor calls it. {@code Main} calls it before
   * Vert.x starts: a clustered node is built on an event loop, and the first counter bumps happen
   * on event loops, which must not spend their time loading classes.
   */
  public static void warmUp() {
    if (!WARM.compareAndSet(false, true)) {
      return;
    }
    PrometheusMeterRegistry r = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Counter.builder("warm.up").tag("t", "t").register(r).increment();
    Timer.builder("warm.up.timer").tag("t", "t").serviceLevelObjectives(Buckets.LATENCY).register(r)
        .record(1, TimeUnit.MILLISECONDS);
    FunctionCounter.builder("warm.up.function", r, x -> 1).register(r);
    Gauge.builder("warm.up.gauge", () -> 1).strongReference(true).register(r);
    r.scrape();
    r.close();
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** Connected sockets (Engine.IO sessions) by transport, counted at scrape time. */
  public void engine(EngineServer engine) {
    Gauge.builder("switchboard.sockets.connected", this, m -> m.webSocketSessions)
        .description("connections open on this node, by current transport").tag("transport", "websocket")
        .strongReference(true).register(registry);
    Gauge.builder("switchboard.sockets.connected", this, m -> m.pollingSessions)
        .description("connections open on this node, by current transport").tag("transport", "polling")
        .strongReference(true).register(registry);
    beforeScrape.add(() -> {
      int total = engine.size();
      int ws = Math.min(total, engine.webSocketSessions());
      webSocketSessions = ws;
      pollingSessions = total - ws;
    });
  }

  /** The binding's observer; {@link #inboundEvents} names the events that get their own tag. */
  public SignalingObserver signaling() {
    return signaling;
  }

  /** The contract's events: the only values of the inbound {@code event} tag besides "other". */
  public void inboundEvents(Set<String> events) {
    signaling.inbound(events);
  }

  /** The Redis stores' observer: round-trip latency and failures. */
  public RedisObserver redis() {
    return redis;
  }

  /** 1 while the node drains. */
  public void draining(BooleanSupplier draining) {
    Gauge.builder("switchboard.draining", draining, d -> d.getAsBoolean() ? 1 : 0)
        .description("1 while this node drains (SIGTERM): not ready, connections closed").strongReference(true)
        .register(registry);
  }

  /** The cluster size gauge; on a single node it reads 1. */
  public void clusterSize(IntSupplier size) {
    cluster = new ClusterMetrics(registry, size);
  }

  /** Inter-node messages by event (a cluster node). */
  public void router(EventBusRouter router) {
    ClusterMetrics c = cluster;
    c.router(router);
    beforeScrape.add(() -> c.refresh(router.stats()));
  }

  /** Near-cache copies, hits and misses (a cluster node with the near cache on). */
  public void nearCaches(java.util.function.Supplier<io.switchboard.cluster.NearCaches.Stats> stats) {
    nearCacheKind(stats, "sockets", "relays", "the recipient's sockets", s -> s.userHits(), s -> s.userMisses());
    nearCacheKind(stats, "calls", "relays", "their connected call", s -> s.callHits(), s -> s.callMisses());
    FunctionCounter.builder("switchboard.near.cache.invalidations", stats, s -> s.get().invalidations())
        .description("copies dropped because a user's sockets or a call changed (on any node)")
        .register(registry);
    Gauge.builder("switchboard.near.cache.entries", stats, s -> s.get().users() + s.get().calls())
        .description("copies held").strongReference(true).register(registry);
  }

  private void nearCacheKind(java.util.function.Supplier<io.switchboard.cluster.NearCaches.Stats> stats, String kind,
      String who, String what, java.util.function.ToLongFunction<io.switchboard.cluster.NearCaches.Stats> hits,
      java.util.function.ToLongFunction<io.switchboard.cluster.NearCaches.Stats> misses) {
    FunctionCounter.builder("switchboard.near.cache.hits", stats, s -> hits.applyAsLong(s.get())).tag("kind", kind)
        .description(who + " that found " + what + " in this node's copy").register(registry);
    FunctionCounter.builder("switchboard.near.cache.misses", stats, s -> misses.applyAsLong(s.get())).tag("kind", kind)
        .description(who + " that read " + what + " from Redis").register(registry);
  }

  /** Dead-node cleanups and lease renewals (a cluster node). */
  public void liveness(NodeLiveness liveness) {
    cluster.liveness(liveness);
  }

  /**
   * The Prometheus text of every meter. Walks the sessions and reads the JVM's MXBeans: call it
   * off the event loops (a worker thread).
   */
  public String scrape() {
    for (Runnable r : beforeScrape) {
      r.run();
    }
    return registry.scrape();
  }

  /** Stops the JVM binders that hold listeners (GC notifications). The registry still scrapes. */
  @Override
  public void close() {
    gc.close();
  }
}
