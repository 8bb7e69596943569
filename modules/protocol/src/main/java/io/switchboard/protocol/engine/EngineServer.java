package io.switchboard.protocol.engine;

import io.switchboard.protocol.Ids;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.internal.ContextInternal;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * An Engine.IO v4 server: the handshake, HTTP long-polling, WebSocket, the upgrade between them,
 * heartbeats and the error answers of the protocol. Mount it on one path; it calls the connection
 * handler once per new session, on that session's context.
 *
 * <p>Sessions are pinned to the event loop that accepted their first request. Later requests for
 * a session may arrive on any event loop; they are handed over to the session's context.
 */
public final class EngineServer {
  private static final System.Logger log = System.getLogger(EngineServer.class.getName());

  private final Vertx vertx;
  private final EngineOptions options;
  private final String openPacketSuffix;
  private final Map<String, EngineSession> sessions = new ConcurrentHashMap<>();
  private volatile Handler<EngineSocket> connectionHandler = s -> {};
  private volatile boolean accepting = true;
  private volatile RemoteSessions remote;
  private final Map<String, PollExchange.Forwarded> forwardedGets = new ConcurrentHashMap<>();
  /**
   * Polling sessions the server closed at once (drain, shutdown) while their client had no GET
   * waiting: the payload that client's next GET gets (what was buffered, then the close packet),
   * so it sees a clean {@code "transport close"} rather than a 400. Kept for a ping interval and
   * timeout at most.
   */
  private final Map<String, String> farewells = new ConcurrentHashMap<>();

  public EngineServer(Vertx vertx, EngineOptions options) {
    this.vertx = vertx;
    this.options = options;
    this.openPacketSuffix =
        "\",\"upgrades\":%s,\"pingInterval\":" + options.pingInterval().toMillis()
            + ",\"pingTimeout\":" + options.pingTimeout().toMillis()
            + ",\"maxPayload\":" + options.maxPayload() + "}";
  }

  public EngineOptions options() {
    return options;
  }

  Vertx vertx() {
    return vertx;
  }

  /** Called for each new session, on its context, before any of its messages are delivered. */
  public EngineServer connectionHandler(Handler<EngineSocket> handler) {
    this.connectionHandler = handler;
    return this;
  }

  /** A Vert.x Web handler for the engine's path. */
  public Handler<RoutingContext> routeHandler() {
    return ctx -> handle(ctx.request());
  }

  /** Number of open sessions on this server. */
  public int size() {
    return sessions.size();
  }

  /**
   * Open sessions whose transport is WebSocket now (upgraded ones included); the others poll.
   * Walks the sessions: for a metrics scrape, not for a hot path.
   */
  public int webSocketSessions() {
    int n = 0;
    for (EngineSession s : sessions.values()) {
      if (!s.isPolling()) {
        n++;
      }
    }
    return n;
  }

  /** The open session with this id on this server, or null. */
  public EngineSocket session(String sid) {
    return sessions.get(sid);
  }

  /** Stops accepting new sessions (handshakes get 503); existing sessions are untouched. */
  public void stopAccepting() {
    accepting = false;
  }

  /**
   * Closes every session now (shutdown, drain): WebSockets are closed, a waiting polling GET gets
   * the close packet, and polling clients without one get it on their next GET (see
   * {@link #farewellsDelivered}). Completes when each close has been processed on its context.
   */
  public Future<Void> closeAll() {
    List<Future<Void>> closed = new ArrayList<>();
    for (EngineSession s : sessions.values()) {
      closed.add(s.closeFromServer("server shutting down", true));
    }
    return Future.join(closed).mapEmpty();
  }

  /** Handles one HTTP request or WebSocket upgrade aimed at the engine's path. */
  public void handle(HttpServerRequest req) {
    if (req.method() == HttpMethod.OPTIONS) {
      preflight(req);
      return;
    }
    String eio = req.getParam("EIO");
    if (!"4".equals(eio)) {
      reject(req, EngineError.UNSUPPORTED_PROTOCOL_VERSION);
      return;
    }
    String transport = req.getParam("transport");
    boolean polling = "polling".equals(transport);
    boolean websocket = "websocket".equals(transport);
    if ((!polling || !options.allowPolling()) && (!websocket || !options.allowWebSocket())) {
      reject(req, EngineError.UNKNOWN_TRANSPORT);
      return;
    }
    String origin = req.getHeader(HttpHeaders.ORIGIN);
    if (origin != null && !options.originAllowed(origin)) {
      reject(req, EngineError.FORBIDDEN);
      return;
    }
    boolean upgradeRequest = isWebSocketUpgrade(req);
    if (websocket && !upgradeRequest) {
      reject(req, EngineError.BAD_REQUEST);
      return;
    }
    String sid = req.getParam("sid");
    if (sid == null) {
      if (!accepting) {
        req.response().setStatusCode(503).end();
        return;
      }
      if (websocket) {
        openWebSocketSession(req);
      } else if (req.method() != HttpMethod.GET) {
        reject(req, EngineError.BAD_HANDSHAKE_METHOD);
      } else {
        openPollingSession(req);
      }
      return;
    }
    EngineSession session = sessions.get(sid);
    if (session == null && !websocket && farewell(sid, req.method() == HttpMethod.POST, new PollExchange.Local(this, req))) {
      return;
    }
    if (session == null) {
      RemoteSessions remote = this.remote;
      if (remote != null && remote.isRemote(sid) && !websocket) {
        forward(remote, req, sid);
      } else {
        // Unknown here, or a WebSocket for another node's session (a WebSocket cannot be
        // forwarded: the client's upgrade fails and it goes on polling).
        reject(req, EngineError.UNKNOWN_SID);
      }
      return;
    }
    if (websocket) {
      if (!session.claimUpgrade()) {
        reject(req, EngineError.BAD_REQUEST);
        return;
      }
      req.toWebSocket()
          .onSuccess(ws -> {
            VertxMemoryTrim.afterHandshake(ws);
            session.onUpgradeSocket(ws);
          })
          .onFailure(e -> {
            session.releaseUpgradeClaim();
            log.log(System.Logger.Level.DEBUG, "upgrade of " + sid + " failed: " + e.getMessage());
          });
      return;
    }
    if (!session.isPolling()) {
      reject(req, EngineError.BAD_REQUEST);
      return;
    }
    if (req.method() == HttpMethod.GET) {
      session.onPollRequest(new PollExchange.Local(this, req));
    } else if (req.method() == HttpMethod.POST) {
      session.onDataRequest(req);
    } else {
      reject(req, EngineError.BAD_REQUEST);
    }
  }

  // ---- sessions of other nodes ----------------------------------------------------------------

  /** Lets this server forward polling requests for other nodes' sessions (cluster). */
  public EngineServer remoteSessions(RemoteSessions remote) {
    this.remote = remote;
    return this;
  }

  String newSessionId() {
    RemoteSessions r = remote;
    return r == null ? Ids.newId() : r.localTag() + Ids.newId();
  }

  /** On the receiving node: hands the request to the owner and writes its answer. */
  private void forward(RemoteSessions remote, HttpServerRequest req, String sid) {
    String exchangeId = Ids.newId();
    boolean post = req.method() == HttpMethod.POST;
    if (!post && req.method() != HttpMethod.GET) {
      reject(req, EngineError.BAD_REQUEST);
      return;
    }
    PollExchange local = new PollExchange.Local(this, req);
    if (!post) {
      local.onClientGone(() -> remote.cancel(sid, exchangeId));
      relay(() -> remote.forward(new PollForward(exchangeId, sid, false, null, false)), local);
      return;
    }
    int max = options.maxPayload();
    Buffer body = Buffer.buffer();
    boolean[] overflow = {false};
    req.handler(chunk -> {
      if (!overflow[0] && body.length() + chunk.length() <= max) {
        body.appendBuffer(chunk);
      } else {
        overflow[0] = true;
      }
    });
    req.endHandler(v -> relay(() -> remote.forward(new PollForward(exchangeId, sid, true, overflow[0] ? null : body,
        overflow[0])), local));
    req.resume();
  }

  private static void relay(Supplier<Future<PollReply>> forward, PollExchange local) {
    Future<PollReply> reply;
    try {
      reply = forward.get();
    } catch (RuntimeException e) {
      log.log(System.Logger.Level.WARNING, "forwarding a polling request failed", e);
      reply = Future.failedFuture(e);
    }
    reply.onComplete(ar -> {
      if (ar.succeeded()) {
        PollReply r = ar.result();
        local.answer(r.status(), r.contentType(), r.body(), r.closeConnection());
      } else {
        // The owner is gone or silent: as for any unknown session, the client starts over.
        local.reject(EngineError.UNKNOWN_SID);
      }
    });
  }

  /**
   * On the owner: a polling request another node received for one of this node's sessions.
   * Completes with the answer the client gets (a GET may wait up to a ping interval).
   */
  public Future<PollReply> handleForwarded(PollForward request) {
    Promise<PollReply> reply = Promise.promise();
    PollExchange.Forwarded exchange = new PollExchange.Forwarded(reply);
    EngineSession session = sessions.get(request.sid());
    if (session == null && farewell(request.sid(), request.post(), exchange)) {
      return reply.future();
    }
    if (session == null) {
      exchange.reject(EngineError.UNKNOWN_SID);
      return reply.future();
    }
    if (!session.isPolling()) {
      exchange.reject(EngineError.BAD_REQUEST);
      return reply.future();
    }
    if (request.post()) {
      session.onForwardedData(exchange, request.body(), request.tooLarge());
    } else {
      forwardedGets.put(request.exchangeId(), exchange);
      reply.future().onComplete(ar -> forwardedGets.remove(request.exchangeId()));
      session.onPollRequest(exchange);
    }
    return reply.future();
  }

  /** On the owner: the client of a forwarded GET went away (as if its connection closed here). */
  public void cancelForwarded(String exchangeId) {
    PollExchange.Forwarded exchange = forwardedGets.remove(exchangeId);
    if (exchange != null) {
      exchange.clientGone();
    }
  }

  private static boolean isWebSocketUpgrade(HttpServerRequest req) {
    String upgrade = req.getHeader(HttpHeaders.UPGRADE);
    return upgrade != null && upgrade.equalsIgnoreCase("websocket");
  }

  private void openPollingSession(HttpServerRequest req) {
    ContextInternal ctx = (ContextInternal) vertx.getOrCreateContext();
    EngineSession session = new EngineSession(this, ctx, handshakeOf(req), null);
    sessions.put(session.id(), session);
    session.start(new PollExchange.Local(this, req));
  }

  private void openWebSocketSession(HttpServerRequest req) {
    EngineHandshake handshake = handshakeOf(req);
    req.toWebSocket()
        .onSuccess(
            ws -> {
              VertxMemoryTrim.afterHandshake(ws);
              ContextInternal ctx = (ContextInternal) vertx.getOrCreateContext();
              EngineSession session = new EngineSession(this, ctx, handshake, ws);
              sessions.put(session.id(), session);
              session.start(null);
            })
        .onFailure(e -> log.log(System.Logger.Level.DEBUG, "websocket handshake failed: " + e.getMessage()));
  }

  String openPacket(String sid, boolean canUpgrade) {
    return "0{\"sid\":\"" + sid + String.format(openPacketSuffix, canUpgrade && options.allowWebSocket() ? "[\"websocket\"]" : "[]");
  }

  void connected(EngineSession session) {
    try {
      connectionHandler.handle(session);
    } catch (RuntimeException e) {
      log.log(System.Logger.Level.ERROR, "connection handler failed for session " + session.id(), e);
      session.close();
    }
  }

  void removed(EngineSession session) {
    sessions.remove(session.id(), session);
  }

  /**
   * Remembers what the next GET of a polling session closed at once gets ({@code payload}: its
   * buffered packets and the close packet), for {@code ttlMillis}.
   */
  void leaveFarewell(String sid, String payload, ContextInternal ctx, long ttlMillis) {
    farewells.put(sid, payload);
    ctx.setTimer(ttlMillis, t -> farewells.remove(sid, payload));
  }

  /**
   * Answers a request for a session closed at once, if it is one: a GET gets the farewell payload
   * (once), a POST is acknowledged and its content dropped.
   */
  private boolean farewell(String sid, boolean post, PollExchange exchange) {
    if (post) {
      if (!farewells.containsKey(sid)) {
        return false;
      }
      exchange.answer(200, "text/html", "ok", false);
      return true;
    }
    String payload = farewells.remove(sid);
    if (payload == null) {
      return false;
    }
    exchange.text(payload);
    return true;
  }

  /**
   * Completes once every polling client closed at once fetched its close packet, or after
   * {@code maxMillis}: a drain waits for it so those clients see {@code "transport close"} before
   * the port closes.
   */
  public Future<Void> farewellsDelivered(long maxMillis) {
    Promise<Void> done = Promise.promise();
    long deadline = System.nanoTime() + maxMillis * 1_000_000L;
    if (farewells.isEmpty()) {
      done.complete();
      return done.future();
    }
    vertx.setPeriodic(10, id -> {
      if (farewells.isEmpty() || System.nanoTime() - deadline >= 0) {
        vertx.cancelTimer(id);
        done.tryComplete();
      }
    });
    return done.future();
  }

  /** Adds the CORS headers of a polling response, when the request came from an allowed origin. */
  void cors(HttpServerRequest req, HttpServerResponse res) {
    String origin = req.getHeader(HttpHeaders.ORIGIN);
    if (origin == null || !options.originAllowed(origin)) {
      return;
    }
    MultiMap headers = res.headers();
    headers.set(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    headers.set(HttpHeaders.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
    headers.add(HttpHeaders.VARY, "Origin");
  }

  private void preflight(HttpServerRequest req) {
    HttpServerResponse res = req.response();
    String origin = req.getHeader(HttpHeaders.ORIGIN);
    if (origin != null && !options.originAllowed(origin)) {
      res.setStatusCode(403).end();
      return;
    }
    cors(req, res);
    res.headers().set(HttpHeaders.ACCESS_CONTROL_ALLOW_METHODS, "GET,POST,OPTIONS");
    String requested = req.getHeader(HttpHeaders.ACCESS_CONTROL_REQUEST_HEADERS);
    if (requested != null) {
      res.headers().set(HttpHeaders.ACCESS_CONTROL_ALLOW_HEADERS, requested);
    }
    res.headers().set(HttpHeaders.ACCESS_CONTROL_MAX_AGE, "600");
    res.setStatusCode(204).end();
  }

  void reject(HttpServerRequest req, EngineError error) {
    HttpServerResponse res = req.response();
    if (res.ended()) {
      return;
    }
    cors(req, res);
    res.setStatusCode(error.status())
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(error.json());
  }

  /** Header names kept in {@link EngineHandshake#headers()}. */
  private static final String[] HANDSHAKE_HEADERS = {"origin", "user-agent", "x-forwarded-for"};

  /**
   * The query parameter names and values every handshake carries, shared instead of one copy per
   * session (a session lives for hours; a few hundred bytes each add up over many connections).
   */
  private static final Map<String, String> COMMON_QUERY_STRINGS = Map.of(
      "EIO", "EIO", "4", "4", "transport", "transport", "websocket", "websocket", "polling", "polling",
      "t", "t");

  private static String shared(String s) {
    String common = COMMON_QUERY_STRINGS.get(s);
    return common != null ? common : s;
  }

  private static EngineHandshake handshakeOf(HttpServerRequest req) {
    Map<String, String> query = new HashMap<>();
    for (Map.Entry<String, String> e : req.params()) {
      query.putIfAbsent(shared(e.getKey()), shared(e.getValue()));
    }
    Map<String, String> headers = new HashMap<>(4);
    for (String name : HANDSHAKE_HEADERS) {
      String v = req.getHeader(name);
      if (v != null) {
        headers.put(name, v);
      }
    }
    String remote = req.remoteAddress() == null ? "" : req.remoteAddress().hostAddress();
    return new EngineHandshake(query, headers, remote, req.isSSL(), System.currentTimeMillis());
  }
}
