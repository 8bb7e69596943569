package io.switchboard.redis;

import io.switchboard.testkit.RedisServer;
import java.util.ArrayList;
import java.util.List;

/** Forms a Redis Cluster out of fresh redis-servers, for tests: blocking, test threads only. */
final class LocalCluster {
  private static final int SLOTS = 16384;

  private LocalCluster() {}

  static List<RedisServer> start(int masters) {
    List<RedisServer> servers = new ArrayList<>(masters);
    try {
      for (int i = 0; i < masters; i++) {
        servers.add(RedisServer.start("--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
            "--cluster-node-timeout", "5000"));
      }
      for (int i = 0; i < masters; i++) {
        int from = SLOTS * i / masters;
        int to = SLOTS * (i + 1) / masters - 1;
        servers.get(i).command("CLUSTER", "ADDSLOTSRANGE", Integer.toString(from), Integer.toString(to));
      }
      RedisServer first = servers.get(0);
      for (int i = 1; i < masters; i++) {
        servers.get(i).command("CLUSTER", "MEET", first.host(), Integer.toString(first.port()));
      }
      awaitFormed(servers);
      return servers;
    } catch (RuntimeException e) {
      servers.forEach(RedisServer::close);
      throw e;
    }
  }

  private static void awaitFormed(List<RedisServer> servers) {
    long deadline = System.currentTimeMillis() + 20_000;
    while (System.currentTimeMillis() < deadline) {
      boolean ok = true;
      for (RedisServer s : servers) {
        String info = (String) s.command("CLUSTER", "INFO");
        ok &= info.contains("cluster_state:ok") && info.contains("cluster_known_nodes:" + servers.size());
      }
      if (ok) {
        return;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new IllegalStateException("the Redis Cluster did not form within 20 s");
  }
}
