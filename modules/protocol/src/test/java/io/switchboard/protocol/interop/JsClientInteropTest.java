package io.switchboard.protocol.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.testkit.NodeJs;
import io.switchboard.testkit.TestVertx;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The official JavaScript client ({@code socket.io-client} from npm, pinned in
 * {@code src/test/js/package-lock.json}) against a real server, one Node.js run per transport mode.
 * The checks live in {@code src/test/js/interop.js}; each prints one JSON line.
 *
 * <p>Needs {@code node} and {@code npm} on the PATH. Without them the tests are skipped, except
 * when the environment variable {@code CI} is {@code "true"}: there they fail.
 */
class JsClientInteropTest {
  private static final long RUN_TIMEOUT_S = 120;
  private static final Set<String> REQUIRED_CHECKS = Set.of(
      "connect", "transport", "auth_payload", "connect_error", "ack_client_to_server", "ack_server_to_client",
      "binary", "ordered_events", "namespace_multiplex", "server_disconnect", "server_disconnect_close",
      "reconnect_after_transport_close");
  private static final ObjectMapper JSON = new ObjectMapper();

  private static NodeJs js;
  private static TestVertx testVertx;
  private static InteropServer server;

  @BeforeAll
  static void setUp() throws Exception {
    js = NodeJs.install("modules/protocol");
    testVertx = TestVertx.create();
    server = InteropServer.start(testVertx);
  }

  @AfterAll
  static void tearDown() {
    if (testVertx == null) {
      return;
    }
    try {
      if (server != null) {
        server.close();
      }
      testVertx.assertNoBlockedThreads();
    } finally {
      testVertx.close();
    }
  }

  @Test
  void websocketOnly() throws Exception {
    runMode("websocket");
  }

  @Test
  void pollingOnly() throws Exception {
    runMode("polling");
  }

  @Test
  void pollingThenUpgrade() throws Exception {
    runMode("upgrade");
  }

  private static void runMode(String mode) throws Exception {
    NodeJs.Result r = js.run(List.of("interop.js", server.url(), mode), RUN_TIMEOUT_S,
        Map.of("CHECK_TIMEOUT_MS", "10000", "TOTAL_TIMEOUT_MS", String.valueOf((RUN_TIMEOUT_S - 10) * 1000)));
    assertTrue(!r.timedOut(), () -> "node did not finish within " + RUN_TIMEOUT_S + " s\n" + r);

    List<String> plan = new ArrayList<>();
    Map<String, JsonNode> results = new LinkedHashMap<>();
    JsonNode summary = null;
    for (String line : r.stdout().split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      JsonNode json;
      try {
        json = JSON.readTree(line);
      } catch (IOException e) {
        fail("not a JSON result line: " + line + "\n" + r);
        return;
      }
      if (json.has("plan")) {
        json.get("plan").forEach(n -> plan.add(n.asText()));
        System.out.println("[js " + mode + "] socket.io-client " + json.path("client").asText());
      } else if (json.has("check")) {
        results.put(json.get("check").asText(), json);
        System.out.println("[js " + mode + "] " + line);
      } else if (json.has("summary")) {
        summary = json;
      }
    }
    assertTrue(plan.containsAll(REQUIRED_CHECKS), () -> "the script lacks checks: " + plan + "\n" + r);

    List<String> failing = new ArrayList<>();
    for (String name : plan) {
      JsonNode res = results.get(name);
      if (res == null) {
        failing.add(name + " (no result)");
      } else if (!res.path("ok").asBoolean()) {
        failing.add(name + ": " + res.path("error").asText());
      }
    }
    for (Map.Entry<String, JsonNode> e : results.entrySet()) {
      if (!plan.contains(e.getKey()) && !e.getValue().path("ok").asBoolean()) {
        failing.add(e.getKey() + ": " + e.getValue().path("error").asText());
      }
    }
    assertTrue(failing.isEmpty(), () -> "socket.io-client (" + mode + ") failing checks:\n  "
        + String.join("\n  ", failing) + "\n--- stderr ---\n" + r.stderr());
    assertNotNull(summary, () -> "no summary line\n" + r);
    assertEquals(0, r.exit(), () -> "node exit code\n" + r);

    // Every connection the script opened is gone on the server.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (server.engine().size() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertEquals(0, server.engine().size(), "sessions left open on the server after the client exited");
  }
}
