package io.switchboard.server;

import io.switchboard.redis.RedisConfig;
import io.switchboard.redis.RedisObserver;
import io.switchboard.redis.RedisStores;
import io.switchboard.signaling.ids.NodeId;
import io.switchboard.signaling.store.NodeLeases;
import io.switchboard.signaling.store.SocketRegistry;
import io.switchboard.signaling.store.Stores;
import io.switchboard.signaling.store.memory.InMemoryNodeLeases;
import io.switchboard.signaling.store.memory.InMemorySocketRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Where a node keeps its state: in memory (one node), or in Redis shared by a cluster.
 *
 * @param node this node's id (in a cluster: the cluster manager's node id)
 * @param stores the domain state
 * @param registry which sockets each node holds
 * @param leases node liveness in the shared state
 * @param clustered whether other nodes share this state over the clustered event bus
 * @param ping answers when the shared state is reachable (readiness)
 * @param close releases connections
 * @param observeRedis hands the shared state an observer of its Redis round trips (metrics); a
 *     no-op in memory
 */
public record Backend(
    NodeId node, Stores stores, SocketRegistry registry, NodeLeases leases, boolean clustered,
    Supplier<Future<Void>> ping, Supplier<Future<Void>> close, Consumer<RedisObserver> observeRedis) {

  public Backend {
    Objects.requireNonNull(node);
    Objects.requireNonNull(stores);
    Objects.requireNonNull(registry);
    Objects.requireNonNull(leases);
    Objects.requireNonNull(ping);
    Objects.requireNonNull(close);
    Objects.requireNonNull(observeRedis);
  }

  /**
   * A cluster node's backend: the state, registry and leases in Redis. Fails when Redis cannot be
   * reached now (a node does not start without its shared state).
   */
  public static Future<Backend> redis(Vertx vertx, RedisConfig config, NodeId node) {
    return RedisStores.open(vertx, config).map(redis -> new Backend(node, redis.stores(), redis.registry(), redis.leases(),
        true, redis::ping, redis::close, redis::observe));
  }

  /** The single-node default: everything in this process's memory. */
  public static Backend inMemory(NodeId node) {
    return new Backend(node, Stores.inMemory(), new InMemorySocketRegistry(), new InMemoryNodeLeases(), false,
        Future::succeededFuture, Future::succeededFuture, observer -> { });
  }
}
