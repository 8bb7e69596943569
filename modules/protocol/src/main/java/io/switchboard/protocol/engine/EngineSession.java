package io.switchboard.protocol.engine;

import io.switchboard.protocol.ProtocolException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.http.impl.websocket.WebSocketFrameImpl;
import io.vertx.core.internal.ContextInternal;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * One Engine.IO session. All mutable state is touched only on {@link #ctx}; entry points that may
 * be called from other threads hop there first.
 */
final class EngineSession implements EngineSocket {
  private static final System.Logger log = System.getLogger(EngineSession.class.getName());
  /** A WebSocket whose write queue stays full this long is closed (the peer stopped reading). */
  private static final long SLOW_CONSUMER_NANOS = 10_000_000_000L;
  /**
   * While a probed WebSocket waits for the upgrade packet, a pending GET is released with a noop
   * at this interval (the reference server's upgrade check interval).
   */
  private static final long UPGRADE_CHECK_MS = 100;

  private enum State {
    OPEN,
    /** Server asked to close a polling session: the close packet waits for the next GET. */
    CLOSING,
    CLOSED
  }

  private final EngineServer server;
  private final ContextInternal ctx;
  private final String id;
  private final EngineHandshake handshake;
  /** Polling POSTs being read now (at most one is allowed). A field: one object less per session. */
  private volatile int postsInFlight;
  private static final AtomicIntegerFieldUpdater<EngineSession> POSTS_IN_FLIGHT =
      AtomicIntegerFieldUpdater.newUpdater(EngineSession.class, "postsInFlight");

  // Read from other threads for cheap pre-checks; written only on ctx.
  private volatile boolean open = true;
  private volatile boolean polling;
  /**
   * An upgrade is under way: claimed by the WebSocket request that starts it (from its own thread,
   * see {@link #claimUpgrade}), cleared on ctx when it completes or is abandoned.
   */
  private volatile boolean upgrading;
  private static final VarHandle UPGRADING;

  static {
    try {
      UPGRADING = MethodHandles.lookup().findVarHandle(EngineSession.class, "upgrading", boolean.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  // Only on ctx.
  private State state = State.OPEN;
  private ServerWebSocket ws;
  private PollExchange pendingGet;
  private ServerWebSocket upgradingWs;
  private boolean probed;
  private long upgradeTimer = -1;
  private long upgradeCheckTimer = -1;
  private List<EnginePacket> buffer;
  private long bufferedBytes;
  private boolean awaitingPong;
  private long fullSince;
  private long heartbeatTimer = -1;
  private long closeTimer = -1;
  private Handler<String> messageHandler;
  private Handler<Buffer> binaryHandler;
  private Handler<String> closeHandler;
  private Promise<Void> closed;
  private String closeReason = "forced close";

  EngineSession(EngineServer server, ContextInternal ctx, EngineHandshake handshake, ServerWebSocket ws) {
    this.id = server.newSessionId();
    this.server = server;
    this.ctx = ctx;
    this.handshake = handshake;
    this.ws = ws;
    this.polling = ws == null;
    if (ws != null) {
      attach(ws);
    }
  }

  // ---- public API ------------------------------------------------------------------------------

  @Override
  public String id() {
    return id;
  }

  @Override
  public String transport() {
    return polling ? "polling" : "websocket";
  }

  @Override
  public EngineHandshake handshake() {
    return handshake;
  }

  @Override
  public Context context() {
    return ctx;
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  @Override
  public void send(String text) {
    if (ctx.isRunningOnContext()) {
      sendPacket(EnginePacket.message(text));
    } else if (open) {
      ctx.runOnContext(v -> sendPacket(EnginePacket.message(text)));
    }
  }

  @Override
  public void send(EncodedText message) {
    if (ctx.isRunningOnContext()) {
      sendText(message);
    } else if (open) {
      ctx.runOnContext(v -> sendText(message));
    }
  }

  @Override
  public void send(Buffer binary) {
    if (ctx.isRunningOnContext()) {
      sendPacket(EnginePacket.message(binary));
    } else if (open) {
      ctx.runOnContext(v -> sendPacket(EnginePacket.message(binary)));
    }
  }

  @Override
  public void close() {
    closeFromServer("forced close");
  }

  @Override
  public EngineSocket messageHandler(Handler<String> handler) {
    this.messageHandler = handler;
    return this;
  }

  @Override
  public EngineSocket binaryHandler(Handler<Buffer> handler) {
    this.binaryHandler = handler;
    return this;
  }

  @Override
  public EngineSocket closeHandler(Handler<String> handler) {
    this.closeHandler = handler;
    return this;
  }

  // ---- lifecycle -------------------------------------------------------------------------------

  /** Called on ctx right after creation: answers the handshake and starts the heartbeat. */
  void start(PollExchange handshakeGet) {
    String open = server.openPacket(id, polling);
    if (polling) {
      handshakeGet.text(open);
    } else {
      ws.writeTextMessage(open);
    }
    scheduleHeartbeat();
    server.connected(this);
  }

  boolean isPolling() {
    return polling;
  }

  /** The WebSocket in use (null while polling); read it on the session's context. For tests. */
  ServerWebSocket webSocket() {
    return ws;
  }

  /**
   * Claims the session's one upgrade for a WebSocket request, on the thread of the request's
   * connection, before the handshake is answered: of two requests for one session, the one that
   * claims first is the upgrade and the other is refused. (Were the claim taken only once the
   * handshake had finished and the session's context had run, a later request on a quicker
   * event loop could take the upgrade from a WebSocket already opened, probed and upgraded.)
   * {@link #releaseUpgradeClaim} gives it back when the handshake fails.
   */
  boolean claimUpgrade() {
    return open && polling && UPGRADING.compareAndSet(this, false, true);
  }

  /** Whether an upgrade is claimed or under way. For tests. */
  boolean upgradeClaimed() {
    return upgrading;
  }

  /** Gives back a claim whose WebSocket handshake failed (no socket reached the session). */
  void releaseUpgradeClaim() {
    onContext(() -> {
      if (upgradingWs == null) {
        upgrading = false;
      }
    });
  }

  Future<Void> closeFromServer(String reason) {
    return closeFromServer(reason, false);
  }

  /**
   * Closes the session. With {@code immediate} (server shutdown) nothing waits for the client:
   * buffered packets and the close packet go to a waiting GET, or to the client's next GET when
   * none waits (the server keeps them for a ping interval and timeout), and the session ends now.
   */
  Future<Void> closeFromServer(String reason, boolean immediate) {
    Promise<Void> done = ctx.promise();
    onContext(
        () -> {
          if (state == State.CLOSED) {
            done.complete();
            return;
          }
          if (closed == null) {
            closed = ctx.promise();
          }
          closed.future().onComplete(done);
          if (state == State.CLOSING && !immediate) {
            return;
          }
          if (!polling) {
            finish(reason, null);
            return;
          }
          if (immediate) {
            if (pendingGet != null && buffer != null && !buffer.isEmpty()) {
              enqueue(EnginePacket.CLOSE);
              flush();
            } else if (pendingGet == null) {
              // Between two GETs: the next one gets the close packet from the server.
              List<EnginePacket> last = buffer == null ? new ArrayList<>(1) : new ArrayList<>(buffer);
              last.add(EnginePacket.CLOSE);
              server.leaveFarewell(id, EngineCodec.encodePayload(last), ctx,
                  server.options().pingInterval().plus(server.options().pingTimeout()).toMillis());
            }
            finish(reason, null);
            return;
          }
          boolean pending = buffer != null && !buffer.isEmpty();
          if (pendingGet != null && !pending) {
            finish(reason, null);
            return;
          }
          // Packets still waiting go out first; the close packet goes alone in the GET after them
          // (a client handles a close packet at once but hands messages to its sockets a tick
          // later, so in one payload the close would overtake them). A client that never polls
          // again is let go.
          flush();
          closeReason = reason;
          state = State.CLOSING;
          cancelHeartbeat();
          long grace = server.options().pingInterval().plus(server.options().pingTimeout()).toMillis();
          closeTimer = ctx.setTimer(grace, t -> finish(reason, null));
        });
    return done.future();
  }

  /** Ends the session. {@code forPendingGet} answers a waiting GET (null: the close packet). */
  private void finish(String reason, EnginePacket forPendingGet) {
    if (state == State.CLOSED) {
      return;
    }
    state = State.CLOSED;
    open = false;
    cancelHeartbeat();
    if (closeTimer >= 0) {
      ctx.owner().cancelTimer(closeTimer);
    }
    if (upgradeTimer >= 0) {
      ctx.owner().cancelTimer(upgradeTimer);
    }
    cancelUpgradeCheck();
    server.removed(this);
    if (pendingGet != null) {
      pendingGet.text(EngineCodec.encodeText(forPendingGet == null ? EnginePacket.CLOSE : forPendingGet));
      pendingGet = null;
    }
    if (ws != null && !ws.isClosed()) {
      ws.close();
    }
    if (upgradingWs != null && !upgradingWs.isClosed()) {
      upgradingWs.close();
    }
    upgradingWs = null;
    buffer = null;
    Handler<String> h = closeHandler;
    if (h != null) {
      try {
        h.handle(reason);
      } catch (RuntimeException e) {
        log.log(System.Logger.Level.ERROR, "close handler failed for session " + id, e);
      }
    }
    if (closed != null) {
      closed.tryComplete();
    }
  }

  // ---- heartbeat -------------------------------------------------------------------------------

  private void scheduleHeartbeat() {
    heartbeatTimer = ctx.setTimer(server.options().pingInterval().toMillis(), t -> ping());
  }

  private void ping() {
    awaitingPong = true;
    sendPacket(EnginePacket.PING);
    heartbeatTimer = ctx.setTimer(server.options().pingTimeout().toMillis(), t -> finish("ping timeout", null));
  }

  private void cancelHeartbeat() {
    if (heartbeatTimer >= 0) {
      ctx.owner().cancelTimer(heartbeatTimer);
      heartbeatTimer = -1;
    }
  }

  // ---- outbound --------------------------------------------------------------------------------

  private void sendPacket(EnginePacket packet) {
    if (state != State.OPEN) {
      return;
    }
    if (!polling) {
      write(ws, packet);
      return;
    }
    enqueue(packet);
    flush();
  }

  /** As {@link #sendPacket}, except that over WebSocket the message's own frame goes out. */
  private void sendText(EncodedText message) {
    if (state != State.OPEN) {
      return;
    }
    if (polling) {
      sendPacket(EnginePacket.message(message.text()));
      return;
    }
    if (!writable(ws)) {
      return;
    }
    byte[] frame = message.frame();
    if (frame.length <= server.options().maxPayload()) {
      // What writeTextMessage does after encoding the text, with the bytes encoded once.
      ws.writeFrame(new WebSocketFrameImpl(WebSocketFrameType.TEXT, frame, true));
    } else {
      // Beyond the frame size the node configures: Vert.x splits it.
      ws.writeTextMessage(EngineCodec.encodeText(EnginePacket.message(message.text())));
    }
    checkWriteQueue(ws);
  }

  private void enqueue(EnginePacket packet) {
    if (buffer == null) {
      buffer = new ArrayList<>(4);
    }
    buffer.add(packet);
    bufferedBytes += packet.isBinary() ? packet.binary().length() : packet.text().length();
    if (bufferedBytes > 4L * server.options().maxPayload() && state == State.OPEN) {
      // A polling client that stopped polling while others keep sending to it: let it go.
      log.log(System.Logger.Level.DEBUG, "session " + id + " buffered more than 4x maxPayload: closing");
      finish("transport error", null);
    }
  }

  /** Polling: answers the waiting GET with everything buffered. */
  private void flush() {
    if (pendingGet == null || buffer == null || buffer.isEmpty()) {
      return;
    }
    PollExchange req = pendingGet;
    pendingGet = null;
    String body = EngineCodec.encodePayload(buffer);
    buffer.clear();
    bufferedBytes = 0;
    req.text(body);
  }

  private void write(ServerWebSocket socket, EnginePacket packet) {
    if (!writable(socket)) {
      return;
    }
    if (packet.isBinary()) {
      socket.writeBinaryMessage(packet.binary());
    } else {
      socket.writeTextMessage(EngineCodec.encodeText(packet));
    }
    checkWriteQueue(socket);
  }

  private static boolean writable(ServerWebSocket socket) {
    // Closed: the peer's close frame arrived (Vert.x marks the socket closed at once) and the TCP
    // close, which runs our close handler, has not yet: nothing can be written any more, and
    // Vert.x throws on writeQueueFull. The close handler finishes the session.
    return !socket.isClosed();
  }

  private void checkWriteQueue(ServerWebSocket socket) {
    if (socket.writeQueueFull()) {
      // A peer that stopped reading: a full queue for a while means it is not catching up.
      long now = System.nanoTime();
      if (fullSince == 0) {
        fullSince = now;
      } else if (now - fullSince > SLOW_CONSUMER_NANOS && state == State.OPEN) {
        log.log(System.Logger.Level.DEBUG, "session " + id + " does not read its WebSocket: closing");
        finish("transport error", null);
      }
    } else {
      fullSince = 0;
    }
  }

  // ---- inbound ---------------------------------------------------------------------------------

  private void onPacket(EnginePacket packet) {
    switch (packet.type()) {
      case PONG -> {
        // Only the answer to a ping counts: unsolicited pongs cannot keep a silent session alive.
        if (state == State.OPEN && awaitingPong) {
          awaitingPong = false;
          cancelHeartbeat();
          scheduleHeartbeat();
        }
      }
      case PING -> sendPacket(new EnginePacket(EnginePacketType.PONG, packet.text(), null));
      case MESSAGE -> deliver(packet);
      case CLOSE -> finish("transport close", EnginePacket.NOOP);
      default -> {
        // OPEN, UPGRADE and NOOP mean nothing on an established transport.
      }
    }
  }

  private void deliver(EnginePacket packet) {
    if (state != State.OPEN) {
      return;
    }
    try {
      if (packet.isBinary()) {
        if (binaryHandler != null) {
          binaryHandler.handle(packet.binary());
        }
      } else if (messageHandler != null) {
        messageHandler.handle(packet.text());
      }
    } catch (ProtocolException e) {
      log.log(System.Logger.Level.DEBUG, "session " + id + " sent an invalid packet: " + e.getMessage());
      finish("parse error", null);
    } catch (RuntimeException e) {
      log.log(System.Logger.Level.ERROR, "message handler failed for session " + id, e);
    }
  }

  /** A GET: waits for packets (answered at once when some are buffered). Any thread. */
  void onPollRequest(PollExchange req) {
    req.onClientGone(() -> onContext(() -> {
      if (pendingGet == req) {
        pendingGet = null;
        finish("transport close", null);
      }
    }));
    onContext(() -> {
      if (state == State.CLOSED) {
        req.reject(EngineError.UNKNOWN_SID);
        return;
      }
      if (!polling) {
        req.reject(EngineError.BAD_REQUEST);
        return;
      }
      if (pendingGet != null) {
        // Two GETs at once: the protocol closes the session.
        req.reject(EngineError.BAD_REQUEST);
        finish("transport error", null);
        return;
      }
      pendingGet = req;
      if (state == State.CLOSING) {
        if (buffer != null && !buffer.isEmpty()) {
          flush();
        } else {
          finish(closeReason, null);
        }
        return;
      }
      flush();
    });
  }

  /** A local POST: its body is read here (bounded by maxPayload), then handled on the context. */
  void onDataRequest(HttpServerRequest http) {
    PollExchange req = new PollExchange.Local(server, http);
    if (POSTS_IN_FLIGHT.incrementAndGet(this) > 1) {
      POSTS_IN_FLIGHT.decrementAndGet(this);
      req.reject(EngineError.BAD_REQUEST);
      onContext(() -> finish("transport error", null));
      return;
    }
    int max = server.options().maxPayload();
    String declared = http.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (declared != null && parseLength(declared) > max) {
      POSTS_IN_FLIGHT.decrementAndGet(this);
      tooLarge(req);
      return;
    }
    Buffer body = Buffer.buffer();
    boolean[] overflow = {false};
    http.handler(chunk -> {
      if (overflow[0]) {
        return;
      }
      if (body.length() + chunk.length() > max) {
        overflow[0] = true;
        return;
      }
      body.appendBuffer(chunk);
    });
    http.exceptionHandler(e -> POSTS_IN_FLIGHT.decrementAndGet(this));
    http.endHandler(v -> {
      POSTS_IN_FLIGHT.decrementAndGet(this);
      if (overflow[0]) {
        tooLarge(req);
        return;
      }
      onContext(() -> onData(req, body));
    });
    http.resume();
  }

  /** A POST forwarded by another node, its body read there. Any thread. */
  void onForwardedData(PollExchange req, Buffer body, boolean tooLarge) {
    if (tooLarge) {
      tooLarge(req);
      return;
    }
    if (POSTS_IN_FLIGHT.incrementAndGet(this) > 1) {
      POSTS_IN_FLIGHT.decrementAndGet(this);
      req.reject(EngineError.BAD_REQUEST);
      onContext(() -> finish("transport error", null));
      return;
    }
    onContext(() -> {
      POSTS_IN_FLIGHT.decrementAndGet(this);
      onData(req, body);
    });
  }

  private void tooLarge(PollExchange req) {
    req.answer(413, null, "", true);
    onContext(() -> finish("transport error", null));
  }

  private static long parseLength(String value) {
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      return Long.MAX_VALUE;
    }
  }

  private void onData(PollExchange req, Buffer body) {
    if (state == State.CLOSED) {
      req.reject(EngineError.UNKNOWN_SID);
      return;
    }
    List<EnginePacket> packets;
    try {
      packets = EngineCodec.decodePayload(body.toString(StandardCharsets.UTF_8));
    } catch (ProtocolException e) {
      req.reject(EngineError.BAD_REQUEST);
      finish("parse error", null);
      return;
    }
    for (EnginePacket p : packets) {
      if (state != State.OPEN) {
        break;
      }
      onPacket(p);
    }
    req.answer(200, "text/html", "ok", false);
  }

  // ---- WebSocket -------------------------------------------------------------------------------

  /** Installs handlers on the socket's own thread, so no frame arrives before them. */
  private void attach(ServerWebSocket socket) {
    socket.textMessageHandler(text -> onContext(() -> onWebSocketText(socket, text)));
    socket.binaryMessageHandler(bin -> onContext(() -> onWebSocketBinary(socket, bin)));
    socket.closeHandler(v -> onContext(() -> onWebSocketClosed(socket)));
    socket.exceptionHandler(e -> {
      log.log(System.Logger.Level.DEBUG, "websocket error on session " + id + ": " + e.getMessage());
      // A message over maxPayload assembled from smaller frames is dropped by Vert.x with an
      // exception; the reference closes such a connection with 1009 (message too big).
      if (!socket.isClosed()) {
        socket.close((short) 1009, "Max payload size exceeded");
      }
      onContext(() -> {
        if (socket == upgradingWs) {
          abandonUpgrade();
        } else if (socket == ws) {
          finish("transport error", null);
        }
      });
    });
  }

  void onUpgradeSocket(ServerWebSocket socket) {
    attach(socket);
    onContext(() -> {
      if (state != State.OPEN || !polling) {
        // Closed, or closing, since the claim: the claim is void with the session.
        upgrading = false;
        socket.close();
        return;
      }
      upgradingWs = socket;
      probed = false;
      upgradeTimer = ctx.setTimer(server.options().upgradeTimeout().toMillis(), t -> {
        upgradeTimer = -1;
        if (upgradingWs == socket) {
          abandonUpgrade();
        }
      });
    });
  }

  private void onWebSocketText(ServerWebSocket socket, String text) {
    if (socket == upgradingWs) {
      onUpgradeFrame(text);
      return;
    }
    if (socket != ws || state == State.CLOSED) {
      return;
    }
    EnginePacket packet;
    try {
      packet = EngineCodec.decodeText(text);
    } catch (ProtocolException e) {
      finish("parse error", null);
      return;
    }
    onPacket(packet);
  }

  private void onWebSocketBinary(ServerWebSocket socket, Buffer data) {
    if (socket == ws && state != State.CLOSED) {
      onPacket(EngineCodec.decodeBinary(data));
    }
  }

  private void onWebSocketClosed(ServerWebSocket socket) {
    if (socket == upgradingWs) {
      abandonUpgrade();
    } else if (socket == ws) {
      finish("transport close", null);
    }
  }

  private void onUpgradeFrame(String text) {
    if ("2probe".equals(text)) {
      upgradingWs.writeTextMessage(EngineCodec.encodeText(EnginePacket.PROBE_PONG));
      probed = true;
      // The client sends the upgrade packet once its pending GET has come back: from now on, a
      // waiting GET is released with a noop at each check, as the reference server does. Not at
      // once: the upgrade packet may already be on its way (the client sent it before a GET that
      // overtook it on the other connection), and then that GET is refused as after an upgrade.
      cancelUpgradeCheck();
      upgradeCheckTimer = ctx.setPeriodic(UPGRADE_CHECK_MS, t -> {
        if (pendingGet != null && probed && (buffer == null || buffer.isEmpty())) {
          enqueue(EnginePacket.NOOP);
          flush();
        }
      });
    } else if ("5".equals(text) && probed) {
      completeUpgrade();
    } else {
      abandonUpgrade();
    }
  }

  private void completeUpgrade() {
    if (state != State.OPEN) {
      // The server is closing this session: the new transport is not adopted, and closing the
      // session closes it.
      finish(closeReason, null);
      return;
    }
    if (upgradeTimer >= 0) {
      ctx.owner().cancelTimer(upgradeTimer);
      upgradeTimer = -1;
    }
    cancelUpgradeCheck();
    if (pendingGet != null) {
      // A client that waited for its GET to come back has none pending here: this one raced the
      // upgrade packet. The session no longer polls, so it is refused like any later GET.
      pendingGet.reject(EngineError.BAD_REQUEST);
      pendingGet = null;
    }
    ws = upgradingWs;
    upgradingWs = null;
    upgrading = false;
    probed = false;
    polling = false;
    if (buffer != null) {
      for (EnginePacket p : buffer) {
        write(ws, p);
      }
      buffer = null;
      bufferedBytes = 0;
    }
  }

  private void abandonUpgrade() {
    ServerWebSocket socket = upgradingWs;
    upgradingWs = null;
    upgrading = false;
    probed = false;
    cancelUpgradeCheck();
    if (upgradeTimer >= 0) {
      ctx.owner().cancelTimer(upgradeTimer);
      upgradeTimer = -1;
    }
    if (socket != null && !socket.isClosed()) {
      socket.close();
    }
  }

  private void cancelUpgradeCheck() {
    if (upgradeCheckTimer >= 0) {
      ctx.owner().cancelTimer(upgradeCheckTimer);
      upgradeCheckTimer = -1;
    }
  }

  private void onContext(Runnable task) {
    if (ctx.isRunningOnContext()) {
      task.run();
    } else {
      ctx.runOnContext(v -> task.run());
    }
  }
}
