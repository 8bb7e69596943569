package io.switchboard.server.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.server.ServerConfig;
import io.switchboard.server.SwitchboardNode;
import io.switchboard.server.conformance.WireClient.Reply;
import io.switchboard.server.conformance.WireClient.Ws;
import io.switchboard.testkit.TestVertx;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The official Engine.IO v4 conformance suite ({@code test-suite/test-suite.js} of
 * socketio/engine.io-protocol, EIO=4), one test per official case, against the echo endpoint the
 * conformance profile mounts on {@code /engine.io/}: ping interval 300 ms, ping timeout 200 ms,
 * max payload 1 000 000 bytes.
 */
@DisplayName("Engine.IO protocol")
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class EngineIoConformanceTest {
  private static final long PING_INTERVAL = 300;
  private static final long PING_TIMEOUT = 200;
  /** Slack for server timers, which fire late on a loaded machine. */
  private static final long TIMER_MARGIN = 250;
  private static final String POLLING = "EIO=4&transport=polling";
  private static final String WEBSOCKET = "EIO=4&transport=websocket";

  private static TestVertx tv;
  private static TestVertx clientVertx;
  private static SwitchboardNode node;
  private static WireClient client;

  @BeforeAll
  static void startNode() {
    WireClient.warmUpTransport();
    tv = TestVertx.create();
    // Not PORT=0: with more than one event loop the node starts one HTTP server per loop, and
    // Vert.x shares no port-0 server, so the second one fails to bind (see WireClient#freePort).
    node = TestVertx.await(SwitchboardNode.start(tv.vertx(), ServerConfig.fromEnv(
        Map.of("SWITCHBOARD_PROFILE", "conformance", "PORT", String.valueOf(WireClient.freePort())))));
    clientVertx = TestVertx.create(1);
    client = new WireClient(clientVertx.vertx(), node.port(), "/engine.io/");
    // Warm-up (not a case): load the code paths once so the first timed case does not pay for it.
    String sid = client.openPollingSession();
    client.post(polling(sid), "4warm");
    client.get(polling(sid));
    Ws ws = client.webSocket(WEBSOCKET).awaitOpen();
    ws.nextText();
    ws.send("4warm");
    ws.nextText();
    ws.close();
  }

  @AfterAll
  static void stopNode() {
    try {
      if (client != null) {
        client.close();
      }
      if (node != null) {
        TestVertx.await(node.stop());
      }
      if (tv != null) {
        tv.assertNoBlockedThreads();
      }
      if (clientVertx != null) {
        clientVertx.assertNoBlockedThreads();
      }
    } finally {
      if (clientVertx != null) {
        clientVertx.close();
      }
      if (tv != null) {
        tv.close();
      }
    }
  }

  private static String polling(String sid) {
    return POLLING + "&sid=" + sid;
  }

  private static void assertOpenPacket(String packet, JsonArray upgrades) {
    assertTrue(packet.startsWith("0"), "an open packet: " + packet);
    JsonObject open = new JsonObject(packet.substring(1));
    assertEquals(Set.of("sid", "upgrades", "pingInterval", "pingTimeout", "maxPayload"), open.fieldNames());
    assertInstanceOf(String.class, open.getValue("sid"));
    assertEquals(upgrades, open.getJsonArray("upgrades"));
    assertEquals(PING_INTERVAL, open.getLong("pingInterval"));
    assertEquals(PING_TIMEOUT, open.getLong("pingTimeout"));
    assertEquals(1_000_000L, open.getLong("maxPayload"));
  }

  /** The upgrade is refused, or the socket is closed before any Engine.IO packet. */
  private static void assertWebSocketRefused(String query) {
    Ws ws = client.webSocket(query);
    ws.awaitEnd();
  }

  @Nested
  @DisplayName("handshake")
  class Handshake {

    @Nested
    @DisplayName("HTTP long-polling")
    class Polling {

      @Test
      @DisplayName("successfully opens a session")
      void successfullyOpensASession() {
        Reply r = client.get(POLLING);
        assertEquals(200, r.status());
        assertOpenPacket(r.body(), new JsonArray().add("websocket"));
      }

      @Test
      @DisplayName("fails with an invalid 'EIO' query parameter")
      void failsWithAnInvalidEioQueryParameter() {
        assertEquals(400, client.get("transport=polling").status());
        assertEquals(400, client.get("EIO=abc&transport=polling").status());
      }

      @Test
      @DisplayName("fails with an invalid 'transport' query parameter")
      void failsWithAnInvalidTransportQueryParameter() {
        assertEquals(400, client.get("EIO=4").status());
        assertEquals(400, client.get("EIO=4&transport=abc").status());
      }

      @Test
      @DisplayName("fails with an invalid request method")
      void failsWithAnInvalidRequestMethod() {
        assertEquals(400, client.request(HttpMethod.POST, POLLING, null).status());
        assertEquals(400, client.request(HttpMethod.PUT, POLLING, null).status());
      }
    }

    @Nested
    @DisplayName("WebSocket")
    class WebSocket {

      @Test
      @DisplayName("successfully opens a session")
      void successfullyOpensASession() {
        Ws ws = client.webSocket(WEBSOCKET);
        assertOpenPacket(ws.nextText(), new JsonArray());
        ws.close();
      }

      @Test
      @DisplayName("fails with an invalid 'EIO' query parameter")
      void failsWithAnInvalidEioQueryParameter() {
        assertWebSocketRefused("transport=websocket");
        assertWebSocketRefused("EIO=abc&transport=websocket");
      }

      @Test
      @DisplayName("fails with an invalid 'transport' query parameter")
      void failsWithAnInvalidTransportQueryParameter() {
        assertWebSocketRefused("EIO=4");
        assertWebSocketRefused("EIO=4&transport=abc");
      }
    }
  }

  @Nested
  @DisplayName("message")
  class Message {

    @Nested
    @DisplayName("HTTP long-polling")
    class Polling {

      @Test
      @DisplayName("sends and receives a payload containing one plain text packet")
      void onePlainTextPacket() {
        String sid = client.openPollingSession();
        Reply push = client.post(polling(sid), "4hello");
        assertEquals(200, push.status());
        assertEquals("ok", push.body());
        Reply poll = client.get(polling(sid));
        assertEquals(200, poll.status());
        assertEquals("4hello", poll.body());
      }

      @Test
      @DisplayName("sends and receives a payload containing several plain text packets")
      void severalPlainTextPackets() {
        String sid = client.openPollingSession();
        Reply push = client.post(polling(sid), "4test1\u001e4test2\u001e4test3");
        assertEquals(200, push.status());
        assertEquals("ok", push.body());
        Reply poll = client.get(polling(sid));
        assertEquals(200, poll.status());
        assertEquals("4test1\u001e4test2\u001e4test3", poll.body());
      }

      @Test
      @DisplayName("sends and receives a payload containing plain text and binary packets")
      void plainTextAndBinaryPackets() {
        String sid = client.openPollingSession();
        Reply push = client.post(polling(sid), "4hello\u001ebAQIDBA==");
        assertEquals(200, push.status());
        assertEquals("ok", push.body());
        Reply poll = client.get(polling(sid));
        assertEquals(200, poll.status());
        assertEquals("4hello\u001ebAQIDBA==", poll.body());
      }

      @Test
      @DisplayName("closes the session upon invalid packet format")
      void closesTheSessionUponInvalidPacketFormat() {
        String sid = client.openPollingSession();
        // The suite also accepts the request being cut off instead of answered.
        Future<Reply> push = client.postAsync(polling(sid), "abc");
        TestVertx.await(push.transform(ar -> Future.succeededFuture()), WireClient.WAIT_MS);
        if (push.succeeded()) {
          assertEquals(400, push.result().status());
        }
        assertEquals(400, client.get(polling(sid)).status());
      }

      @Test
      @DisplayName("closes the session upon duplicate poll requests")
      void closesTheSessionUponDuplicatePollRequests() {
        String sid = client.openPollingSession();
        Future<Reply> first = client.getAsync(polling(sid));
        WireClient.sleep(5);
        Future<Reply> second = client.getAsync(polling(sid) + "&t=burst");
        Reply r1 = WireClient.await(first);
        Reply r2 = WireClient.await(second);
        assertEquals(200, r1.status());
        assertEquals("1", r1.body());
        assertTrue(r2.status() == 400 || r2.status() == 500, "second poll status " + r2.status());
        assertEquals(400, client.get(polling(sid)).status());
      }
    }

    @Nested
    @DisplayName("WebSocket")
    class WebSocket {

      @Test
      @DisplayName("sends and receives a plain text packet")
      void plainTextPacket() {
        Ws ws = client.webSocket(WEBSOCKET).awaitOpen();
        ws.nextText(); // handshake
        ws.send("4hello");
        assertEquals("4hello", ws.nextIgnoringPings());
        ws.close();
      }

      @Test
      @DisplayName("sends and receives a binary packet")
      void binaryPacket() {
        Ws ws = client.webSocket(WEBSOCKET);
        ws.nextText(); // handshake
        ws.send(new byte[] {1, 2, 3, 4});
        Object data = ws.nextIgnoringPings();
        assertInstanceOf(byte[].class, data);
        assertArrayEquals(new byte[] {1, 2, 3, 4}, (byte[]) data);
        ws.close();
      }

      @Test
      @DisplayName("closes the session upon invalid packet format")
      void closesTheSessionUponInvalidPacketFormat() {
        Ws ws = client.webSocket(WEBSOCKET);
        ws.nextText(); // handshake
        ws.send("abc");
        ws.awaitEndBeforeAnyPing();
      }
    }
  }

  @Nested
  @DisplayName("heartbeat")
  class Heartbeat {

    @Nested
    @DisplayName("HTTP long-polling")
    class Polling {

      @Test
      @DisplayName("sends ping/pong packets")
      void sendsPingPongPackets() {
        String sid = client.openPollingSession();
        for (int i = 0; i < 3; i++) {
          Reply poll = client.get(polling(sid));
          assertEquals(200, poll.status());
          assertEquals("2", poll.body());
          assertEquals(200, client.post(polling(sid), "3").status());
        }
      }

      @Test
      @DisplayName("closes the session upon ping timeout")
      void closesTheSessionUponPingTimeout() {
        String sid = client.openPollingSession();
        // The suite sleeps exactly interval + timeout, which races the server's timers; a margin
        // keeps the check (no pong within pingTimeout closes the session) deterministic.
        WireClient.sleep(PING_INTERVAL + PING_TIMEOUT + TIMER_MARGIN);
        assertEquals(400, client.get(polling(sid)).status());
      }
    }

    @Nested
    @DisplayName("WebSocket")
    class WebSocket {

      @Test
      @DisplayName("sends ping/pong packets")
      void sendsPingPongPackets() {
        Ws ws = client.webSocket(WEBSOCKET);
        ws.nextText(); // handshake
        for (int i = 0; i < 3; i++) {
          assertEquals("2", ws.next());
          ws.send("3");
        }
        ws.close();
      }

      @Test
      @DisplayName("closes the session upon ping timeout")
      void closesTheSessionUponPingTimeout() {
        Ws ws = client.webSocket(WEBSOCKET);
        ws.awaitEnd();
        assertFalse(ws.wasRefused(), "the session was opened, then closed");
      }
    }
  }

  @Nested
  @DisplayName("close")
  class Close {

    @Nested
    @DisplayName("HTTP long-polling")
    class Polling {

      @Test
      @DisplayName("forcefully closes the session")
      void forcefullyClosesTheSession() {
        String sid = client.openPollingSession();
        Future<Reply> poll = client.getAsync(polling(sid));
        // The suite sends both at once; the GET must be waiting when the close arrives, or it meets
        // an already closed session (400), so give it a head start.
        WireClient.sleep(50);
        Future<Reply> push = client.postAsync(polling(sid), "1");
        Reply pollReply = WireClient.await(poll);
        WireClient.await(push);
        assertEquals(200, pollReply.status());
        assertEquals("6", pollReply.body());
        assertEquals(400, client.get(polling(sid)).status());
      }
    }

    @Nested
    @DisplayName("WebSocket")
    class WebSocket {

      @Test
      @DisplayName("forcefully closes the session")
      void forcefullyClosesTheSession() {
        Ws ws = client.webSocket(WEBSOCKET);
        ws.nextText(); // handshake
        ws.send("1");
        ws.awaitEndBeforeAnyPing();
      }
    }
  }

  @Nested
  @DisplayName("upgrade")
  class Upgrade {

    @Test
    @DisplayName("successfully upgrades from HTTP long-polling to WebSocket")
    void successfullyUpgrades() {
      String sid = client.openPollingSession();
      Ws ws = client.webSocket(WEBSOCKET + "&sid=" + sid).awaitOpen();
      ws.send("2probe");
      assertEquals("3probe", ws.nextIgnoringPings());
      Reply poll = client.get(polling(sid));
      assertEquals(200, poll.status());
      assertEquals("6", poll.body()); // noop: ends the pending long-polling cycle
      ws.send("5");
      ws.send("4hello");
      assertEquals("4hello", ws.nextIgnoringPings());
      ws.close();
    }

    @Test
    @DisplayName("ignores HTTP requests with same sid after upgrade")
    void ignoresHttpRequestsAfterUpgrade() {
      String sid = client.openPollingSession();
      Ws ws = client.webSocket(WEBSOCKET + "&sid=" + sid).awaitOpen();
      ws.send("2probe");
      ws.send("5");
      assertEquals(400, client.get(polling(sid)).status());
      ws.send("4hello");
      assertEquals("3probe", ws.nextIgnoringPings());
      assertEquals("4hello", ws.nextIgnoringPings());
      ws.close();
    }

    @Test
    @DisplayName("ignores WebSocket connection with same sid after upgrade")
    void ignoresWebSocketAfterUpgrade() {
      String sid = client.openPollingSession();
      Ws ws = client.webSocket(WEBSOCKET + "&sid=" + sid).awaitOpen();
      ws.send("2probe");
      ws.send("5");
      Ws second = client.webSocket(WEBSOCKET + "&sid=" + sid);
      second.awaitEnd();
      ws.send("4hello");
      assertEquals("3probe", ws.nextIgnoringPings());
      assertEquals("4hello", ws.nextIgnoringPings());
      ws.close();
    }
  }
}
