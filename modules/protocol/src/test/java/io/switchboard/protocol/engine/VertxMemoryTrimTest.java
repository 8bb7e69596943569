package io.switchboard.protocol.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.testkit.TestVertx;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.ext.web.Router;
import java.lang.ref.WeakReference;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link VertxMemoryTrim} against the real Vert.x: what Vert.x retains per server WebSocket, that
 * the trim releases it, and that the replaced outbound queue keeps every writer's order, also
 * under back-pressure.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class VertxMemoryTrimTest {
  private static final String PATH = "/socket.io/";
  /** A path whose WebSockets are accepted without the engine (and without the trim). */
  private static final String UNTRIMMED = "/untrimmed/";

  private static TestVertx testVertx;
  private static EngineServer engine;
  private static HttpServer server;
  private static HttpClient http;
  private static final List<EngineSession> sessions = new CopyOnWriteArrayList<>();
  /** The HTTP/1 connection each WebSocket upgrade request came on, weakly. */
  private static final List<WeakReference<Object>> upgradeConnections = new CopyOnWriteArrayList<>();
  private static final List<WeakReference<Object>> untrimmedConnections = new CopyOnWriteArrayList<>();
  private static final List<ServerWebSocket> untrimmedSockets = new CopyOnWriteArrayList<>();

  private final List<WebSocket> clients = new ArrayList<>();

  @BeforeAll
  static void start() {
    testVertx = TestVertx.create(2);
    engine = new EngineServer(testVertx.vertx(), EngineOptions.defaults());
    engine.connectionHandler(s -> sessions.add((EngineSession) s));
    Router router = Router.router(testVertx.vertx());
    router.route(PATH).handler(ctx -> {
      if ("websocket".equals(ctx.request().getParam("transport"))) {
        upgradeConnections.add(new WeakReference<>(ctx.request().connection()));
      }
      engine.handle(ctx.request());
    });
    router.route(UNTRIMMED).handler(ctx -> {
      untrimmedConnections.add(new WeakReference<>(ctx.request().connection()));
      ctx.request().toWebSocket().onSuccess(ws -> {
        untrimmedSockets.add(ws);
        ws.writeTextMessage("hi");
      });
    });
    server = TestVertx.await(testVertx.vertx().createHttpServer(new HttpServerOptions()
            .setHost("127.0.0.1").setRegisterWebSocketWriteHandlers(false))
        .requestHandler(router).listen(0, "127.0.0.1"));
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

  @AfterEach
  void closeClients() {
    clients.forEach(WebSocket::abort);
    clients.clear();
    sessions.clear();
    upgradeConnections.clear();
    untrimmedConnections.clear();
    untrimmedSockets.clear();
  }

  @Test
  void internalsAreFound() {
    assertTrue(VertxMemoryTrim.active(), "the Vert.x internals the trim needs were not found");
  }

  /**
   * The premise: without the trim, Vert.x 5.1.1 keeps the HTTP/1 connection of every accepted
   * WebSocket. When this fails, Vert.x no longer does: re-check whether the trim is still needed.
   */
  @Test
  void vertxRetainsTheUpgradedHttpConnection() throws Exception {
    int n = 10;
    for (int i = 0; i < n; i++) {
      Messages m = connect(UNTRIMMED);
      assertEquals("hi", m.next());
    }
    assertEquals(n, untrimmedConnections.size());
    gc(() -> cleared(untrimmedConnections) == n, 1_000);
    assertEquals(0, cleared(untrimmedConnections), "Vert.x released the HTTP/1 connections by itself");
    Queue<?> q = VertxMemoryTrim.outboundQueue(untrimmedSockets.get(0));
    assertNotNull(q);
    assertTrue(q.getClass().getName().contains("Mpsc"), "untrimmed outbound queue: " + q.getClass());
  }

  @Test
  void webSocketSessionsReleaseTheirHttpConnectionAndGetASmallQueue() throws Exception {
    int n = 50;
    for (int i = 0; i < n; i++) {
      Messages m = connect(PATH + "?EIO=4&transport=websocket");
      assertTrue(m.next().startsWith("0{\"sid\""));
    }
    awaitSessions(n);
    for (EngineSession s : sessions) {
      Queue<?> q = onContext(s, () -> VertxMemoryTrim.outboundQueue(s.webSocket()));
      assertInstanceOf(ConcurrentLinkedQueue.class, q, "outbound queue of " + s.id());
      assertTrue(onContext(s, () -> s.webSocket().headers().isEmpty()), "upgrade headers dropped");
    }
    assertEquals(n, upgradeConnections.size());
    assertTrue(gc(() -> cleared(upgradeConnections) == n, 10_000),
        () -> (n - cleared(upgradeConnections)) + " of " + n + " HTTP/1 connections still reachable");
    // The sessions still work after the trim.
    for (EngineSession s : sessions) {
      assertTrue(s.isOpen());
      s.send("still here");
    }
  }

  @Test
  void upgradeFromPollingIsTrimmedToo() throws Exception {
    String base = "http://127.0.0.1:" + server.actualPort() + PATH + "?EIO=4";
    String open = http.send(HttpRequest.newBuilder(URI.create(base + "&transport=polling")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    int i = open.indexOf("\"sid\":\"");
    String sid = open.substring(i + 7, open.indexOf('"', i + 7));
    Messages m = connect(PATH + "?EIO=4&transport=websocket&sid=" + sid);
    m.socket.sendText("2probe", true).get(5, TimeUnit.SECONDS);
    assertEquals("3probe", m.next());
    m.socket.sendText("5", true).get(5, TimeUnit.SECONDS);
    awaitSessions(1);
    EngineSession s = sessions.get(0);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (onContext(s, s::isPolling)) {
      assertTrue(System.nanoTime() < deadline, "upgrade not completed");
      Thread.sleep(10);
    }
    assertInstanceOf(ConcurrentLinkedQueue.class, onContext(s, () -> VertxMemoryTrim.outboundQueue(s.webSocket())));
    s.send("after upgrade");
    assertEquals("4after upgrade", m.next());
    assertTrue(gc(() -> cleared(upgradeConnections) == 1, 10_000), "the upgrade's HTTP/1 connection is still reachable");
  }

  @Test
  void offSwitch() throws Exception {
    System.setProperty(VertxMemoryTrim.PROPERTY, "false");
    try {
      Messages m = connect(PATH + "?EIO=4&transport=websocket");
      assertTrue(m.next().startsWith("0{"));
      awaitSessions(1);
      EngineSession s = sessions.get(0);
      Queue<?> q = onContext(s, () -> VertxMemoryTrim.outboundQueue(s.webSocket()));
      assertFalse(q instanceof ConcurrentLinkedQueue, "queue replaced although the trim is off");
      assertFalse(VertxMemoryTrim.active());
    } finally {
      System.clearProperty(VertxMemoryTrim.PROPERTY);
    }
  }

  /**
   * Several threads write 10 000 frames to one trimmed socket at once while the client does not
   * read, so the channel becomes unwritable and frames pile up in the replaced queue; then the
   * client reads everything: nothing lost, and each writer's frames in the order it wrote them.
   */
  @Test
  void concurrentWritesKeepEachWritersOrderThroughTheReplacedQueue() throws Exception {
    int threads = 4;
    int perThread = 2_500;
    String padding = "x".repeat(2_000); // 20 MB in all: more than the socket buffers hold
    Messages m = connect(PATH + "?EIO=4&transport=websocket", false);
    assertTrue(m.next().startsWith("0{"));
    awaitSessions(1);
    EngineSession s = sessions.get(0);
    ServerWebSocket ws = onContext(s, s::webSocket);
    Queue<?> queue = onContext(s, () -> VertxMemoryTrim.outboundQueue(ws));
    assertInstanceOf(ConcurrentLinkedQueue.class, queue);

    CountDownLatch go = new CountDownLatch(1);
    List<Thread> writers = new ArrayList<>();
    List<Future<Void>> lastWrites = new CopyOnWriteArrayList<>();
    for (int t = 0; t < threads; t++) {
      int id = t;
      Thread w = new Thread(() -> {
        try {
          go.await();
        } catch (InterruptedException e) {
          return;
        }
        Future<Void> last = null;
        for (int k = 0; k < perThread; k++) {
          last = ws.writeTextMessage(id + ":" + k + ":" + padding);
        }
        lastWrites.add(last);
      }, "writer-" + t);
      w.start();
      writers.add(w);
    }
    go.countDown();
    for (Thread w : writers) {
      w.join(30_000);
    }
    assertEquals(threads, lastWrites.size());
    // The client has not read anything yet: the channel is not writable and frames wait in the
    // replaced queue (the event loop moves them on only as the channel drains).
    Thread.sleep(200);
    int queued = queue.size();
    assertTrue(queued > 0, "no frame waits in the replaced queue; the test needs more bytes to fill the socket");
    int[] next = new int[threads];
    m.resume();
    int total = 0;
    while (total < threads * perThread) {
      String msg = m.next();
      if (msg.equals("2")) {
        continue; // a ping
      }
      String[] parts = msg.split(":", 3);
      int t = Integer.parseInt(parts[0]);
      int k = Integer.parseInt(parts[1]);
      assertEquals(next[t], k, "writer " + t + " out of order");
      assertEquals(padding, parts[2]);
      next[t]++;
      total++;
    }
    for (Future<Void> f : lastWrites) {
      TestVertx.await(f);
    }
    assertTrue(queue.isEmpty());
    assertTrue(onContext(s, () -> VertxMemoryTrim.outboundQueue(ws)) == queue, "still the replaced queue");
  }

  // ---- helpers ----------------------------------------------------------------------------------

  private Messages connect(String pathAndQuery) throws Exception {
    return connect(pathAndQuery, true);
  }

  private Messages connect(String pathAndQuery, boolean reading) throws Exception {
    Messages m = new Messages(reading);
    m.socket = http.newWebSocketBuilder()
        .buildAsync(URI.create("ws://127.0.0.1:" + server.actualPort() + pathAndQuery), m)
        .get(10, TimeUnit.SECONDS);
    clients.add(m.socket);
    return m;
  }

  private static void awaitSessions(int n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (sessions.size() < n) {
      assertTrue(System.nanoTime() < deadline, "sessions: " + sessions.size() + " of " + n);
      Thread.sleep(5);
    }
  }

  private static <T> T onContext(EngineSession s, Supplier<T> task) {
    Promise<T> p = Promise.promise();
    s.context().runOnContext(v -> p.complete(task.get()));
    return TestVertx.await(p.future());
  }

  private static int cleared(List<WeakReference<Object>> refs) {
    int n = 0;
    for (WeakReference<Object> r : refs) {
      if (r.get() == null) {
        n++;
      }
    }
    return n;
  }

  private static boolean gc(java.util.function.BooleanSupplier done, long timeoutMs) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    do {
      System.gc();
      if (done.getAsBoolean()) {
        return true;
      }
      Thread.sleep(50);
    } while (System.nanoTime() < deadline);
    return done.getAsBoolean();
  }

  /** A JDK WebSocket listener that queues whole text messages; it may hold reading back. */
  private static final class Messages implements WebSocket.Listener {
    final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    final StringBuilder partial = new StringBuilder();
    volatile boolean reading;
    WebSocket socket;

    Messages(boolean reading) {
      this.reading = reading;
    }

    @Override
    public void onOpen(WebSocket webSocket) {
      webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        received.add(partial.toString());
        partial.setLength(0);
      }
      if (reading || !last) {
        webSocket.request(1);
      }
      return null;
    }

    /** Starts reading again after a pause (only after the first whole message). */
    void resume() {
      reading = true;
      socket.request(1);
    }

    String next() throws InterruptedException {
      String s = received.poll(20, TimeUnit.SECONDS);
      assertNotNull(s, "no message within 20 s");
      return s;
    }
  }
}
