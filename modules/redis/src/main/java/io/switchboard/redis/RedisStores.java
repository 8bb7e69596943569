package io.switchboard.redis;

import io.switchboard.signaling.store.NodeLeases;
import io.switchboard.signaling.store.SocketRegistry;
import io.switchboard.signaling.store.Stores;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.ProtocolVersion;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.RedisReplicas;
import io.vertx.redis.client.RedisRole;
import io.vertx.redis.client.Request;
import java.util.ArrayList;

/**
 * The Redis stores of a cluster node, on one Vert.x Redis client (standalone, Sentinel or
 * Cluster; Redis 6.2 or later). Every operation returns a future, never blocks, and fails with
 * {@code unavailable} when Redis cannot be reached within the command deadline; the client
 * reconnects by itself when Redis is back, so the stores are never recreated.
 *
 * <p>A command that missed its deadline may still run later, when a hung Redis resumes: each
 * script is atomic, so nothing is ever half-written, and the reverse indexes stay supersets (see
 * {@link RedisKeys}), so a socket's cleanup still finds such a late membership.
 */
public final class RedisStores {
  private final RedisCommands commands;
  private final RedisConfig config;
  private final Stores stores;

  private RedisStores(RedisCommands commands, RedisConfig config) {
    this.commands = commands;
    this.config = config;
    this.stores = storesUnder(config.prefix());
  }

  /** Connects, loads the scripts and returns the stores. Fails when Redis cannot be reached now. */
  public static Future<Stores> connect(Vertx vertx, RedisConfig config) {
    return open(vertx, config).map(RedisStores::stores);
  }

  /** Like {@link #connect}, keeping the handle for readiness checks and closing. */
  public static Future<RedisStores> open(Vertx vertx, RedisConfig config) {
    Redis redis = Redis.createClient(vertx, options(config));
    RedisCommands commands = new RedisCommands(vertx, redis, config.type() == RedisConfig.Type.CLUSTER,
        config.commandTimeout().toMillis(), config.poolSize(), config.poolWaitQueue());
    return commands.send(Request.cmd(Command.INFO).arg("server"))
        .compose(info -> checkVersion(String.valueOf(info)))
        .compose(v -> commands.loadScripts(RedisScripts.ALL))
        .map(v -> new RedisStores(commands, config))
        .recover(e -> commands.close().transform(closed -> Future.failedFuture(new IllegalStateException(
            "cannot use Redis at " + config.redactedUrls() + ": " + e.getMessage() + commands.lastFailure(), e))));
  }

  /** GETDEL and SET ... GET need Redis 6.2. */
  static Future<Void> checkVersion(String info) {
    for (String line : info.split("\r?\n")) {
      if (line.startsWith("redis_version:")) {
        String[] v = line.substring("redis_version:".length()).trim().split("\\.");
        int major = Integer.parseInt(v[0]);
        int minor = v.length > 1 ? Integer.parseInt(v[1]) : 0;
        if (major < 6 || (major == 6 && minor < 2)) {
          return Future.failedFuture(new IllegalStateException("Redis " + String.join(".", v)
              + " is too old: the stores need 6.2 or later"));
        }
        return Future.succeededFuture();
      }
    }
    // Not Redis itself (a compatible server that does not say): let the scripts find out.
    return Future.succeededFuture();
  }

  static RedisOptions options(RedisConfig config) {
    RedisOptions options = new RedisOptions()
        .setEndpoints(new ArrayList<>(config.urls()))
        .setMaxPoolSize(config.poolSize())
        .setMaxPoolWaiting(config.poolWaitQueue())
        // Commands in flight on one pipelined connection (see RedisCommands); past it they fail.
        .setMaxWaitingHandlers(config.poolWaitQueue())
        // Flat replies (RESP2) whatever the server speaks: the scripts and readers expect arrays.
        .setPreferredProtocolVersion(ProtocolVersion.RESP2)
        .setNetClientOptions(new NetClientOptions()
            .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, config.commandTimeout().toMillis()))
            .setTcpNoDelay(true)
            .setTcpKeepAlive(true));
    switch (config.type()) {
      case STANDALONE -> options.setType(RedisClientType.STANDALONE);
      case SENTINEL -> options.setType(RedisClientType.SENTINEL).setMasterName(config.masterName())
          .setRole(RedisRole.MASTER);
      case CLUSTER -> options.setType(RedisClientType.CLUSTER).setUseReplicas(RedisReplicas.NEVER);
      default -> throw new IllegalArgumentException("unknown Redis type " + config.type());
    }
    return options;
  }

  public Stores stores() {
    return stores;
  }

  /** Which sockets each node holds, under the configured prefix. */
  public SocketRegistry registry() {
    return new RedisSocketRegistry(commands, new RedisKeys(config.prefix()));
  }

  /** Node leases and cleanup claims, under the configured prefix. */
  public NodeLeases leases() {
    return new RedisNodeLeases(commands, new RedisKeys(config.prefix()));
  }

  /** Registry under another prefix (tests). */
  SocketRegistry registryUnder(String prefix) {
    return new RedisSocketRegistry(commands, new RedisKeys(prefix));
  }

  /** Leases under another prefix (tests). */
  NodeLeases leasesUnder(String prefix) {
    return new RedisNodeLeases(commands, new RedisKeys(prefix));
  }

  /** Stores on the same connection under another key prefix (tests give each test its own). */
  Stores storesUnder(String prefix) {
    RedisKeys keys = new RedisKeys(prefix);
    return new Stores(
        new RedisMeetingStore(commands, keys),
        new RedisRoomStore(commands, keys),
        new RedisPresenceStore(commands, keys),
        new RedisGroupStore(commands, keys),
        new RedisCallStore(commands, keys));
  }

  public RedisConfig config() {
    return config;
  }

  /** One PING within the deadline: succeeds when Redis answers, fails {@code unavailable} otherwise. */
  public Future<Void> ping() {
    return commands.ping();
  }

  /**
   * Reports every Redis round trip from now on (latency and outcome) to {@code observer}; the
   * server turns them into metrics. Replaces the previous observer; null observes nothing.
   */
  public void observe(RedisObserver observer) {
    commands.observe(observer);
  }

  /** Whether the last command reached Redis; cheap, for readiness between pings. */
  public boolean reachable() {
    return commands.reachable();
  }

  /** Closes the connections; the stores fail afterwards. */
  public Future<Void> close() {
    return commands.close();
  }
}
