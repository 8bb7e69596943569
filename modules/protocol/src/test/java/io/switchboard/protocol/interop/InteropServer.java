package io.switchboard.protocol.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.protocol.engine.EngineOptions;
import io.switchboard.protocol.engine.EngineServer;
import io.switchboard.protocol.engine.EngineSocket;
import io.switchboard.protocol.socketio.ConnectError;
import io.switchboard.protocol.socketio.EventArgs;
import io.switchboard.protocol.socketio.Namespace;
import io.switchboard.protocol.socketio.SioSocket;
import io.switchboard.protocol.socketio.SocketIoOptions;
import io.switchboard.protocol.socketio.SocketIoServer;
import io.switchboard.testkit.TestVertx;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.Router;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real Switchboard protocol stack for interop tests: an {@link EngineServer} and a
 * {@link SocketIoServer} mounted at {@code /socket.io/} on a Vert.x HTTP server bound to
 * 127.0.0.1 on a free port, one HTTP server instance per event loop (so requests of one polling
 * session may land on another event loop than the session's, as in production).
 *
 * <p>Both namespaces {@code /} and {@code /admin} get the same test handlers:
 *
 * <ul>
 *   <li>middleware: auth {@code {"token":"bad"}} is refused with
 *       {@code ConnectError("not authorized", {"code":4001,"reason":"bad token"})};
 *   <li>on connect: emits {@code hello(auth, nsp)};
 *   <li>{@code echo(...)}: emits {@code echo(...)} back, and acks with the same arguments;
 *   <li>{@code ack(...)}: acks {@code {"ok":true,"nsp":nsp,"args":[...]}};
 *   <li>{@code whoami}: acks {@code {"sid","session","transport","nsp"}};
 *   <li>{@code requestAck(payload)}: the server calls {@code emitWithAck("serverAsk", payload)} and
 *       reports {@code serverAskResult({"ok":true,"reply":[...]}|{"ok":false,"error":...})};
 *   <li>{@code binary(...)}: acks {@code (info, ...args)} where info lists the kind and size of each
 *       argument as the server decoded it, and emits {@code binaryEcho(...args)};
 *   <li>{@code emitN(n)}: emits {@code seq(0..n-1)} then {@code seqDone(n)};
 *   <li>{@code disconnectMe(close)}: {@code socket.disconnect(close)};
 *   <li>{@code closeTransport}: closes the Engine.IO session under the socket (no DISCONNECT packet);
 *   <li>{@code sessionOpen(sid)}: acks whether an Engine.IO session with that id is open.
 * </ul>
 */
public final class InteropServer implements AutoCloseable {
  public static final String PATH = "/socket.io/";
  public static final String BAD_TOKEN = "bad";
  public static final String ADMIN = "/admin";
  public static final String REFUSAL_MESSAGE = "not authorized";

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final AtomicInteger SHARED_PORT_IDS = new AtomicInteger();
  /** {@code -Dinterop.trace=true} prints every HTTP request and its status to stderr. */
  private static final boolean TRACE = Boolean.getBoolean("interop.trace");

  private final Vertx vertx;
  private final EngineServer engine;
  private final SocketIoServer io;
  private final Router router;
  private final Map<String, String> disconnectReasons = new ConcurrentHashMap<>();
  private final List<String> connectedSockets = new CopyOnWriteArrayList<>();
  private final AtomicInteger refused = new AtomicInteger();
  private final AtomicInteger emitWithAckFailures = new AtomicInteger();
  private final List<String> deployments = new CopyOnWriteArrayList<>();
  private volatile int port;
  private volatile boolean closed;
  private final java.util.Set<Integer> ports = ConcurrentHashMap.newKeySet();

  private InteropServer(Vertx vertx, EngineOptions engineOptions, SocketIoOptions ioOptions) {
    this.vertx = vertx;
    this.engine = new EngineServer(vertx, engineOptions);
    this.io = new SocketIoServer(engine, ioOptions);
    this.router = Router.router(vertx);
    router.route(PATH).handler(engine.routeHandler());
    install(io.sockets());
    install(io.of(ADMIN));
  }

  /** The reference server's defaults, short enough timeouts for tests. */
  public static EngineOptions defaultEngineOptions() {
    return EngineOptions.defaults().withPing(Duration.ofSeconds(5), Duration.ofSeconds(5));
  }

  public static InteropServer start(TestVertx testVertx) {
    return start(testVertx, defaultEngineOptions(), SocketIoOptions.defaults(), 2);
  }

  /** Starts the server, blocking the (test) caller until it listens. */
  public static InteropServer start(TestVertx testVertx, EngineOptions engineOptions, SocketIoOptions ioOptions,
      int instances) {
    warmUp();
    InteropServer server = new InteropServer(testVertx.vertx(), engineOptions, ioOptions);
    server.watchBlockedThreads(testVertx);
    TestVertx.await(server.listen(instances));
    if (server.ports.size() != 1) {
      throw new AssertionError("the HTTP server instances listen on different ports: " + server.ports);
    }
    return server;
  }

  private Future<Void> listen(int instances) {
    int max = engine.options().maxPayload();
    HttpServerOptions options = new HttpServerOptions()
        .setHost("127.0.0.1")
        .setTcpNoDelay(true)
        .setMaxWebSocketFrameSize(max)
        .setMaxWebSocketMessageSize(max)
        // As the product (SwitchboardNode): a peer that does not answer a close frame is let go after 2 s.
        .setWebSocketClosingTimeout(2)
        .setRegisterWebSocketWriteHandlers(false);
    // A shared random port: the first instance binds a free port, the others share it (with
    // port 0 and then the actual port, Vert.x 5 binds again and fails with "Address already in use").
    SocketAddress address = SocketAddress.sharedRandomPort(SHARED_PORT_IDS.incrementAndGet(), "127.0.0.1");
    return vertx.deployVerticle(() -> new HttpVerticle(options, address, router, this),
            new DeploymentOptions().setInstances(Math.max(1, instances)))
        .onSuccess(deployments::add)
        .mapEmpty();
  }

  private static final java.util.concurrent.atomic.AtomicBoolean WARM = new java.util.concurrent.atomic.AtomicBoolean();

  /**
   * Once per JVM: runs the whole stack (HTTP server, router, polling, WebSocket, Jackson, the test
   * handlers) on a throwaway Vert.x, so that the first use of each class does not happen on an
   * event loop of the TestVertx under test. Loading a few hundred classes on a busy machine takes
   * longer than the 200 ms blocked-thread limit and would be reported as a blocked event loop.
   */
  static void warmUp() {
    if (!WARM.compareAndSet(false, true)) {
      return;
    }
    Vertx vertx = Vertx.vertx();
    try {
      InteropServer server = new InteropServer(vertx, defaultEngineOptions(), SocketIoOptions.defaults());
      TestVertx.await(server.listen(2), 30_000);
      java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
      String base = server.url() + PATH + "?EIO=4&transport=polling";
      String open = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base)).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString()).body();
      int i = open.indexOf("\"sid\":\"");
      String sid = open.substring(i + 7, open.indexOf('"', i + 7));
      String url = base + "&sid=" + sid;
      for (String body : List.of("40", "421[\"ack\",{\"a\":[1,2.5,\"x\"]}]",
          "451-2[\"binary\",{\"_placeholder\":true,\"num\":0}]\u001ebAQID", "42[\"emitN\",3]")) {
        http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url))
            .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
      }
      http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString());
      java.net.http.WebSocket ws = http.newWebSocketBuilder()
          .buildAsync(java.net.URI.create("ws://127.0.0.1:" + server.port() + PATH + "?EIO=4&transport=websocket"),
              new java.net.http.WebSocket.Listener() {})
          .get(30, java.util.concurrent.TimeUnit.SECONDS);
      ws.sendText("40", true).get(30, java.util.concurrent.TimeUnit.SECONDS);
      ws.sendText("not a packet", true).get(30, java.util.concurrent.TimeUnit.SECONDS);
      server.closed = true;
      // No server.close(): the polling session would wait for a GET that never comes; closing
      // the Vert.x instance ends everything.
    } catch (Exception e) {
      throw new IllegalStateException("warm-up failed", e);
    } finally {
      TestVertx.await(vertx.close(), 30_000);
    }
  }

  /**
   * TestVertx records only the name and duration of a blocked event loop. To tell a real block
   * from a starved machine, this prints the stack of the blocked thread while it is still blocked.
   */
  private void watchBlockedThreads(TestVertx testVertx) {
    Thread watcher = new Thread(() -> {
      int seen = 0;
      while (!closed) {
        List<String> blocked = testVertx.blockedThreads();
        for (int i = seen; i < blocked.size(); i++) {
          String report = blocked.get(i);
          String name = report.substring(0, report.indexOf(' '));
          StringBuilder sb = new StringBuilder("[interop] " + report + "; stack now:");
          for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
            if (e.getKey().getName().equals(name)) {
              for (StackTraceElement el : e.getValue()) {
                sb.append("\n    at ").append(el);
              }
            }
          }
          System.err.println(sb);
        }
        seen = blocked.size();
        try {
          Thread.sleep(20);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "interop-blocked-watch");
    watcher.setDaemon(true);
    watcher.start();
  }

  // ---- the test handlers ------------------------------------------------------------------------

  private void install(Namespace nsp) {
    nsp.use(socket -> {
      JsonNode token = socket.handshake().auth().get("token");
      if (token != null && BAD_TOKEN.equals(token.asText())) {
        refused.incrementAndGet();
        ObjectNode data = NODES.objectNode();
        data.put("code", 4001);
        data.put("reason", "bad token");
        return Future.failedFuture(new ConnectError(REFUSAL_MESSAGE, data));
      }
      return Future.succeededFuture();
    });
    nsp.onConnection(socket -> {
      connectedSockets.add(socket.id());
      socket.onDisconnect(reason -> disconnectReasons.put(socket.id(), reason));
      socket.on("echo", (args, ack) -> {
        socket.emit("echo", args.values());
        if (ack != null) {
          ack.send(args.values());
        }
      });
      socket.on("ack", (args, ack) -> {
        if (ack != null) {
          ObjectNode res = NODES.objectNode();
          res.put("ok", true);
          res.put("nsp", nsp.name());
          res.set("args", args.toArray());
          ack.send(res);
        }
      });
      socket.on("whoami", (args, ack) -> {
        if (ack != null) {
          ack.send(whoami(socket));
        }
      });
      socket.on("requestAck", (args, ack) -> {
        socket.emitWithAck("serverAsk", Duration.ofSeconds(5), args.values()).onComplete(ar -> {
          ObjectNode res = NODES.objectNode();
          if (ar.succeeded()) {
            res.put("ok", true);
            res.set("reply", ar.result());
          } else {
            emitWithAckFailures.incrementAndGet();
            res.put("ok", false);
            res.put("error", String.valueOf(ar.cause()));
          }
          socket.emit("serverAskResult", res);
        });
        if (ack != null) {
          ack.send(true);
        }
      });
      socket.on("binary", (args, ack) -> {
        Object[] values = args.values();
        if (ack != null) {
          Object[] withInfo = new Object[values.length + 1];
          withInfo[0] = describe(args);
          System.arraycopy(values, 0, withInfo, 1, values.length);
          ack.send(withInfo);
        }
        socket.emit("binaryEcho", values);
      });
      socket.on("emitN", (args, ack) -> {
        int n = args.get(0).asInt();
        for (int i = 0; i < n; i++) {
          socket.emit("seq", i);
        }
        socket.emit("seqDone", n);
      });
      socket.on("disconnectMe", (args, ack) -> socket.disconnect(args.size() > 0 && args.get(0).asBoolean()));
      socket.on("closeTransport", (args, ack) -> {
        EngineSocket session = engine.session(socket.sessionId());
        if (session != null) {
          session.close();
        }
      });
      socket.on("sessionOpen", (args, ack) -> {
        EngineSocket session = engine.session(args.get(0).asText());
        if (ack != null) {
          ack.send(session != null && session.isOpen());
        }
      });
      socket.emit("hello", socket.handshake().auth(), nsp.name());
    });
  }

  private static ObjectNode whoami(SioSocket socket) {
    ObjectNode res = NODES.objectNode();
    res.put("sid", socket.id());
    res.put("session", socket.sessionId());
    res.put("transport", socket.transport());
    res.put("nsp", socket.namespace().name());
    return res;
  }

  /** For each argument: {"kind": "binary"|"object"|..., "size": bytes of a binary}; nested binaries counted. */
  private static ObjectNode describe(EventArgs args) {
    ArrayNode kinds = NODES.arrayNode();
    ArrayNode sizes = NODES.arrayNode();
    for (int i = 0; i < args.size(); i++) {
      JsonNode arg = args.get(i);
      kinds.add(arg.isBinary() ? "binary" : arg.getNodeType().name().toLowerCase());
      sizes.add(binaryBytes(arg));
    }
    ObjectNode info = NODES.objectNode();
    info.set("kinds", kinds);
    info.set("sizes", sizes);
    return info;
  }

  private static int binaryBytes(JsonNode node) {
    if (node.isBinary()) {
      try {
        return node.binaryValue().length;
      } catch (java.io.IOException e) {
        throw new IllegalStateException(e);
      }
    }
    int total = 0;
    for (JsonNode child : node) {
      total += binaryBytes(child);
    }
    return total;
  }

  // ---- accessors --------------------------------------------------------------------------------

  public int port() {
    return port;
  }

  /** {@code http://127.0.0.1:<port>} (the client adds {@code /socket.io/}). */
  public String url() {
    return "http://127.0.0.1:" + port;
  }

  public EngineServer engine() {
    return engine;
  }

  public SocketIoServer io() {
    return io;
  }

  /** The server-side disconnect reason of each socket (by socket id) that left a namespace. */
  public Map<String, String> disconnectReasons() {
    return Map.copyOf(disconnectReasons);
  }

  /** Ids of every socket that ever connected, in order. */
  public List<String> connectedSockets() {
    return List.copyOf(connectedSockets);
  }

  public int refusedConnects() {
    return refused.get();
  }

  public int emitWithAckFailures() {
    return emitWithAckFailures.get();
  }

  /** Closes every session and undeploys the HTTP servers (the Vert.x instance stays). */
  @Override
  public void close() {
    closed = true;
    engine.stopAccepting();
    TestVertx.await(engine.closeAll());
    for (String id : deployments) {
      TestVertx.await(vertx.undeploy(id));
    }
  }

  private static final class HttpVerticle extends VerticleBase {
    private final HttpServerOptions options;
    private final SocketAddress address;
    private final Router router;
    private final InteropServer owner;
    private HttpServer server;

    HttpVerticle(HttpServerOptions options, SocketAddress address, Router router, InteropServer owner) {
      this.options = options;
      this.address = address;
      this.router = router;
      this.owner = owner;
    }

    @Override
    public Future<?> start() {
      server = vertx.createHttpServer(options).requestHandler(TRACE ? req -> {
        long t0 = System.nanoTime();
        String line = Thread.currentThread().getName() + " " + req.method() + " " + req.uri()
            + " conn=" + Integer.toHexString(System.identityHashCode(req.connection()))
            + " len=" + req.getHeader("content-length");
        req.response().endHandler(v -> System.err.println("[interop-trace] " + line + " -> "
            + req.response().getStatusCode() + " in " + (System.nanoTime() - t0) / 1_000_000 + " ms"));
        router.handle(req);
      } : router);
      return server.listen(address).onSuccess(s -> {
        owner.ports.add(s.actualPort());
        owner.port = s.actualPort();
      });
    }

    @Override
    public Future<?> stop() {
      return server == null ? Future.succeededFuture() : server.close();
    }
  }
}
