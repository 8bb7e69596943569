package io.switchboard.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

class HazelcastConfigsTest {
  @Test
  void loopbackConfigIsOursAlone() {
    ClusterSettings s = ClusterSettings.loopback().withClusterName("cfg-test");
    Config config = HazelcastConfigs.build(s);
    assertEquals("cfg-test", config.getClusterName());
    JoinConfig join = config.getNetworkConfig().getJoin();
    assertFalse(join.getMulticastConfig().isEnabled(), "multicast");
    assertFalse(join.getAutoDetectionConfig().isEnabled(), "auto-detection");
    assertFalse(join.getKubernetesConfig().isEnabled(), "kubernetes");
    assertTrue(join.getTcpIpConfig().isEnabled(), "tcp-ip");
    assertEquals(s.members(), join.getTcpIpConfig().getMembers());
    assertEquals("false", config.getProperty("hazelcast.phone.home.enabled"));
    assertFalse(config.getMetricsConfig().isEnabled(), "Hazelcast's own metrics collection");
    assertEquals(String.valueOf(s.heartbeatInterval().toSeconds()),
        config.getProperty("hazelcast.heartbeat.interval.seconds"));
    assertTrue(Long.parseLong(config.getProperty("hazelcast.max.no.heartbeat.seconds"))
        > s.heartbeatInterval().toSeconds());
  }

  @Test
  void dnsDiscoveryReplacesTheMemberList() {
    ClusterSettings loop = ClusterSettings.loopback();
    ClusterSettings s = new ClusterSettings(loop.host(), loop.hazelcastPort(), List.of(), "switchboard-hz.ns.svc",
        loop.heartbeatInterval(), loop.maxNoHeartbeat(), loop.eventBusPort(), loop.leaseTtl(), "k8s", null);
    JoinConfig join = HazelcastConfigs.build(s).getNetworkConfig().getJoin();
    assertFalse(join.getTcpIpConfig().isEnabled(), "tcp-ip");
    assertTrue(join.getKubernetesConfig().isEnabled(), "kubernetes");
    assertEquals("switchboard-hz.ns.svc", join.getKubernetesConfig().getProperty("service-dns"));
  }
}
