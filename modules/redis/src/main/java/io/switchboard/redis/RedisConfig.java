package io.switchboard.redis;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How to reach Redis. Immutable; {@link #defaults()} gives a standalone Redis on localhost.
 *
 * @param urls {@code redis://[[user]:password@]host:port[/db]} (or {@code rediss://} for TLS): the
 *     server for {@link Type#STANDALONE}, the sentinels for {@link Type#SENTINEL}, some seed nodes
 *     for {@link Type#CLUSTER}. A password is given in the URL.
 * @param type the topology
 * @param masterName the name of the monitored master (sentinel only, else null)
 * @param prefix put before every key (see {@link RedisKeys}); must not contain braces
 * @param commandTimeout the deadline of every command: past it the operation fails
 *     {@code unavailable} (a frozen Redis keeps its TCP connections open, only this notices it)
 * @param poolSize connections per Redis node (one per event loop, at most this less one, carries that loop's commands, pipelined)
 * @param poolWaitQueue commands that may be in flight on one connection (or wait for one); past it they fail
 *     {@code unavailable} at once
 */
public record RedisConfig(
    List<String> urls,
    Type type,
    String masterName,
    String prefix,
    Duration commandTimeout,
    int poolSize,
    int poolWaitQueue) {

  public static final String DEFAULT_URL = "redis://127.0.0.1:6379";
  public static final String DEFAULT_PREFIX = "sb:";
  public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(2);
  public static final int DEFAULT_POOL_SIZE = 8;
  public static final int DEFAULT_POOL_WAIT_QUEUE = 4096;

  /** The Redis deployments the stores can use. */
  public enum Type {
    STANDALONE,
    SENTINEL,
    CLUSTER
  }

  public RedisConfig {
    urls = List.copyOf(Objects.requireNonNull(urls, "urls"));
    if (urls.isEmpty()) {
      throw new IllegalArgumentException("at least one Redis URL is needed");
    }
    for (String url : urls) {
      if (!url.startsWith("redis://") && !url.startsWith("rediss://")) {
        throw new IllegalArgumentException("a Redis URL starts with redis:// or rediss://: " + redact(url));
      }
    }
    Objects.requireNonNull(type, "type");
    if (type == Type.SENTINEL && (masterName == null || masterName.isEmpty())) {
      throw new IllegalArgumentException("sentinel needs the master name");
    }
    if (type != Type.SENTINEL && masterName != null) {
      throw new IllegalArgumentException("a master name is for sentinel only");
    }
    Objects.requireNonNull(prefix, "prefix");
    if (prefix.indexOf('{') >= 0 || prefix.indexOf('}') >= 0) {
      // A brace in the prefix would become the key's hash tag and put every key in one slot.
      throw new IllegalArgumentException("the key prefix must not contain braces: " + prefix);
    }
    Objects.requireNonNull(commandTimeout, "commandTimeout");
    if (commandTimeout.isNegative() || commandTimeout.isZero()) {
      throw new IllegalArgumentException("commandTimeout must be positive");
    }
    if (poolSize < 1) {
      throw new IllegalArgumentException("poolSize must be positive");
    }
    if (poolWaitQueue < 1) {
      throw new IllegalArgumentException("poolWaitQueue must be positive");
    }
  }

  /** A standalone Redis on localhost, prefix {@code sb:}, 2 s deadline. */
  public static RedisConfig defaults() {
    return standalone(DEFAULT_URL);
  }

  /** A standalone Redis at {@code url}, with the other defaults. */
  public static RedisConfig standalone(String url) {
    return new RedisConfig(List.of(url), Type.STANDALONE, null, DEFAULT_PREFIX, DEFAULT_COMMAND_TIMEOUT,
        DEFAULT_POOL_SIZE, DEFAULT_POOL_WAIT_QUEUE);
  }

  /** Sentinels at {@code sentinelUrls} watching {@code masterName}, with the other defaults. */
  public static RedisConfig sentinel(List<String> sentinelUrls, String masterName) {
    return new RedisConfig(sentinelUrls, Type.SENTINEL, masterName, DEFAULT_PREFIX, DEFAULT_COMMAND_TIMEOUT,
        DEFAULT_POOL_SIZE, DEFAULT_POOL_WAIT_QUEUE);
  }

  /** A Redis Cluster reached through the seed nodes {@code seedUrls}, with the other defaults. */
  public static RedisConfig cluster(List<String> seedUrls) {
    return new RedisConfig(seedUrls, Type.CLUSTER, null, DEFAULT_PREFIX, DEFAULT_COMMAND_TIMEOUT, DEFAULT_POOL_SIZE,
        DEFAULT_POOL_WAIT_QUEUE);
  }

  public RedisConfig withPrefix(String newPrefix) {
    return new RedisConfig(urls, type, masterName, newPrefix, commandTimeout, poolSize, poolWaitQueue);
  }

  public RedisConfig withCommandTimeout(Duration newTimeout) {
    return new RedisConfig(urls, type, masterName, prefix, newTimeout, poolSize, poolWaitQueue);
  }

  public RedisConfig withPool(int newPoolSize, int newPoolWaitQueue) {
    return new RedisConfig(urls, type, masterName, prefix, commandTimeout, newPoolSize, newPoolWaitQueue);
  }

  /** The URLs with any password replaced by {@code ***}, for logs. */
  public List<String> redactedUrls() {
    return urls.stream().map(RedisConfig::redact).toList();
  }

  @Override
  public String toString() {
    return "RedisConfig[urls=" + redactedUrls() + ", type=" + type + ", masterName=" + masterName + ", prefix=" + prefix
        + ", commandTimeout=" + commandTimeout + ", poolSize=" + poolSize + ", poolWaitQueue=" + poolWaitQueue + "]";
  }

  static String redact(String url) {
    int scheme = url.indexOf("://");
    int at = url.lastIndexOf('@');
    if (scheme < 0 || at < scheme) {
      return url;
    }
    String userInfo = url.substring(scheme + 3, at);
    int colon = userInfo.indexOf(':');
    String user = colon < 0 ? "" : userInfo.substring(0, colon);
    return url.substring(0, scheme + 3) + user + ":***" + url.substring(at);
  }
}
