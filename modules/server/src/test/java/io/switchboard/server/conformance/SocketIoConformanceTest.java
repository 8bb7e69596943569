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
 * The official Socket.IO v5 conformance suite ({@code test-suite/test-suite.js} of
 * socketio/socket.io-protocol, EIO=4), one test per official case, against {@code /socket.io/} of
 * a node in the conformance profile: ping interval 300 ms, ping timeout 200 ms, connect timeout
 * 1000 ms; namespaces {@code /} and {@code /custom} emit {@code auth} with the handshake's auth
 * on connection, and {@code /} answers {@code message} with {@code message-back} and acknowledges
 * {@code message-with-ack} with its arguments.
 */
@DisplayName("Socket.IO conformance suite")
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class SocketIoConformanceTest {
  private static final long PING_INTERVAL = 300;
  private static final long PING_TIMEOUT = 200;
  private static final long CONNECT_TIMEOUT = 1000;
  /** Slack for server timers, which fire late on a loaded machine. */
  private static final long TIMER_MARGIN = 250;
  private static final String POLLING = "EIO=4&transport=polling";
  private static final String WEBSOCKET = "EIO=4&transport=websocket";
  private static final String TWO_PLACEHOLDERS = "{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}";

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
    client = new WireClient(clientVertx.vertx(), node.port(), "/socket.io/");
    // Warm-up (not a case): load the code paths once, so the first timed case does not pay for it
    // (the cases below must finish within one ping interval, as the client never answers pings).
    Ws ws = connectToMainNamespace();
    ws.send("42[\"message\",1]");
    ws.nextIgnoringPings();
    ws.send("42456[\"message-with-ack\",1]");
    ws.nextIgnoringPings();
    ws.close();
    String sid = client.openPollingSession();
    client.post(polling(sid), "1");
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

  /** A WebSocket session connected to the main namespace, past the {@code auth} event. */
  private static Ws connectToMainNamespace() {
    Ws ws = client.webSocket(WEBSOCKET);
    ws.nextText(); // Engine.IO handshake
    ws.send("40");
    ws.nextText(); // Socket.IO handshake
    ws.nextText(); // "auth" event
    return ws;
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

  /** A CONNECT answer {@code <prefix>{"sid":"..."}} with nothing but a string sid. */
  private static void assertConnectAnswer(String packet, String prefix) {
    assertTrue(packet.startsWith(prefix), "a CONNECT answer: " + packet);
    JsonObject handshake = new JsonObject(packet.substring(prefix.length()));
    assertEquals(Set.of("sid"), handshake.fieldNames());
    assertInstanceOf(String.class, handshake.getValue("sid"));
  }

  private static void assertWebSocketRefused(String query) {
    client.webSocket(query).awaitEnd();
  }

  private static void assertBinary(byte[] expected, Object actual) {
    assertInstanceOf(byte[].class, actual);
    assertArrayEquals(expected, (byte[]) actual);
  }

  @Nested
  @DisplayName("Engine.IO protocol")
  class EngineIoProtocol {

    @Nested
    @DisplayName("handshake")
    class Handshake {

      @Nested
      @DisplayName("HTTP long-polling")
      class Polling {

        @Test
        @DisplayName("should successfully open a session")
        void shouldSuccessfullyOpenASession() {
          Reply r = client.get(POLLING);
          assertEquals(200, r.status());
          assertOpenPacket(r.body(), new JsonArray().add("websocket"));
        }

        @Test
        @DisplayName("should fail with an invalid 'EIO' query parameter")
        void shouldFailWithAnInvalidEioQueryParameter() {
          assertEquals(400, client.get("transport=polling").status());
          assertEquals(400, client.get("EIO=abc&transport=polling").status());
        }

        @Test
        @DisplayName("should fail with an invalid 'transport' query parameter")
        void shouldFailWithAnInvalidTransportQueryParameter() {
          assertEquals(400, client.get("EIO=4").status());
          assertEquals(400, client.get("EIO=4&transport=abc").status());
        }

        @Test
        @DisplayName("should fail with an invalid request method")
        void shouldFailWithAnInvalidRequestMethod() {
          assertEquals(400, client.request(HttpMethod.POST, POLLING, null).status());
          assertEquals(400, client.request(HttpMethod.PUT, POLLING, null).status());
        }
      }

      @Nested
      @DisplayName("WebSocket")
      class WebSocket {

        @Test
        @DisplayName("should successfully open a session")
        void shouldSuccessfullyOpenASession() {
          Ws ws = client.webSocket(WEBSOCKET);
          assertOpenPacket(ws.nextText(), new JsonArray());
          ws.close();
        }

        @Test
        @DisplayName("should fail with an invalid 'EIO' query parameter")
        void shouldFailWithAnInvalidEioQueryParameter() {
          assertWebSocketRefused("transport=websocket");
          assertWebSocketRefused("EIO=abc&transport=websocket");
        }

        @Test
        @DisplayName("should fail with an invalid 'transport' query parameter")
        void shouldFailWithAnInvalidTransportQueryParameter() {
          assertWebSocketRefused("EIO=4");
          assertWebSocketRefused("EIO=4&transport=abc");
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
        @DisplayName("should send ping/pong packets")
        void shouldSendPingPongPackets() {
          String sid = client.openPollingSession();
          for (int i = 0; i < 3; i++) {
            Reply poll = client.get(polling(sid));
            assertEquals(200, poll.status());
            assertEquals("2", poll.body());
            assertEquals(200, client.post(polling(sid), "3").status());
          }
        }

        @Test
        @DisplayName("should close the session upon ping timeout")
        void shouldCloseTheSessionUponPingTimeout() {
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
        @DisplayName("should send ping/pong packets")
        void shouldSendPingPongPackets() {
          Ws ws = client.webSocket(WEBSOCKET);
          ws.nextText(); // handshake
          for (int i = 0; i < 3; i++) {
            assertEquals("2", ws.next());
            ws.send("3");
          }
          ws.close();
        }

        @Test
        @DisplayName("should close the session upon ping timeout")
        void shouldCloseTheSessionUponPingTimeout() {
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
        @DisplayName("should forcefully close the session")
        void shouldForcefullyCloseTheSession() {
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
        @DisplayName("should forcefully close the session")
        void shouldForcefullyCloseTheSession() {
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
      @DisplayName("should successfully upgrade from HTTP long-polling to WebSocket")
      void shouldSuccessfullyUpgrade() {
        String sid = client.openPollingSession();
        Ws ws = client.webSocket(WEBSOCKET + "&sid=" + sid).awaitOpen();
        ws.send("2probe");
        assertEquals("3probe", ws.nextIgnoringPings());
        ws.send("5");
        ws.close();
      }

      @Test
      @DisplayName("should ignore HTTP requests with same sid after upgrade")
      void shouldIgnoreHttpRequestsAfterUpgrade() {
        String sid = client.openPollingSession();
        Ws ws = client.webSocket(WEBSOCKET + "&sid=" + sid).awaitOpen();
        ws.send("2probe");
        ws.send("5");
        assertEquals(400, client.get(polling(sid)).status());
        ws.close();
      }

      @Test
      @DisplayName("should ignore WebSocket connection with same sid after upgrade")
      void shouldIgnoreWebSocketAfterUpgrade() {
        String sid = client.openPollingSession();
        Ws ws = client.webSocket(WEBSOCKET + "&sid=" + sid).awaitOpen();
        ws.send("2probe");
        ws.send("5");
        client.webSocket(WEBSOCKET + "&sid=" + sid).awaitEnd();
        ws.close();
      }
    }
  }

  @Nested
  @DisplayName("Socket.IO protocol")
  class SocketIoProtocol {

    @Nested
    @DisplayName("connect")
    class Connect {

      @Test
      @DisplayName("should allow connection to the main namespace")
      void shouldAllowConnectionToTheMainNamespace() {
        Ws ws = client.webSocket(WEBSOCKET);
        ws.nextText(); // Engine.IO handshake
        ws.send("40");
        assertConnectAnswer(ws.nextText(), "40");
        assertEquals("42[\"auth\",{}]", ws.nextIgnoringPings());
        ws.close();
      }

      @Test
      @DisplayName("should allow connection to the main namespace with a payload")
      void shouldAllowConnectionToTheMainNamespaceWithAPayload() {
        Ws ws = client.webSocket(WEBSOCKET);
        ws.nextText(); // Engine.IO handshake
        ws.send("40{\"token\":\"123\"}");
        assertConnectAnswer(ws.nextText(), "40");
        assertEquals("42[\"auth\",{\"token\":\"123\"}]", ws.nextIgnoringPings());
        ws.close();
      }

      @Test
      @DisplayName("should allow connection to a custom namespace")
      void shouldAllowConnectionToACustomNamespace() {
        Ws ws = client.webSocket(WEBSOCKET);
        ws.nextText(); // Engine.IO handshake
        ws.send("40/custom,");
        assertConnectAnswer(ws.nextText(), "40/custom,");
        assertEquals("42/custom,[\"auth\",{}]", ws.nextIgnoringPings());
        ws.close();
      }

      @Test
      @DisplayName("should allow connection to a custom namespace with a payload")
      void shouldAllowConnectionToACustomNamespaceWithAPayload() {
        Ws ws = client.webSocket(WEBSOCKET);
        ws.nextText(); // Engine.IO handshake
        ws.send("40/custom,{\"token\":\"abc\"}");
        assertConnectAnswer(ws.nextText(), "40/custom,");
        assertEquals("42/custom,[\"auth\",{\"token\":\"abc\"}]", ws.nextIgnoringPings());
        ws.close();
      }

      @Test
      @DisplayName("should disallow connection to an unknown namespace")
      void shouldDisallowConnectionToAnUnknownNamespace() {
        Ws ws = client.webSocket(WEBSOCKET);
        ws.nextText(); // Engine.IO handshake
        ws.send("40/random");
        assertEquals("44/random,{\"message\":\"Invalid namespace\"}", ws.nextIgnoringPings());
        ws.close();
      }

      @Test
      @DisplayName("should disallow connection with an invalid handshake")
      void shouldDisallowConnectionWithAnInvalidHandshake() {
        Ws ws = client.webSocket(WEBSOCKET);
        ws.nextText(); // Engine.IO handshake
        ws.send("4abc");
        ws.awaitEndBeforeAnyPing();
      }

      @Test
      @DisplayName("should close the connection if no handshake is received")
      void shouldCloseTheConnectionIfNoHandshakeIsReceived() {
        // Pings are answered, so that only the missing namespace CONNECT can end the session.
        Ws ws = client.webSocket(WEBSOCKET).awaitOpen();
        ws.awaitEndAnsweringPings(CONNECT_TIMEOUT + 2_000);
      }
    }

    @Nested
    @DisplayName("disconnect")
    class Disconnect {

      @Test
      @DisplayName("should disconnect from the main namespace")
      void shouldDisconnectFromTheMainNamespace() {
        Ws ws = connectToMainNamespace();
        ws.send("41");
        // Nothing comes back for the DISCONNECT; the next packet is the heartbeat's ping.
        assertEquals("2", ws.next());
        ws.close();
      }

      @Test
      @DisplayName("should connect then disconnect from a custom namespace")
      void shouldConnectThenDisconnectFromACustomNamespace() {
        Ws ws = connectToMainNamespace();
        assertEquals("2", ws.next()); // ping
        ws.send("40/custom");
        ws.nextText(); // Socket.IO handshake
        ws.nextText(); // "auth" event
        ws.send("41/custom");
        ws.send("42[\"message\",\"message to main namespace\"]");
        assertEquals("42[\"message-back\",\"message to main namespace\"]", ws.nextIgnoringPings());
        ws.close();
      }
    }

    @Nested
    @DisplayName("message")
    class Message {

      @Test
      @DisplayName("should send a plain-text packet")
      void shouldSendAPlainTextPacket() {
        Ws ws = connectToMainNamespace();
        ws.send("42[\"message\",1,\"2\",{\"3\":[true]}]");
        assertEquals("42[\"message-back\",1,\"2\",{\"3\":[true]}]", ws.nextIgnoringPings());
        ws.close();
      }

      @Test
      @DisplayName("should send a packet with binary attachments")
      void shouldSendAPacketWithBinaryAttachments() {
        Ws ws = connectToMainNamespace();
        ws.send("452-[\"message\"," + TWO_PLACEHOLDERS + "]");
        ws.send(new byte[] {1, 2, 3});
        ws.send(new byte[] {4, 5, 6});
        assertEquals("452-[\"message-back\"," + TWO_PLACEHOLDERS + "]", ws.nextIgnoringPings());
        assertBinary(new byte[] {1, 2, 3}, ws.nextIgnoringPings());
        assertBinary(new byte[] {4, 5, 6}, ws.nextIgnoringPings());
        ws.close();
      }

      @Test
      @DisplayName("should send a plain-text packet with an ack")
      void shouldSendAPlainTextPacketWithAnAck() {
        Ws ws = connectToMainNamespace();
        ws.send("42456[\"message-with-ack\",1,\"2\",{\"3\":[false]}]");
        assertEquals("43456[1,\"2\",{\"3\":[false]}]", ws.nextIgnoringPings());
        ws.close();
      }

      @Test
      @DisplayName("should send a packet with binary attachments and an ack")
      void shouldSendAPacketWithBinaryAttachmentsAndAnAck() {
        Ws ws = connectToMainNamespace();
        ws.send("452-789[\"message-with-ack\"," + TWO_PLACEHOLDERS + "]");
        ws.send(new byte[] {1, 2, 3});
        ws.send(new byte[] {4, 5, 6});
        assertEquals("462-789[" + TWO_PLACEHOLDERS + "]", ws.nextIgnoringPings());
        assertBinary(new byte[] {1, 2, 3}, ws.nextIgnoringPings());
        assertBinary(new byte[] {4, 5, 6}, ws.nextIgnoringPings());
        ws.close();
      }

      @Test
      @DisplayName("should close the connection upon invalid format (unknown packet type)")
      void shouldCloseUponUnknownPacketType() {
        Ws ws = connectToMainNamespace();
        ws.send("4abc");
        ws.awaitEndBeforeAnyPing();
      }

      @Test
      @DisplayName("should close the connection upon invalid format (invalid payload format)")
      void shouldCloseUponInvalidPayloadFormat() {
        Ws ws = connectToMainNamespace();
        ws.send("42{}");
        ws.awaitEndBeforeAnyPing();
      }

      @Test
      @DisplayName("should close the connection upon invalid format (invalid ack id)")
      void shouldCloseUponInvalidAckId() {
        Ws ws = connectToMainNamespace();
        ws.send("42abc[\"message-with-ack\",1,\"2\",{\"3\":[false]}]");
        ws.awaitEndBeforeAnyPing();
      }
    }
  }
}
