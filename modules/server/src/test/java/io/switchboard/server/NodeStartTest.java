package io.switchboard.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.testkit.TestVertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A node asked for port 0 runs one server per event loop on one shared free port. */
class NodeStartTest {

  @Test
  void portZeroWithSeveralEventLoopsSharesOneFreePort() {
    try (TestVertx tv = TestVertx.create(2)) {
      SwitchboardNode node = TestVertx.await(SwitchboardNode.start(tv.vertx(),
          ServerConfig.fromEnv(Map.of("PORT", "0", "SWITCHBOARD_EVENT_LOOPS", "3"))));
      assertTrue(node.port() > 0, "a real port was chosen");
      HttpClient client = tv.vertx().createHttpClient();
      for (int i = 0; i < 6; i++) {
        int status = TestVertx.await(client.request(HttpMethod.GET, node.port(), "127.0.0.1", "/socket.io/?EIO=4&transport=polling")
            .compose(req -> req.send()).map(res -> res.statusCode()));
        assertEquals(200, status, "every connection reaches a server on the shared port");
      }
      TestVertx.await(node.stop());
      tv.assertNoBlockedThreads();
    }
  }
}
