package io.switchboard.protocol.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.socket.client.IO;
import io.socket.client.Socket;
import io.switchboard.protocol.socketio.SocketIoOptions;
import io.switchboard.testkit.TestVertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Robustness: many connections send malformed frames (garbage text, unknown packet types, bad
 * JSON, unexpected binary frames, oversized frames; over WebSocket and polling) while
 * well-behaved clients keep exchanging acks. The good clients must never notice, idle sessions
 * must survive, and the server must close every malformed connection.
 */
class MalformedFloodTest {
  private static final int MAX_PAYLOAD = 100_000;
  private static final int ROUNDS = 12;
  private static final int CONCURRENCY = 32;
  /**
   * How long a malformed connection may take to be seen closed: past the server's 2 s WebSocket
   * closing timeout (a client still busy writing an oversized frame may not read the close frame
   * before the server drops the connection) with room for a loaded 2-core machine.
   */
  private static final long CLOSE_WAIT_MS = 10_000;

  private static TestVertx testVertx;
  private static InteropServer server;
  private static HttpClient http;
  private static ExecutorService httpExecutor;
  private static ExecutorService rawExecutor;

  @BeforeAll
  static void start() {
    testVertx = TestVertx.create();
    server = InteropServer.start(testVertx, InteropServer.defaultEngineOptions().withMaxPayload(MAX_PAYLOAD),
        SocketIoOptions.defaults(), 2);
    httpExecutor = Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "flood-http");
      t.setDaemon(true);
      return t;
    });
    rawExecutor = Executors.newFixedThreadPool(8, r -> {
      Thread t = new Thread(r, "flood-raw");
      t.setDaemon(true);
      return t;
    });
    http = HttpClient.newBuilder().executor(httpExecutor).connectTimeout(Duration.ofSeconds(5)).build();
  }

  @AfterAll
  static void stop() {
    try {
      if (server != null) {
        server.close();
      }
      testVertx.assertNoBlockedThreads();
    } finally {
      httpExecutor.shutdownNow();
      rawExecutor.shutdownNow();
      testVertx.close();
    }
  }

  // ---- the malformed inputs ----------------------------------------------------------------------

  /** What a malformed WebSocket connection sends after the handshake (and, if {@code join}, after "40"). */
  private record WsCase(String name, boolean join, List<Object> frames) {}

  private static List<WsCase> wsCases() {
    String big = "a".repeat(MAX_PAYLOAD + 10);
    List<WsCase> cases = new ArrayList<>();
    for (boolean join : new boolean[] {false, true}) {
      cases.add(new WsCase("garbage_text", join, List.of("hello, world")));
      cases.add(new WsCase("unknown_engine_type", join, List.of("9")));
      cases.add(new WsCase("empty_text", join, List.of("")));
      cases.add(new WsCase("empty_message", join, List.of("4")));
      cases.add(new WsCase("unknown_sio_type", join, List.of("49[\"x\"]")));
      cases.add(new WsCase("bad_json", join, List.of("42[\"echo\",{\"a\":")));
      cases.add(new WsCase("trailing_garbage", join, List.of("42[\"echo\"]xyz")));
      cases.add(new WsCase("event_not_array", join, List.of("42{\"a\":1}")));
      cases.add(new WsCase("empty_event_array", join, List.of("42[]")));
      cases.add(new WsCase("reserved_event_name", join, List.of("42[\"connect\"]")));
      cases.add(new WsCase("too_many_attachments", join, List.of("45999-[\"x\"]")));
      cases.add(new WsCase("bad_attachment_count", join, List.of("45x-[\"x\"]")));
      cases.add(new WsCase("ack_id_too_long", join, List.of("4212345678901234567890[\"x\"]")));
      cases.add(new WsCase("connect_payload_not_object", join, List.of("40\"str\"")));
      cases.add(new WsCase("disconnect_with_payload", join, List.of("41{\"a\":1}")));
      cases.add(new WsCase("unexpected_binary", join, List.of(new byte[] {1, 2, 3})));
      cases.add(new WsCase("text_instead_of_attachment", join,
          List.of("451-[\"x\",{\"_placeholder\":true,\"num\":0}]", "42[\"echo\"]")));
      cases.add(new WsCase("bad_placeholder_index", join,
          List.of("451-[\"x\",{\"_placeholder\":true,\"num\":7}]", new byte[] {9})));
      // The JDK client sends a long text message as several frames: an oversized message, not frame.
      cases.add(new WsCase("oversized_text_message", join, List.of("42[\"echo\",\"" + big + "\"]")));
      cases.add(new WsCase("oversized_binary_frame", join,
          List.of("451-[\"x\",{\"_placeholder\":true,\"num\":0}]", new byte[MAX_PAYLOAD + 10])));
      cases.add(new WsCase("oversized_fragmented_message", join, List.of(new Fragmented(big))));
    }
    return cases;
  }

  /**
   * Raw-socket cases: the JDK client splits long text messages into several frames, so a single
   * oversized frame (and a frame header announcing a huge payload that never comes) is written by hand.
   */
  private static final List<String> RAW_CASES = List.of("raw_oversized_text_frame", "raw_huge_length_header");

  /** A text message sent as two frames, each below the frame limit, together above the message limit. */
  private record Fragmented(String text) {}

  /** A polling session's malformed POST body, and the status the POST must get. */
  private record PollCase(String name, String body, int status) {}

  private static List<PollCase> pollCases() {
    return List.of(
        new PollCase("poll_garbage", "garbage", 400),
        new PollCase("poll_bad_base64", "b!!!not base64!!!", 400),
        new PollCase("poll_empty_element", "4\u001e", 400),
        new PollCase("poll_unknown_engine_type", "9hello", 400),
        new PollCase("poll_oversized_body", "4" + "a".repeat(MAX_PAYLOAD + 10), 413),
        // Socket.IO-level errors: the POST itself is answered "ok", the session is closed.
        new PollCase("poll_bad_json", "40\u001e42[\"echo\",{", 200),
        new PollCase("poll_unexpected_binary", "40\u001ebAQID", 200),
        new PollCase("poll_reserved_event", "40\u001e42[\"disconnect\"]", 200));
  }

  // ---- the test ------------------------------------------------------------------------------------

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void malformedFloodDoesNotDisturbWellBehavedClients() throws Exception {
    // Idle well-behaved sessions, before the flood.
    List<Socket> idle = new ArrayList<>();
    Map<String, String> idleIds = new ConcurrentHashMap<>();
    Queue<String> goodDisconnects = new ConcurrentLinkedQueue<>();
    for (int i = 0; i < 6; i++) {
      String[] transports = i % 2 == 0 ? new String[] {"websocket"} : new String[] {"polling"};
      Socket s = goodClient(transports, goodDisconnects);
      idle.add(s);
      idleIds.put(s.id(), String.join(",", transports));
    }

    // Active clients exchanging acks throughout the flood.
    AtomicBoolean flooding = new AtomicBoolean(true);
    List<AckLoop> loops = List.of(
        new AckLoop(goodClient(new String[] {"websocket"}, goodDisconnects), flooding),
        new AckLoop(goodClient(new String[] {"polling"}, goodDisconnects), flooding));
    try {
      flood(idle, idleIds, goodDisconnects, loops, flooding);
    } finally {
      flooding.set(false);
      for (AckLoop loop : loops) {
        loop.socket.close();
      }
      for (Socket s : idle) {
        s.close();
      }
    }
  }

  private void flood(List<Socket> idle, Map<String, String> idleIds, Queue<String> goodDisconnects,
      List<AckLoop> loops, AtomicBoolean flooding) throws Exception {
    List<Thread> loopThreads = new ArrayList<>();
    for (AckLoop loop : loops) {
      Thread t = new Thread(loop, "flood-good-client");
      t.setDaemon(true);
      t.start();
      loopThreads.add(t);
    }
    int baseline = server.engine().size();
    assertEquals(idle.size() + loops.size(), baseline);

    // The flood.
    List<String> notClosed = new CopyOnWriteArrayList<>();
    AtomicInteger malformed = new AtomicInteger();
    Semaphore permits = new Semaphore(CONCURRENCY);
    List<CompletableFuture<Void>> all = new ArrayList<>();
    long floodStart = System.nanoTime();
    for (int round = 0; round < ROUNDS; round++) {
      for (WsCase c : wsCases()) {
        permits.acquire();
        malformed.incrementAndGet();
        all.add(runWs(c).whenComplete((v, e) -> permits.release()).handle((v, e) -> {
          if (e != null) {
            notClosed.add(c.name() + (c.join() ? "+join" : "") + ": " + rootMessage(e));
          }
          return null;
        }));
      }
      for (String c : RAW_CASES) {
        permits.acquire();
        malformed.incrementAndGet();
        all.add(CompletableFuture.runAsync(() -> rawOversized(c), rawExecutor)
            .whenComplete((v, e) -> permits.release()).handle((v, e) -> {
              if (e != null) {
                notClosed.add(c + ": " + rootMessage(e));
              }
              return null;
            }));
      }
      for (PollCase c : pollCases()) {
        permits.acquire();
        malformed.incrementAndGet();
        all.add(runPoll(c).whenComplete((v, e) -> permits.release()).handle((v, e) -> {
          if (e != null) {
            notClosed.add(c.name() + ": " + rootMessage(e));
          }
          return null;
        }));
      }
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    long floodMs = (System.nanoTime() - floodStart) / 1_000_000;
    // Keep the good clients going a little after the last malformed frame.
    Thread.sleep(300);
    flooding.set(false);
    for (Thread t : loopThreads) {
      t.join(15_000);
    }

    System.out.println("[flood] " + malformed.get() + " malformed connections in " + floodMs + " ms; acks: "
        + loops.stream().map(l -> l.transport + "=" + l.acked.get()).toList());

    assertTrue(notClosed.isEmpty(), () -> notClosed.size() + " malformed connections were not closed by the server:\n  "
        + String.join("\n  ", notClosed.subList(0, Math.min(40, notClosed.size()))));
    for (AckLoop loop : loops) {
      assertTrue(loop.failures.isEmpty(), () -> loop.transport + " client: " + loop.failures);
      assertTrue(loop.acked.get() >= 20, () -> loop.transport + " client got only " + loop.acked.get() + " acks");
      assertTrue(loop.socket.connected(), loop.transport + " client still connected");
    }
    assertTrue(goodDisconnects.isEmpty(), () -> "well-behaved clients were disconnected: " + goodDisconnects);
    for (Socket s : idle) {
      assertTrue(s.connected());
      JSONObject res = (JSONObject) JavaClientInteropTest.ack(s, "ack", "after the flood")[0];
      assertEquals("after the flood", res.getJSONArray("args").getString(0));
    }
    for (String id : idleIds.keySet()) {
      assertFalse(server.disconnectReasons().containsKey(id), () -> "idle socket " + id + " was disconnected: "
          + server.disconnectReasons().get(id));
    }
    // Every malformed session is gone; the good ones remain.
    JavaClientInteropTest.awaitTrue("malformed sessions removed", () -> server.engine().size() == baseline);
    assertEquals(baseline, server.engine().size());
  }

  // ---- good clients ------------------------------------------------------------------------------

  private static Socket goodClient(String[] transports, Queue<String> disconnects) throws Exception {
    IO.Options opts = new IO.Options();
    opts.forceNew = true;
    opts.transports = transports;
    opts.reconnection = false;
    Socket s = IO.socket(URI.create(server.url()), opts);
    CompletableFuture<Object[]> connected = new CompletableFuture<>();
    s.once(Socket.EVENT_CONNECT, connected::complete);
    s.once(Socket.EVENT_CONNECT_ERROR, a -> connected.completeExceptionally(new AssertionError("connect_error")));
    s.connect();
    JavaClientInteropTest.get(connected);
    String id = s.id();
    s.on(Socket.EVENT_DISCONNECT, a -> {
      if (!"io client disconnect".equals(a[0])) {
        disconnects.add(id + " (" + String.join(",", transports) + "): " + a[0]);
      }
    });
    return s;
  }

  /** Sends acked events one after the other until told to stop; every ack must come within 5 s. */
  private static final class AckLoop implements Runnable {
    final Socket socket;
    final AtomicBoolean running;
    final String transport;
    final AtomicInteger acked = new AtomicInteger();
    final List<String> failures = new CopyOnWriteArrayList<>();

    AckLoop(Socket socket, AtomicBoolean running) {
      this.socket = socket;
      this.running = running;
      this.transport = JavaClientInteropTest.clientTransport(socket);
    }

    @Override
    public void run() {
      int i = 0;
      while (running.get() && failures.isEmpty()) {
        try {
          CompletableFuture<Object[]> f = JavaClientInteropTest.ackAsync(socket, "ack", i);
          Object[] res = f.get(5, TimeUnit.SECONDS);
          int got = ((JSONObject) res[0]).getJSONArray("args").getInt(0);
          if (got != i) {
            failures.add("ack " + i + " answered with " + got);
          }
          acked.incrementAndGet();
          i++;
          Thread.sleep(2); // steady traffic without starving the (shared, small) CPU

        } catch (Exception e) {
          failures.add("ack " + i + ": " + e);
        }
      }
    }
  }

  // ---- malformed clients -------------------------------------------------------------------------

  private static String wsUrl() {
    return "ws://127.0.0.1:" + server.port() + InteropServer.PATH + "?EIO=4&transport=websocket";
  }

  /** Completes when the server closed the connection after the malformed input; fails otherwise. */
  private static CompletableFuture<Void> runWs(WsCase c) {
    RawListener listener = new RawListener();
    return http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
        .buildAsync(URI.create(wsUrl()), listener)
        .thenCompose(ws -> listener.nextText().thenApply(open -> {
          if (!open.startsWith("0{")) {
            throw new IllegalStateException("expected the open packet, got " + open);
          }
          return ws;
        }))
        .thenCompose(ws -> {
          if (!c.join()) {
            return CompletableFuture.completedFuture(ws);
          }
          return ws.sendText("40", true).thenCompose(w -> listener.nextText()).thenApply(ok -> {
            if (!ok.startsWith("40{")) {
              throw new IllegalStateException("expected the CONNECT answer, got " + ok);
            }
            return ws;
          });
        })
        .thenCompose(ws -> {
          CompletableFuture<WebSocket> sent = CompletableFuture.completedFuture(ws);
          for (Object frame : c.frames()) {
            sent = sent.thenCompose(w -> send(w, frame));
          }
          // A send may fail once the server has closed: that is fine, the close is what we wait for.
          return sent.handle((w, e) -> null);
        })
        .thenCompose(v -> listener.closed.orTimeout(CLOSE_WAIT_MS, TimeUnit.MILLISECONDS))
        .exceptionallyCompose(e -> {
          listener.abort();
          return CompletableFuture.failedFuture(e);
        })
        .thenApply(v -> null);
  }

  private static CompletableFuture<WebSocket> send(WebSocket ws, Object frame) {
    if (frame instanceof String text) {
      return ws.sendText(text, true);
    }
    if (frame instanceof byte[] bytes) {
      return ws.sendBinary(ByteBuffer.wrap(bytes), true);
    }
    Fragmented f = (Fragmented) frame;
    int half = f.text().length() / 2;
    return ws.sendText(f.text().substring(0, half), false).thenCompose(w -> w.sendText(f.text().substring(half), true));
  }

  /** Records the text messages and the end of one raw WebSocket connection. */
  private static final class RawListener implements WebSocket.Listener {
    final CompletableFuture<String> closed = new CompletableFuture<>();
    private final Queue<CompletableFuture<String>> waiting = new ConcurrentLinkedQueue<>();
    private final Queue<String> texts = new ConcurrentLinkedQueue<>();
    private final StringBuilder partial = new StringBuilder();
    private volatile WebSocket socket;

    @Override
    public void onOpen(WebSocket webSocket) {
      socket = webSocket;
      webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        String text = partial.toString();
        partial.setLength(0);
        synchronized (this) {
          CompletableFuture<String> w = waiting.poll();
          if (w != null) {
            w.complete(text);
          } else {
            texts.add(text);
          }
        }
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
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
      // The server dropped the connection without a close frame: closed by the server all the same.
      closed.complete("error " + error);
    }

    synchronized CompletableFuture<String> nextText() {
      String t = texts.poll();
      if (t != null) {
        return CompletableFuture.completedFuture(t);
      }
      CompletableFuture<String> f = new CompletableFuture<String>().orTimeout(CLOSE_WAIT_MS, TimeUnit.MILLISECONDS);
      waiting.add(f);
      return f;
    }

    void abort() {
      WebSocket ws = socket;
      if (ws != null) {
        ws.abort();
      }
    }
  }

  /**
   * A hand-written WebSocket client: handshake, then a text frame whose header announces more than
   * maxPayload bytes (the whole frame, or only 1 KB of a 10 MB one). The server must end the connection.
   */
  private static void rawOversized(String name) {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout((int) CLOSE_WAIT_MS);
      java.io.OutputStream out = socket.getOutputStream();
      java.io.InputStream in = socket.getInputStream();
      String key = java.util.Base64.getEncoder().encodeToString(new byte[16]);
      out.write(("GET " + InteropServer.PATH + "?EIO=4&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1\r\n"
          + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + key + "\r\n"
          + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      out.flush();
      StringBuilder head = new StringBuilder();
      while (!head.toString().endsWith("\r\n\r\n")) {
        int b = in.read();
        if (b < 0) {
          throw new IllegalStateException("connection closed during the handshake: " + head);
        }
        head.append((char) b);
      }
      if (!head.toString().startsWith("HTTP/1.1 101")) {
        throw new IllegalStateException("no upgrade: " + head);
      }
      boolean huge = name.equals("raw_huge_length_header");
      long announced = huge ? 10_000_000L : MAX_PAYLOAD + 10;
      int sent = huge ? 1024 : MAX_PAYLOAD + 10;
      java.io.ByteArrayOutputStream frame = new java.io.ByteArrayOutputStream();
      frame.write(0x81); // FIN, text
      frame.write(0x80 | 127); // masked, 64-bit length
      for (int i = 7; i >= 0; i--) {
        frame.write((int) (announced >>> (8 * i)) & 0xff);
      }
      frame.write(new byte[4]); // mask 0: payload bytes go out as they are
      out.write(frame.toByteArray());
      try {
        byte[] payload = new byte[sent];
        java.util.Arrays.fill(payload, (byte) 'a');
        payload[0] = '4';
        payload[1] = '2';
        out.write(payload);
        out.flush();
      } catch (java.io.IOException e) {
        return; // the server already closed the connection
      }
      // Read until the server ends the connection (EOF or a close frame); a timeout means it did not.
      byte[] buf = new byte[8192];
      while (true) {
        int n;
        try {
          n = in.read(buf);
        } catch (java.net.SocketTimeoutException e) {
          throw new IllegalStateException("the server did not close the connection within " + CLOSE_WAIT_MS + " ms");
        } catch (java.io.IOException e) {
          return; // reset by the server
        }
        if (n < 0) {
          return;
        }
        for (int i = 0; i < n; i++) {
          if ((buf[i] & 0xff) == 0x88) {
            return; // a close frame (good enough a check for this purpose)
          }
        }
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Polling: handshake, then the malformed POST; the session must be gone afterwards. */
  private static CompletableFuture<Void> runPoll(PollCase c) {
    String base = server.url() + InteropServer.PATH + "?EIO=4&transport=polling";
    return http.sendAsync(HttpRequest.newBuilder(URI.create(base)).timeout(Duration.ofSeconds(5)).build(),
            HttpResponse.BodyHandlers.ofString())
        .thenCompose(open -> {
          String body = open.body();
          int i = body.indexOf("\"sid\":\"");
          if (open.statusCode() != 200 || i < 0) {
            throw new IllegalStateException("handshake failed: " + open.statusCode() + " " + body);
          }
          String sid = body.substring(i + 7, body.indexOf('"', i + 7));
          String url = base + "&sid=" + sid;
          return http.sendAsync(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5))
                  .header("Content-Type", "text/plain;charset=UTF-8")
                  .POST(HttpRequest.BodyPublishers.ofString(c.body())).build(), HttpResponse.BodyHandlers.ofString())
              .thenCompose(post -> {
                if (post.statusCode() != c.status()) {
                  throw new IllegalStateException("POST answered " + post.statusCode() + " " + post.body()
                      + ", expected " + c.status());
                }
                return pollUntilGone(url, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_WAIT_MS));
              });
        });
  }

  /** GETs the session until the server answers 400 (unknown session id). */
  private static CompletableFuture<Void> pollUntilGone(String url, long deadline) {
    return http.sendAsync(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString())
        .thenCompose(get -> {
          if (get.statusCode() == 400) {
            return CompletableFuture.completedFuture(null);
          }
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("session still open, GET answered " + get.statusCode() + " " + get.body());
          }
          return pollUntilGone(url, deadline);
        });
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.toString();
  }
}
