package io.switchboard.server.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.switchboard.testkit.TestVertx;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A raw wire-level client for the conformance tests: plain HTTP requests for long-polling and
 * plain WebSockets, on a client Vert.x instance of its own. Every wait happens on the calling
 * (JUnit) thread and is bounded; client event loops only enqueue what arrives.
 */
final class WireClient implements AutoCloseable {
  /** The bound of every single wait. */
  static final long WAIT_MS = 3_000;

  private static final String HOST = "127.0.0.1";

  private final int port;
  private final String path;
  private final HttpClient http;
  private final WebSocketClient wsClient;
  private final List<Ws> sockets = new CopyOnWriteArrayList<>();

  WireClient(Vertx vertx, int port, String path) {
    this.port = port;
    this.path = path;
    this.http = vertx.createHttpClient(
        new HttpClientOptions().setDefaultHost(HOST).setDefaultPort(port).setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(16));
    this.wsClient = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxMessageSize(2_000_000));
  }

  /** The status and the body text of an HTTP response. */
  record Reply(int status, String body) {}

  // ---- HTTP --------------------------------------------------------------------------------------

  /** Starts a request for {@code path?query}; {@code body} null sends none. */
  Future<Reply> requestAsync(HttpMethod method, String query, String body) {
    RequestOptions options = new RequestOptions().setMethod(method).setHost(HOST).setPort(port).setURI(path + "?" + query);
    return http.request(options).compose(req -> {
      Future<io.vertx.core.http.HttpClientResponse> sent = body == null ? req.send() : req.send(body);
      return sent.compose(res -> res.body().map(b -> new Reply(res.statusCode(), b.toString())));
    });
  }

  Reply request(HttpMethod method, String query, String body) {
    return TestVertx.await(requestAsync(method, query, body), WAIT_MS);
  }

  Future<Reply> getAsync(String query) {
    return requestAsync(HttpMethod.GET, query, null);
  }

  Reply get(String query) {
    return request(HttpMethod.GET, query, null);
  }

  Reply post(String query, String body) {
    return request(HttpMethod.POST, query, body);
  }

  Future<Reply> postAsync(String query, String body) {
    return requestAsync(HttpMethod.POST, query, body);
  }

  /** Opens a long-polling session and returns its sid. */
  String openPollingSession() {
    Reply r = get("EIO=4&transport=polling");
    assertEquals(200, r.status(), "handshake status");
    assertTrue(r.body().startsWith("0"), "handshake is an open packet: " + r.body());
    return new JsonObject(r.body().substring(1)).getString("sid");
  }

  /**
   * A port free right now. The tests use it instead of {@code PORT=0}: SwitchboardNode deploys
   * one HTTP server per event loop and binds the later ones to the port the first one got, but
   * Vert.x 5 does not register a server bound to port 0 for sharing, so with two or more event
   * loops the second bind fails with "Address already in use".
   */
  static int freePort() {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      return s.getLocalPort();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * Runs one HTTP exchange and one WebSocket on a throwaway Vert.x, so that the JVM-wide one-time
   * initialisation of Netty and Vert.x (class loading, allocators, channel ids) is done before the
   * node under test starts: on a loaded machine it takes longer than the blocked-thread limit, and
   * it would be charged to the node's event loops, which the tests check.
   */
  static void warmUpTransport() {
    Vertx warm = Vertx.vertx();
    try {
      io.vertx.core.http.HttpServer server = TestVertx.await(warm.createHttpServer()
          .webSocketHandler(ws -> ws.textMessageHandler(ws::writeTextMessage))
          .requestHandler(req -> req.response().end("ok"))
          .listen(0, HOST), 30_000);
      HttpClient http = warm.createHttpClient();
      TestVertx.await(http.request(HttpMethod.POST, server.actualPort(), HOST, "/")
          .compose(req -> req.send("x").compose(res -> res.body())), 30_000);
      WebSocketClient ws = warm.createWebSocketClient();
      TestVertx.await(ws.connect(server.actualPort(), HOST, "/").compose(socket -> {
        Promise<String> echoed = Promise.promise();
        socket.textMessageHandler(echoed::tryComplete);
        socket.writeTextMessage("x");
        return echoed.future().compose(x -> socket.close());
      }), 30_000);
    } finally {
      TestVertx.await(warm.close(), 30_000);
    }
  }

  static <T> T await(Future<T> future) {
    return TestVertx.await(future, WAIT_MS);
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  // ---- WebSocket ---------------------------------------------------------------------------------

  /** Starts a WebSocket to {@code path?query}; the handlers are in place before the upgrade. */
  Ws webSocket(String query) {
    Ws ws = new Ws(wsClient.webSocket());
    sockets.add(ws);
    ws.connect(new WebSocketConnectOptions().setHost(HOST).setPort(port).setURI(path + "?" + query));
    return ws;
  }

  /** One client WebSocket: what it receives is queued (String for text, byte[] for binary). */
  static final class Ws {
    private final ClientWebSocket socket;
    private final LinkedBlockingQueue<Object> inbox = new LinkedBlockingQueue<>();
    private final Promise<Void> opened = Promise.promise();
    /** Completes when the socket closed, or when the upgrade was refused. */
    private final Promise<Void> ended = Promise.promise();
    private volatile Throwable refusal;

    private Ws(ClientWebSocket socket) {
      this.socket = socket;
      socket.textMessageHandler(inbox::add);
      socket.binaryMessageHandler(b -> inbox.add(b.getBytes()));
      socket.closeHandler(v -> ended.tryComplete());
      socket.exceptionHandler(e -> { });
    }

    private void connect(WebSocketConnectOptions options) {
      socket.connect(options).onComplete(ar -> {
        if (ar.succeeded()) {
          opened.tryComplete();
        } else {
          refusal = ar.cause();
          opened.tryFail(ar.cause());
          ended.tryComplete();
        }
      });
    }

    /** Waits until the upgrade succeeded. */
    Ws awaitOpen() {
      WireClient.await(opened.future());
      return this;
    }

    /** The next message, text or binary. */
    Object next() {
      try {
        Object m = inbox.poll(WAIT_MS, TimeUnit.MILLISECONDS);
        if (m == null) {
          fail("no message within " + WAIT_MS + " ms" + (refusal == null ? "" : " (upgrade refused: " + refusal + ")"));
        }
        return m;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }

    /** The next message that is not a PING, which must be text. */
    String nextText() {
      Object m = nextIgnoringPings();
      if (!(m instanceof String s)) {
        throw new AssertionError("expected a text message, got binary " + java.util.Arrays.toString((byte[]) m));
      }
      return s;
    }

    /** The next message that is not an Engine.IO PING ({@code "2"}). */
    Object nextIgnoringPings() {
      while (true) {
        Object m = next();
        if (!"2".equals(m)) {
          return m;
        }
      }
    }

    void send(String text) {
      socket.writeTextMessage(text);
    }

    void send(byte[] bytes) {
      socket.writeBinaryMessage(Buffer.buffer(bytes));
    }

    /** Waits until the server closed the socket or refused the upgrade. */
    void awaitEnd() {
      WireClient.await(ended.future());
    }

    /**
     * Waits until the socket ended, and checks it was not the heartbeat that ended it: no PING
     * arrived before (the client never answers pings, so a ping timeout would close it anyway).
     */
    void awaitEndBeforeAnyPing() {
      awaitEnd();
      assertFalse(inbox.contains("2"), "closed only after a ping: " + inbox);
    }

    /** Answers every PING with a PONG until the socket ends, failing after {@code maxMs}. */
    void awaitEndAnsweringPings(long maxMs) {
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxMs);
      while (!ended.future().isComplete()) {
        if (System.nanoTime() > deadline) {
          fail("still open after " + maxMs + " ms");
        }
        Object m;
        try {
          m = inbox.poll(20, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError(e);
        }
        if ("2".equals(m)) {
          send("3");
        }
      }
    }

    boolean wasRefused() {
      return refusal != null;
    }

    void close() {
      if (opened.future().succeeded() && !socket.isClosed()) {
        socket.close();
      }
    }
  }

  @Override
  public void close() {
    for (Ws ws : sockets) {
      ws.close();
    }
    sockets.clear();
    TestVertx.await(http.close(), WAIT_MS);
    TestVertx.await(wsClient.close(), WAIT_MS);
  }
}
