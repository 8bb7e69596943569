package io.switchboard.server.cluster;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.server.SwitchboardNode;
import io.switchboard.server.e2e.JsScenarios;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every end-to-end scenario script ({@code src/test/js/scenarios}, the same ones
 * {@code JsScenarioTest} runs on one node) against three clustered nodes sharing one Redis: the
 * harness connects successive clients to successive nodes and sends successive HTTP API calls to
 * successive nodes ({@code SB_URLS}), so meetings, rooms and relays, 1:1 and group calls on several
 * devices, groups, chat, the HTTP API and bad input all run with their clients on different nodes.
 *
 * <p>Scenarios that need the same settings share one {@linkplain ClusterFixture#group group} of
 * three nodes (they use ids of their own, so they do not see each other); all groups run on the
 * run's one {@link ClusterFixture}. No event loop of any node may be blocked over 200 ms.
 */
@ExtendWith(ClusterFixture.Shared.class)
class ClusterScenarioTest {
  private static ClusterFixture cluster;
  private static JsScenarios driver;
  private static final Map<Map<String, String>, ClusterFixture.NodeGroup> groups = new LinkedHashMap<>();
  private static int blockedAtStart;

  @BeforeAll
  static void setUp(ClusterFixture fixture) throws Exception {
    driver = JsScenarios.install("cluster", Math.max(1, Integer.getInteger("e2e.parallel", 3)));
    cluster = fixture;
    blockedAtStart = cluster.blockedCount();
    long t0 = System.nanoTime();
    int i = 0;
    for (JsScenarios.Scenario s : JsScenarios.scenarios()) {
      if (!groups.containsKey(s.settings())) {
        groups.put(s.settings(), cluster.group("scenarios-" + i++, s.settings()));
      }
    }
    System.out.println("[cluster] " + groups.size() + " groups of " + ClusterFixture.SIZE + " nodes started in "
        + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) + " ms");
  }

  @AfterAll
  static void tearDown() {
    if (driver != null) {
      driver.close();
    }
    for (ClusterFixture.NodeGroup g : groups.values()) {
      g.close();
    }
    groups.clear();
    if (cluster != null) {
      List<String> blocked = cluster.blockedSince(blockedAtStart);
      assertTrue(blocked.isEmpty(), () -> "event loops blocked: " + blocked);
    }
  }

  @TestFactory
  @Timeout(value = 10, unit = TimeUnit.MINUTES)
  Stream<DynamicTest> scenario() {
    return driver.run(JsScenarios.scenarios(), ClusterScenarioTest::groupFor);
  }

  /** The scenario's group: three nodes, its clients spread over them; blocked loops counted while it runs. */
  private static JsScenarios.Deployment groupFor(JsScenarios.Scenario s) {
    ClusterFixture.NodeGroup group = groups.get(s.settings());
    int blockedBefore = cluster.blockedCount();
    return new JsScenarios.Deployment() {
      @Override
      public List<SwitchboardNode> nodes() {
        return group.nodes();
      }

      @Override
      public List<String> blockedThreads() {
        return cluster.blockedSince(blockedBefore);
      }

      @Override
      public void close() {
        // The group is shared by the scenarios with these settings; closed after the class.
      }
    };
  }
}
