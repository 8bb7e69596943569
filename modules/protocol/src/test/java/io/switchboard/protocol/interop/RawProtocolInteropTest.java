package io.switchboard.protocol.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.protocol.socketio.SioSocket;
import io.switchboard.testkit.TestVertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Exact wire-level reproductions of what the official clients ran into, with a plain HTTP and
 * WebSocket client (JDK) against the real server, each step under the test's control, so the
 * timing-dependent cases are deterministic.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RawProtocolInteropTest {
  private static TestVertx testVertx;
  private static InteropServer server;
  private static HttpClient http;

  private final List<WebSocket> sockets = new ArrayList<>();

  @BeforeAll
  static void start() {
    testVertx = TestVertx.create();
    server = InteropServer.start(testVertx);
    http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  @AfterAll
  static void stop() {
    try {
      if (server != null) {
        server.close();
      }
      testVertx.assertNoBlockedThreads();
    } finally {
      testVertx.close();
    }
  }

  @AfterEach
  void closeSockets() {
    sockets.forEach(WebSocket::abort);
  }

  /**
   * The Java client (engine.io-client-java 2.x) base64-encodes binary polling packets with
   * line breaks (Android-style {@code Base64.DEFAULT}: 76-character lines and a final newline).
   * The reference server decodes base64 leniently ({@code Buffer.from(s, "base64")}), so the
   * packet must be accepted.
   */
  @Test
  void pollingBinaryWithLineWrappedBase64IsAccepted() throws Exception {
    String url = pollingSession();
    post(url, "40");
    String connected = get(url);
    assertTrue(connected.startsWith("40{"), connected);

    byte[] bytes = new byte[100];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) i;
    }
    String wrapped = Base64.getMimeEncoder(76, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(bytes) + "\n";
    assertTrue(wrapped.indexOf('\n') < wrapped.length() - 1, "the base64 spans several lines");
    HttpResponse<String> res = postResponse(url,
        "451-0[\"binary\",{\"_placeholder\":true,\"num\":0}]\u001eb" + wrapped);
    assertEquals(200, res.statusCode(), () -> "POST of a line-wrapped base64 attachment: " + res.body());

    String ack = get(url);
    assertTrue(ack.startsWith("461-0[{\"kinds\":[\"binary\"],\"sizes\":[100]}"), () -> "the ack: " + ack);
  }

  /**
   * The server closes a polling session that has packets waiting for the next GET. The reference
   * server waits for those packets to be delivered before it sends the CLOSE packet in a later
   * response. With both in one payload the official JS client (4.x) reports the namespaces'
   * disconnect as "transport close" instead of "io server disconnect", because it hands decoded
   * packets to its sockets one tick later while it handles the CLOSE packet at once.
   */
  @Test
  void closePacketDoesNotShareAPollResponseWithPendingMessages() throws Exception {
    String url = pollingSession();
    String sid = sidOf(url);
    post(url, "40\u001e40/admin,");
    // Drain the CONNECT answers (and hello events) so that no packet is waiting.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    StringBuilder seen = new StringBuilder();
    while (!(seen.indexOf("40{") >= 0 && seen.indexOf("40/admin,{") >= 0 && seen.indexOf("42[\"hello\"") >= 0
        && seen.indexOf("42/admin,[\"hello\"") >= 0)) {
      assertTrue(System.nanoTime() < deadline, () -> "no CONNECT answers: " + seen);
      seen.append(get(url)).append('\u001e');
    }

    SioSocket root = socketOf(sid, "/");
    root.disconnect(true);
    Thread.sleep(200);

    String first = get(url);
    List<String> packets = Arrays.asList(first.split("\u001e"));
    assertTrue(packets.contains("41"), () -> "DISCONNECT of / expected in " + packets);
    assertFalse(packets.contains("1"), () -> "the CLOSE packet came in the same payload as the DISCONNECT packets: "
        + packets);
  }

  /**
   * A drain closes every session at once. A polling client that had no GET waiting at that
   * moment must still get what was buffered for it and the close packet on its next GET (and its
   * POSTs acknowledged), so the official client reports "transport close" and not the "transport
   * error" a 400 gives; after that one GET the session is unknown.
   */
  @Test
  void pollingClientBetweenTwoGetsGetsTheCloseOfAnImmediateShutdown() throws Exception {
    InteropServer own = InteropServer.start(testVertx);
    try {
      String base = own.url() + InteropServer.PATH + "?EIO=4&transport=polling";
      String open = get(base);
      int i = open.indexOf("\"sid\":\"");
      String sid = open.substring(i + 7, open.indexOf('"', i + 7));
      String url = base + "&sid=" + sid;
      post(url, "40");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      StringBuilder seen = new StringBuilder();
      while (!(seen.indexOf("40{") >= 0 && seen.indexOf("42[\"hello\"") >= 0)) {
        assertTrue(System.nanoTime() < deadline, () -> "no CONNECT answer: " + seen);
        seen.append(get(url)).append('\u001e');
      }
      SioSocket root = null;
      for (SioSocket s : own.io().of("/").sockets()) {
        if (s.sessionId().equals(sid)) {
          root = s;
        }
      }
      assertNotNull(root, "the socket of " + sid);
      root.emit("last-words", "bye");
      Thread.sleep(100);

      TestVertx.await(own.engine().closeAll());
      assertEquals(null, own.engine().session(sid), "the session ended at once");
      assertEquals(200, postResponse(url, "42[\"late\"]").statusCode(), "a POST after the close is acknowledged");
      List<String> packets = Arrays.asList(get(url).split("\u001e"));
      assertEquals(List.of("42[\"last-words\",\"bye\"]", "1"), packets, "buffered packets, then the close packet");
      TestVertx.await(own.engine().farewellsDelivered(1_000));
      HttpResponse<String> after = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(400, after.statusCode(), () -> "the close packet is given once: " + after.body());
    } finally {
      own.close();
    }
  }

  /**
   * A client upgrades (probe done, then "5") after the server decided to close the session.
   * The reference server closes the new WebSocket right after the upgrade, so the client sees
   * the connection end and reconnects. The session must not linger on the fresh WebSocket.
   */
  @Test
  void upgradeCompletedWhileTheServerClosesTheSessionEndsTheWebSocket() throws Exception {
    String url = pollingSession();
    String sid = sidOf(url);
    post(url, "40");
    assertTrue(get(url).startsWith("40{"));

    Frames frames = new Frames();
    WebSocket ws = http.newWebSocketBuilder()
        .buildAsync(URI.create(wsUrl() + "&sid=" + sid), frames).get(5, TimeUnit.SECONDS);
    sockets.add(ws);
    ws.sendText("2probe", true).get(5, TimeUnit.SECONDS);
    assertEquals("3probe", frames.texts.poll(5, TimeUnit.SECONDS));

    // The server closes the session between the probe and the upgrade packet (no GET is waiting).
    server.engine().session(sid).close();
    Thread.sleep(200);
    ws.sendText("5", true).get(5, TimeUnit.SECONDS);

    String end = frames.closed.completeOnTimeout("still open", 2, TimeUnit.SECONDS).get();
    List<String> texts = new ArrayList<>(frames.texts);
    assertNotEquals("still open", end, () -> "2 s after the upgrade packet the WebSocket of the closed session is "
        + "still open (frames sent on it: " + texts + ")");
    JavaClientInteropTest.awaitTrue("session removed", () -> server.engine().session(sid) == null);
  }

  /**
   * A WebSocket message larger than maxPayload, sent as two frames that are each below the limit.
   * The reference server (ws with maxPayload) closes the connection with 1009; the message must
   * not just vanish while the connection stays open.
   */
  @Test
  void oversizedFragmentedWebSocketMessageClosesTheConnection() throws Exception {
    Frames frames = new Frames();
    WebSocket ws = http.newWebSocketBuilder().buildAsync(URI.create(wsUrl()), frames).get(5, TimeUnit.SECONDS);
    sockets.add(ws);
    assertTrue(frames.texts.poll(5, TimeUnit.SECONDS).startsWith("0{"));
    ws.sendText("40", true).get(5, TimeUnit.SECONDS);
    assertTrue(frames.texts.poll(5, TimeUnit.SECONDS).startsWith("40{"));

    int max = server.engine().options().maxPayload();
    String half = "a".repeat(max / 2 + 10);
    ws.sendText("42[\"echo\",\"" + half, false).get(5, TimeUnit.SECONDS);
    ws.sendText(half + "\"]", true).get(5, TimeUnit.SECONDS);

    String end = frames.closed.completeOnTimeout("still open", 2, TimeUnit.SECONDS).get();
    assertNotEquals("still open", end, () -> "a " + (2 * half.length() + 12) + "-byte message (maxPayload " + max
        + ") in two frames left the connection open; frames received: " + frames.texts);
  }

  // ---- helpers -------------------------------------------------------------------------------

  private static void assertNotEquals(String unexpected, String actual, java.util.function.Supplier<String> message) {
    org.junit.jupiter.api.Assertions.assertNotEquals(unexpected, actual, message);
  }

  private static String wsUrl() {
    return "ws://127.0.0.1:" + server.port() + InteropServer.PATH + "?EIO=4&transport=websocket";
  }

  /** Opens a polling session; returns its URL (with the sid). */
  private static String pollingSession() throws Exception {
    String base = server.url() + InteropServer.PATH + "?EIO=4&transport=polling";
    String open = get(base);
    int i = open.indexOf("\"sid\":\"");
    assertTrue(open.startsWith("0{") && i > 0, open);
    return base + "&sid=" + open.substring(i + 7, open.indexOf('"', i + 7));
  }

  private static String sidOf(String url) {
    return url.substring(url.indexOf("&sid=") + 5);
  }

  private static SioSocket socketOf(String sid, String nsp) {
    for (SioSocket s : server.io().of(nsp).sockets()) {
      if (s.sessionId().equals(sid)) {
        return s;
      }
    }
    throw new AssertionError("no socket of session " + sid + " in " + nsp);
  }

  private static String get(String url) throws Exception {
    HttpResponse<String> res = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, res.statusCode(), () -> "GET " + url + ": " + res.body());
    return res.body();
  }

  private static void post(String url, String body) throws Exception {
    HttpResponse<String> res = postResponse(url, body);
    assertEquals(200, res.statusCode(), () -> "POST " + body + ": " + res.body());
  }

  private static HttpResponse<String> postResponse(String url, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
        .header("Content-Type", "text/plain;charset=UTF-8")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static final class Frames implements WebSocket.Listener {
    final BlockingQueue<String> texts = new LinkedBlockingQueue<>();
    final CompletableFuture<String> closed = new CompletableFuture<>();
    private final StringBuilder partial = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        texts.add(partial.toString());
        partial.setLength(0);
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      closed.complete("close " + statusCode);
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      closed.complete("error " + error);
    }
  }
}
