package io.switchboard.protocol.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.switchboard.testkit.TestVertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A message encoded once ({@link EncodedText}) reaches a client over either transport as its text:
 * over WebSocket its own frame bytes go out (or, beyond the node's frame size, Vert.x's split
 * message), over polling its text joins the response body.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class EncodedTextDeliveryTest {
  private static final String PATH = "/engine.io/";
  private static final int MAX_PAYLOAD = 200;
  /** Below and above MAX_PAYLOAD, with characters of 1 to 4 UTF-8 bytes. */
  private static final List<String> TEXTS = List.of("2[\"ice-candidate\",{\"to\":\"u1\"}]",
      "2[\"chat\",\"h\u00e9llo \u65e5\u672c \uD83D\uDE00\"]",
      "2[\"long\",\"" + "\u00e9\uD83D\uDE00x".repeat(40) + "\"]");

  private static TestVertx testVertx;
  private static EngineServer engine;
  private static HttpServer server;
  private static HttpClient http;

  @BeforeAll
  static void start() {
    testVertx = TestVertx.create(2);
    engine = new EngineServer(testVertx.vertx(), EngineOptions.defaults().withMaxPayload(MAX_PAYLOAD));
    // Each session answers "go" with the texts, each built once here and shared by every session.
    List<EncodedText> messages = TEXTS.stream().map(EncodedText::of).toList();
    engine.connectionHandler(s -> s.messageHandler(m -> messages.forEach(s::send)));
    server = TestVertx.await(testVertx.vertx().createHttpServer()
        .requestHandler(engine::handle).listen(0, "127.0.0.1"));
    http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  @AfterAll
  static void stop() {
    try {
      TestVertx.await(engine.closeAll());
      TestVertx.await(server.close());
      testVertx.assertNoBlockedThreads();
    } finally {
      testVertx.close();
    }
  }

  @Test
  void overWebSocketEachMessageArrivesAsItsText() throws Exception {
    assertEquals(1, TEXTS.stream().filter(t -> EncodedText.of(t).frame().length > MAX_PAYLOAD).count(),
        "one text goes the frame-size fallback");
    for (int client = 0; client < 2; client++) {
      LinkedBlockingQueue<String> frames = new LinkedBlockingQueue<>();
      WebSocket ws = http.newWebSocketBuilder().buildAsync(uri("EIO=4&transport=websocket"), new WebSocket.Listener() {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
          partial.append(data);
          if (last) {
            frames.add(partial.toString());
            partial.setLength(0);
          }
          webSocket.request(1);
          return CompletableFuture.completedFuture(null);
        }
      }).join();
      try {
        String open = frames.poll(5, TimeUnit.SECONDS);
        assertEquals('0', open.charAt(0), open);
        ws.sendText("4go", true).join();
        List<String> got = new ArrayList<>();
        for (int i = 0; i < TEXTS.size(); i++) {
          got.add(frames.poll(5, TimeUnit.SECONDS));
        }
        assertEquals(TEXTS.stream().map(t -> "4" + t).toList(), got);
      } finally {
        ws.abort();
      }
    }
  }

  @Test
  void overPollingTheTextsJoinTheResponseBody() throws Exception {
    HttpResponse<String> open = http.send(HttpRequest.newBuilder(uri("EIO=4&transport=polling")).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    String sid = new JsonObject(open.body().substring(1)).getString("sid");
    HttpResponse<String> post = http.send(HttpRequest.newBuilder(uri("EIO=4&transport=polling&sid=" + sid))
        .POST(HttpRequest.BodyPublishers.ofString("4go")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, post.statusCode());
    StringBuilder body = new StringBuilder();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    String expected = String.join("\u001e", TEXTS.stream().map(t -> "4" + t).toList());
    while (body.length() < expected.length() && System.nanoTime() < deadline) {
      HttpResponse<String> get = http.send(HttpRequest.newBuilder(uri("EIO=4&transport=polling&sid=" + sid)).GET()
          .build(), HttpResponse.BodyHandlers.ofString());
      body.append(body.length() == 0 ? "" : "\u001e").append(get.body());
    }
    assertEquals(expected, body.toString());
  }

  private static URI uri(String query) {
    String scheme = query.contains("transport=websocket") ? "ws" : "http";
    return URI.create(scheme + "://127.0.0.1:" + server.actualPort() + PATH + "?" + query);
  }
}
