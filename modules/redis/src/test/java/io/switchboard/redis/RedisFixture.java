package io.switchboard.redis;

import io.switchboard.signaling.store.Stores;
import io.switchboard.testkit.RedisServer;
import io.switchboard.testkit.TestVertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A Redis of the test class's own (one redis-server, or a Redis Cluster of several) and one
 * Vert.x; each test gets the stores under a key prefix of its own, so tests never see each
 * other's keys. After the class, fails when an event loop was blocked. Registered on an outer
 * class, it serves its {@code @Nested} classes too (started once).
 */
final class RedisFixture implements BeforeAllCallback, AfterAllCallback {
  private static final String SENTINEL_MASTER = "sb-master";

  private final RedisConfig.Type type;
  private final int clusterMasters;
  private final AtomicInteger prefixes = new AtomicInteger();
  private final List<RedisServer> servers = new ArrayList<>();
  private Class<?> owner;
  private TestVertx vertx;
  private RedisStores redis;

  private RedisFixture(RedisConfig.Type type, int clusterMasters) {
    this.type = type;
    this.clusterMasters = clusterMasters;
  }

  /** One standalone redis-server. */
  static RedisFixture standalone() {
    return new RedisFixture(RedisConfig.Type.STANDALONE, 0);
  }

  /** One redis-server reached through one sentinel that monitors it. */
  static RedisFixture sentinel() {
    return new RedisFixture(RedisConfig.Type.SENTINEL, 0);
  }

  /** A Redis Cluster of {@code masters} redis-servers (no replicas), slots spread evenly. */
  static RedisFixture cluster(int masters) {
    return new RedisFixture(RedisConfig.Type.CLUSTER, masters);
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    if (owner != null) {
      return;
    }
    owner = context.getRequiredTestClass();
    RedisConfig config = switch (type) {
      case STANDALONE -> {
        servers.add(RedisServer.start());
        yield RedisConfig.standalone(servers.get(0).url());
      }
      case SENTINEL -> {
        servers.add(RedisServer.start());
        servers.add(RedisServer.startSentinel(SENTINEL_MASTER, servers.get(0)));
        yield RedisConfig.sentinel(List.of(servers.get(1).url()), SENTINEL_MASTER);
      }
      case CLUSTER -> {
        servers.addAll(LocalCluster.start(clusterMasters));
        yield RedisConfig.cluster(servers.stream().map(RedisServer::url).toList());
      }
    };
    vertx = TestVertx.create();
    redis = TestVertx.await(RedisStores.open(vertx.vertx(), config));
  }

  /** The stores under a prefix no other test uses. */
  Stores fresh() {
    return fresh("t" + prefixes.incrementAndGet() + ":");
  }

  /** A socket registry under a prefix no other test uses. */
  io.switchboard.signaling.store.SocketRegistry freshRegistry() {
    return redis.registryUnder("t" + prefixes.incrementAndGet() + ":");
  }

  /** Node leases under a prefix no other test uses. */
  io.switchboard.signaling.store.NodeLeases freshLeases() {
    return redis.leasesUnder("t" + prefixes.incrementAndGet() + ":");
  }

  /** The stores under {@code prefix}. */
  Stores fresh(String prefix) {
    return redis.storesUnder(prefix);
  }

  List<RedisServer> servers() {
    return List.copyOf(servers);
  }

  RedisServer server() {
    return servers.get(0);
  }

  TestVertx vertx() {
    return vertx;
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (context.getRequiredTestClass() != owner) {
      return;
    }
    try {
      if (redis != null) {
        TestVertx.await(redis.close());
      }
      if (vertx != null) {
        vertx.assertNoBlockedThreads();
      }
    } finally {
      if (vertx != null) {
        vertx.close();
      }
      // The sentinel (last) before the master it watches.
      for (int i = servers.size() - 1; i >= 0; i--) {
        servers.get(i).close();
      }
    }
  }
}
