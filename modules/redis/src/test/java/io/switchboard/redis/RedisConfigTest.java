package io.switchboard.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.RedisRole;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RedisConfigTest {
  @Test
  void defaultsAreALocalStandaloneRedisWithATwoSecondDeadline() {
    RedisConfig c = RedisConfig.defaults();
    assertEquals(List.of("redis://127.0.0.1:6379"), c.urls());
    assertEquals(RedisConfig.Type.STANDALONE, c.type());
    assertEquals("sb:", c.prefix());
    assertEquals(Duration.ofSeconds(2), c.commandTimeout());
    assertEquals(8, c.poolSize());
  }

  @Test
  void badConfigsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> RedisConfig.standalone("http://x:1"));
    assertThrows(IllegalArgumentException.class, () -> RedisConfig.cluster(List.of()));
    assertThrows(IllegalArgumentException.class, () -> RedisConfig.sentinel(List.of("redis://s:26379"), ""));
    assertThrows(IllegalArgumentException.class, () -> RedisConfig.defaults().withPrefix("sb{x}:"));
    assertThrows(IllegalArgumentException.class, () -> RedisConfig.defaults().withCommandTimeout(Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> RedisConfig.defaults().withPool(0, 10));
  }

  @Test
  void passwordsNeverShowInLogs() {
    RedisConfig c = RedisConfig.standalone("redis://:s3cret@10.0.0.1:6379/0");
    assertFalse(c.toString().contains("s3cret"), c.toString());
    assertEquals(List.of("redis://:***@10.0.0.1:6379/0"), c.redactedUrls());
    assertEquals("redis://app:***@h:1", RedisConfig.redact("redis://app:pw@h:1"));
    assertEquals("redis://h:1", RedisConfig.redact("redis://h:1"));
  }

  @Test
  void optionsFollowTheTopology() {
    RedisOptions sentinel = RedisStores.options(RedisConfig.sentinel(List.of("redis://s1:26379", "redis://s2:26379"),
        "mymaster"));
    assertEquals(RedisClientType.SENTINEL, sentinel.getType());
    assertEquals("mymaster", sentinel.getMasterName());
    assertEquals(RedisRole.MASTER, sentinel.getRole());
    assertEquals(List.of("redis://s1:26379", "redis://s2:26379"), sentinel.getEndpoints());
    RedisOptions cluster = RedisStores.options(RedisConfig.cluster(List.of("redis://n1:7000")).withPool(16, 100));
    assertEquals(RedisClientType.CLUSTER, cluster.getType());
    assertEquals(16, cluster.getMaxPoolSize());
    assertEquals(100, cluster.getMaxPoolWaiting());
  }

  @Test
  void redisOlderThanSixTwoIsRefused() {
    assertTrue(RedisStores.checkVersion("# Server\r\nredis_version:6.0.9\r\n").failed());
    assertTrue(RedisStores.checkVersion("# Server\r\nredis_version:6.2.0\r\n").succeeded());
    assertTrue(RedisStores.checkVersion("# Server\r\nredis_version:7.0.15\r\nredis_mode:standalone\r\n").succeeded());
  }
}
