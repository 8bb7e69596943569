package io.switchboard.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;

/**
 * Builds the Hazelcast configuration programmatically: the Vert.x maps from vertx-hazelcast's
 * default config, multicast off, and either a TCP-IP member list or Kubernetes DNS discovery
 * through a headless service; heartbeats tuned so a hung member is declared dead within
 * {@link ClusterSettings#maxNoHeartbeat()}.
 */
public final class HazelcastConfigs {
  /** Ports a member tries, from the configured one up: several nodes on one host take the next ones. */
  static final int PORT_COUNT = 20;

  private HazelcastConfigs() {}

  public static Config build(ClusterSettings s) {
    Config config = ConfigUtil.loadConfig();
    config.setClusterName(s.clusterName());
    NetworkConfig network = config.getNetworkConfig();
    network.setPort(s.hazelcastPort()).setPortAutoIncrement(true).setPortCount(PORT_COUNT);
    network.setPublicAddress(s.host());
    network.getInterfaces().setEnabled(true).addInterface(s.host());
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    if (s.dnsDiscovery()) {
      join.getTcpIpConfig().setEnabled(false);
      join.getKubernetesConfig().setEnabled(true)
          .setProperty("service-dns", s.kubernetesServiceDns())
          .setProperty("service-port", String.valueOf(s.hazelcastPort()));
    } else {
      join.getTcpIpConfig().setEnabled(true).setMembers(s.members());
      // A member given without a port is probed on the whole range members bind (Hazelcast's
      // default tries only the first 3 ports: a 4th node on one host, or nodes pushed up the range
      // by other Hazelcast instances, would never find the others).
      config.setProperty("hazelcast.tcp.join.port.try.count", String.valueOf(PORT_COUNT));
    }
    long interval = s.heartbeatInterval().toSeconds();
    long dead = Math.max(interval + 1, s.maxNoHeartbeat().toSeconds());
    config.setProperty("hazelcast.heartbeat.interval.seconds", String.valueOf(interval));
    config.setProperty("hazelcast.max.no.heartbeat.seconds", String.valueOf(dead));
    config.setProperty("hazelcast.heartbeat.failuredetector.type", "deadline");
    // A node that suspects another one asks the others quickly instead of waiting.
    config.setProperty("hazelcast.merge.first.run.delay.seconds", "5");
    config.setProperty("hazelcast.merge.next.run.delay.seconds", "5");
    // No start-up pause before joining, no phone-home, logs through JDK logging.
    config.setProperty("hazelcast.wait.seconds.before.join", "0");
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.logging.type", "jdk");
    // Hazelcast's own metrics (collected every 5 s for Management Center and JMX) are read by
    // nobody here: the node's metrics are Switchboard's (/metrics). Off, they cost no CPU.
    config.getMetricsConfig().setEnabled(false);
    // vertx-hazelcast closes Hazelcast when Vert.x closes; Switchboard closes Vert.x on shutdown.
    config.setProperty("hazelcast.shutdownhook.enabled", "false");
    return config;
  }
}
