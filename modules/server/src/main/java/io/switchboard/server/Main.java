package io.switchboard.server;

import io.switchboard.cluster.ClusterNode;
import io.switchboard.server.metrics.NodeMetrics;
import io.switchboard.server.ops.Logging;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.concurrent.TimeUnit;

/** {@code java -jar switchboard.jar}: one node, configured from the environment. */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws Exception {
    ServerConfig config;
    try {
      config = ServerConfig.fromEnv(System.getenv());
    } catch (ConfigException e) {
      System.err.println("switchboard: configuration error: " + e.getMessage());
      System.exit(2);
      return;
    }
    // Before anything logs: JSON lines (or text) through logback, java.util.logging bridged.
    Logging.install(config.log().format(), config.log().level());
    NodeMetrics.warmUp();
    VertxOptions options = vertxOptions(config);
    Vertx vertx = null;
    SwitchboardNode node;
    try {
      if (config.clustered()) {
        // One node of a cluster: Hazelcast membership, the clustered event bus, state in Redis.
        vertx = ClusterNode.start(options, config.cluster()).toCompletionStage().toCompletableFuture()
            .get(120, TimeUnit.SECONDS);
        Vertx clustered = vertx;
        Logging.nodeId(ClusterNode.nodeId(clustered).value());
        node = withRetries(() -> Backend.redis(clustered, config.redis(), ClusterNode.nodeId(clustered)), 30)
            .compose(backend -> SwitchboardNode.start(clustered, config, backend))
            .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
      } else {
        Logging.nodeId(config.nodeId());
        vertx = Vertx.vertx(options);
        node = SwitchboardNode.start(vertx, config).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
    } catch (Exception e) {
      Throwable cause = e instanceof java.util.concurrent.ExecutionException && e.getCause() != null ? e.getCause() : e;
      System.err.println("switchboard: failed to start: " + cause.getMessage());
      System.getLogger(Main.class.getName()).log(System.Logger.Level.ERROR, "failed to start", cause);
      if (vertx != null) {
        vertx.close();
      }
      Logging.stop();
      System.exit(1);
      return;
    }
    Vertx running = vertx;
    // SIGTERM: drain (readiness false, clients told to reconnect elsewhere, own entries removed),
    // then close Vert.x, which leaves the cluster (vertx-hazelcast turned Hazelcast's hook off).
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      System.Logger log = System.getLogger(Main.class.getName());
      long start = System.nanoTime();
      log.log(System.Logger.Level.INFO, "shutting down: draining (up to " + config.drainTimeout().toMillis() + " ms)");
      try {
        node.drain(config.drainTimeout()).toCompletionStage().toCompletableFuture()
            .get(config.drainTimeout().toMillis() + 5_000, TimeUnit.MILLISECONDS);
        log.log(System.Logger.Level.INFO, "drained in " + (System.nanoTime() - start) / 1_000_000 + " ms");
      } catch (Exception e) {
        log.log(System.Logger.Level.WARNING, "drain did not finish: " + e);
      }
      try {
        running.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // Shutting down anyway.
      }
      // Last: writes out the lines still queued in the asynchronous appender.
      Logging.stop();
    }, "switchboard-shutdown"));
  }

  /**
   * The packaged node's Vert.x: its event loops, and Netty's native epoll transport unless
   * {@code SWITCHBOARD_TRANSPORT=nio} (fewer system calls and less CPU per message than the JDK's
   * selector; Vert.x falls back to NIO where the native library does not load).
   */
  static VertxOptions vertxOptions(ServerConfig config) {
    return new VertxOptions().setEventLoopPoolSize(config.eventLoops()).setPreferNativeTransport(config.nativeTransport());
  }

  /**
   * Opens the Redis backend, retrying once a second (a node started together with its Redis, or
   * during a Redis restart, waits for it instead of exiting).
   */
  private static io.vertx.core.Future<Backend> withRetries(java.util.function.Supplier<io.vertx.core.Future<Backend>> open,
      int attempts) throws Exception {
    Exception last = null;
    for (int i = 0; i < attempts; i++) {
      try {
        return io.vertx.core.Future.succeededFuture(open.get().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS));
      } catch (Exception e) {
        last = e;
        System.err.println("switchboard: Redis not usable yet (attempt " + (i + 1) + " of " + attempts + "): "
            + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()));
        Thread.sleep(1000);
      }
    }
    throw last;
  }
}
