package io.switchboard.protocol.engine;

import io.switchboard.testkit.TestVertx;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * An {@link EngineServer} on {@code /engine.io/} of a loopback HTTP server, on a Vert.x that fails
 * the test when an event loop blocks, with a JDK HTTP client to reach it. Close it after the tests.
 */
final class EngineTestServer {
  private static final String PATH = "/engine.io/";

  final TestVertx testVertx;
  final EngineServer engine;
  final HttpServer server;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private EngineTestServer(EngineOptions options, Handler<EngineSocket> onConnection) {
    testVertx = TestVertx.create(2);
    engine = new EngineServer(testVertx.vertx(), options);
    engine.connectionHandler(onConnection);
    server = TestVertx.await(testVertx.vertx().createHttpServer()
        .requestHandler(engine::handle).listen(0, "127.0.0.1"));
  }

  static EngineTestServer start(EngineOptions options, Handler<EngineSocket> onConnection) {
    return new EngineTestServer(options, onConnection);
  }

  /** The engine's URL with this query: {@code ws://} for a WebSocket transport, else {@code http://}. */
  URI uri(String query) {
    String scheme = query.contains("transport=websocket") ? "ws" : "http";
    return URI.create(scheme + "://127.0.0.1:" + server.actualPort() + PATH + "?" + query);
  }

  /** Closes every session and the server, fails if an event loop was blocked, closes Vert.x. */
  void close() {
    try {
      TestVertx.await(engine.closeAll());
      TestVertx.await(server.close());
      testVertx.assertNoBlockedThreads();
    } finally {
      testVertx.close();
    }
  }

  /** A WebSocket listener that queues each whole text message (fragments joined). */
  static final class TextFrames implements WebSocket.Listener {
    final BlockingQueue<String> texts = new LinkedBlockingQueue<>();
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
  }
}
