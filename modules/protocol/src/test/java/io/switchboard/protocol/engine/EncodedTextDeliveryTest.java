package io.switchboard.protocol.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
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
  private static final int MAX_PAYLOAD = 200;
  /** Below and above MAX_PAYLOAD, with characters of 1 to 4 UTF-8 bytes. */
  private static final List<String> TEXTS = List.of("2[\"ice-candidate\",{\"to\":\"u1\"}]",
      "2[\"chat\",\"h\u00e9llo \u65e5\u672c \uD83D\uDE00\"]",
      "2[\"long\",\"" + "\u00e9\uD83D\uDE00x".repeat(40) + "\"]");

  private static EngineTestServer fixture;

  @BeforeAll
  static void start() {
    // Each session answers "go" with the texts, each built once here and shared by every session.
    List<EncodedText> messages = TEXTS.stream().map(EncodedText::of).toList();
    fixture = EngineTestServer.start(EngineOptions.defaults().withMaxPayload(MAX_PAYLOAD),
        s -> s.messageHandler(m -> messages.forEach(s::send)));
  }

  @AfterAll
  static void stop() {
    fixture.close();
  }

  @Test
  void overWebSocketEachMessageArrivesAsItsText() throws Exception {
    assertEquals(1, TEXTS.stream().filter(t -> EncodedText.of(t).frame().length > MAX_PAYLOAD).count(),
        "one text goes the frame-size fallback");
    for (int client = 0; client < 2; client++) {
      EngineTestServer.TextFrames listener = new EngineTestServer.TextFrames();
      BlockingQueue<String> frames = listener.texts;
      WebSocket ws = fixture.http.newWebSocketBuilder()
          .buildAsync(uri("EIO=4&transport=websocket"), listener).join();
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
    HttpResponse<String> open = fixture.http.send(HttpRequest.newBuilder(uri("EIO=4&transport=polling")).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    String sid = new JsonObject(open.body().substring(1)).getString("sid");
    HttpResponse<String> post = fixture.http.send(HttpRequest.newBuilder(uri("EIO=4&transport=polling&sid=" + sid))
        .POST(HttpRequest.BodyPublishers.ofString("4go")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, post.statusCode());
    StringBuilder body = new StringBuilder();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    String expected = String.join("\u001e", TEXTS.stream().map(t -> "4" + t).toList());
    while (body.length() < expected.length() && System.nanoTime() < deadline) {
      HttpResponse<String> get = fixture.http.send(
          HttpRequest.newBuilder(uri("EIO=4&transport=polling&sid=" + sid)).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      body.append(body.length() == 0 ? "" : "\u001e").append(get.body());
    }
    assertEquals(expected, body.toString());
  }

  private static URI uri(String query) {
    return fixture.uri(query);
  }
}
