package io.switchboard.server.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.server.ServerConfig;
import io.switchboard.server.SwitchboardNode;
import io.switchboard.signaling.ids.MeetingId;
import io.switchboard.signaling.ids.UserId;
import io.switchboard.testkit.TestVertx;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;

/**
 * End-to-end scenarios on one node: several official JavaScript clients ({@code socket.io-client}
 * from npm, pinned in {@code src/test/js/package-lock.json}, the same version as the protocol
 * module's fixture) per scenario against a real node. Each script in {@code src/test/js/scenarios}
 * is one test here, run against its own node started with the settings it needs; the checks live
 * in the scripts and print one JSON line each ({@link JsScenarios} runs and reads them; the
 * cluster's {@code ClusterScenarioTest} runs the same scripts across three nodes).
 *
 * <p>The scripts run a few at a time (system property {@code e2e.parallel}, default 3; each has
 * its own node, so they do not share state) to keep the class well under 90 s; each has a hard
 * time limit. {@code -De2e.only=name,name} runs a subset.
 *
 * <p>Needs {@code node} and {@code npm} on the PATH. Without them the tests are skipped, except
 * when the environment variable {@code CI} is {@code "true"}: there they fail.
 */
class JsScenarioTest {
  /** Every node: loopback only, two event loops. */
  private static final Map<String, String> BASE = Map.of(
      "PORT", "0",
      "SWITCHBOARD_HOST", "127.0.0.1",
      "SWITCHBOARD_EVENT_LOOPS", "2");

  private static JsScenarios driver;
  /** Every scenario's Vert.x (each node has its own, closed when its scenario ends). */
  private static final List<TestVertx> vertxes = new java.util.concurrent.CopyOnWriteArrayList<>();
  /** Nodes start one at a time, so start-up class loading of one does not count against another. */
  private static final Object START_LOCK = new Object();

  @BeforeAll
  static void setUp() throws Exception {
    driver = JsScenarios.install("e2e", Math.max(1, Integer.getInteger("e2e.parallel", 3)));
    warmUp();
  }

  /**
   * A cold JVM loads the classes of every code path the first time it runs it, on whichever
   * event loop gets there first, which can hold that loop past the 200 ms the scenarios' Vert.x
   * allows. So each path runs once first (warmup.js) against a throwaway node whose Vert.x is not
   * watched: blocked loops there are logged (with the stack) but fail nothing.
   */
  private static void warmUp() throws Exception {
    Vertx vertx = Vertx.vertx(new VertxOptions()
        .setEventLoopPoolSize(2)
        .setMaxEventLoopExecuteTime(200)
        .setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS)
        .setWarningExceptionTime(200)
        .setWarningExceptionTimeUnit(TimeUnit.MILLISECONDS));
    try {
      Map<String, String> env = new HashMap<>(BASE);
      env.putAll(JsScenarios.BACKEND_MEETINGS);
      SwitchboardNode sb = null;
      try {
        sb = startNode(vertx, env);
        String meeting = "warm-up-" + UUID.randomUUID();
        TestVertx.await(sb.signaling().meetings().create(MeetingId.of(meeting), "Warm-up", UserId.of("warm-a"), "warm", null));
        driver.warmUp(List.of("http://127.0.0.1:" + sb.port()), meeting, "warm");
      } finally {
        if (sb != null) {
          TestVertx.await(sb.stop(), 10_000);
        }
      }
    } finally {
      TestVertx.await(vertx.close(), 10_000);
    }
  }

  /** No event loop of any scenario's node was blocked (each scenario also checks its own). */
  @AfterAll
  static void tearDown() {
    if (driver != null) {
      driver.close();
    }
    List<String> blocked = new ArrayList<>();
    for (TestVertx tv : vertxes) {
      blocked.addAll(tv.blockedThreads());
    }
    for (TestVertx tv : vertxes) {
      try {
        tv.close();
      } catch (Throwable e) {
        // already closed
      }
    }
    assertTrue(blocked.isEmpty(), () -> "event loops blocked: " + blocked);
  }

  @TestFactory
  @Timeout(value = 10, unit = TimeUnit.MINUTES)
  Stream<DynamicTest> scenario() {
    return driver.run(JsScenarios.scenarios(), JsScenarioTest::ownNode);
  }

  /** A node of the scenario's own, on a Vert.x of its own, stopped when the scenario ends. */
  private static JsScenarios.Deployment ownNode(JsScenarios.Scenario s) {
    Map<String, String> env = new HashMap<>(BASE);
    env.putAll(s.settings());
    TestVertx testVertx = TestVertx.create(2);
    vertxes.add(testVertx);
    SwitchboardNode sb = startNode(testVertx.vertx(), env);
    return new JsScenarios.Deployment() {
      @Override
      public List<SwitchboardNode> nodes() {
        return List.of(sb);
      }

      @Override
      public List<String> blockedThreads() {
        return testVertx.blockedThreads();
      }

      @Override
      public void close() {
        try {
          TestVertx.await(sb.stop(), 10_000);
        } finally {
          testVertx.close();
        }
      }
    };
  }

  /**
   * Starts a node on any free loopback port (PORT=0), one at a time, so the start-up work of one
   * node does not count against another node's event loops.
   */
  private static SwitchboardNode startNode(Vertx vertx, Map<String, String> env) {
    synchronized (START_LOCK) {
      return TestVertx.await(SwitchboardNode.start(vertx, ServerConfig.fromEnv(env)), 20_000);
    }
  }
}
