package io.switchboard.cluster;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How a node finds and watches the others. Hazelcast's own environment overrides do not reach a
 * programmatic config, so everything comes from here (and so from Switchboard's settings).
 *
 * @param host the address this node binds and announces for Hazelcast and the event bus
 * @param hazelcastPort the first Hazelcast port tried (several nodes on one host take the next ones)
 * @param members TCP-IP member list: hosts (each probed on the Hazelcast port range) or host:port (ignored with DNS discovery)
 * @param kubernetesServiceDns the headless service name for DNS discovery in Kubernetes, or null
 * @param heartbeatInterval how often members tell each other they are alive
 * @param maxNoHeartbeat a member silent this long is declared dead (5 s: no ghost outlives 5 s)
 * @param eventBusPort the clustered event bus port, 0 for any free one
 * @param leaseTtl how long a node's lease in the shared state lasts without renewal
 * @param clusterName the Hazelcast cluster name: only members with the same name join each other
 *     (tests use a random one so concurrent runs on one machine stay apart)
 * @param nearCacheTtl how long a node keeps its copy of a user's sockets or a connected call for
 *     relays ({@link NearCaches}); zero: no copies, every relay reads Redis
 */
public record ClusterSettings(
    String host,
    int hazelcastPort,
    List<String> members,
    String kubernetesServiceDns,
    Duration heartbeatInterval,
    Duration maxNoHeartbeat,
    int eventBusPort,
    Duration leaseTtl,
    String clusterName,
    Duration nearCacheTtl) {

  /** How long near-cache copies live by default. */
  public static final Duration DEFAULT_NEAR_CACHE_TTL = Duration.ofSeconds(10);

  /** The default Hazelcast cluster name. */
  public static final String DEFAULT_CLUSTER_NAME = "switchboard";

  public ClusterSettings {
    Objects.requireNonNull(host, "host");
    if (clusterName == null || clusterName.isBlank()) {
      clusterName = DEFAULT_CLUSTER_NAME;
    }
    members = List.copyOf(members);
    Objects.requireNonNull(heartbeatInterval, "heartbeatInterval");
    Objects.requireNonNull(maxNoHeartbeat, "maxNoHeartbeat");
    Objects.requireNonNull(leaseTtl, "leaseTtl");
    if (heartbeatInterval.toSeconds() < 1 || maxNoHeartbeat.compareTo(heartbeatInterval) <= 0) {
      throw new IllegalArgumentException("heartbeats: interval >= 1 s and below the dead-member timeout");
    }
    if (nearCacheTtl == null) {
      nearCacheTtl = DEFAULT_NEAR_CACHE_TTL;
    }
    if (nearCacheTtl.isNegative()) {
      throw new IllegalArgumentException("nearCacheTtl: zero (off) or positive");
    }
    if (leaseTtl.toMillis() < 300) {
      throw new IllegalArgumentException("leaseTtl: at least 300 ms (renewed every leaseTtl/3)");
    }
  }

  /** The same settings in the default cluster ({@value #DEFAULT_CLUSTER_NAME}). */
  public ClusterSettings(String host, int hazelcastPort, List<String> members, String kubernetesServiceDns,
      Duration heartbeatInterval, Duration maxNoHeartbeat, int eventBusPort, Duration leaseTtl) {
    this(host, hazelcastPort, members, kubernetesServiceDns, heartbeatInterval, maxNoHeartbeat, eventBusPort,
        leaseTtl, DEFAULT_CLUSTER_NAME, DEFAULT_NEAR_CACHE_TTL);
  }

  /** A cluster on this machine's loopback: members found on ports 5701..5720 of 127.0.0.1. */
  public static ClusterSettings loopback() {
    return new ClusterSettings("127.0.0.1", 5701, List.of("127.0.0.1"), null, Duration.ofSeconds(1),
        Duration.ofSeconds(5), 0, Duration.ofSeconds(10), DEFAULT_CLUSTER_NAME, DEFAULT_NEAR_CACHE_TTL);
  }

  public ClusterSettings withClusterName(String name) {
    return new ClusterSettings(host, hazelcastPort, members, kubernetesServiceDns, heartbeatInterval, maxNoHeartbeat,
        eventBusPort, leaseTtl, name, nearCacheTtl);
  }

  public ClusterSettings withLeaseTtl(Duration ttl) {
    return new ClusterSettings(host, hazelcastPort, members, kubernetesServiceDns, heartbeatInterval, maxNoHeartbeat,
        eventBusPort, ttl, clusterName, nearCacheTtl);
  }

  public ClusterSettings withNearCacheTtl(Duration ttl) {
    return new ClusterSettings(host, hazelcastPort, members, kubernetesServiceDns, heartbeatInterval, maxNoHeartbeat,
        eventBusPort, leaseTtl, clusterName, ttl);
  }

  public boolean dnsDiscovery() {
    return kubernetesServiceDns != null && !kubernetesServiceDns.isBlank();
  }
}
