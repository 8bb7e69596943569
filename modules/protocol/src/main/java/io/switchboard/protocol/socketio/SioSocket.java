package io.switchboard.protocol.socketio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.switchboard.protocol.Ids;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One client's presence in one namespace.
 *
 * <p>Threading: handlers run on {@link #context()}. {@code emit}, {@code join}, {@code leave},
 * {@code disconnect} and the attributes may be used from any thread.
 */
public final class SioSocket {
  private static final System.Logger log = System.getLogger(SioSocket.class.getName());

  private final String id = Ids.newId();
  private final Namespace nsp;
  private final SioConnection conn;
  private final SocketHandshake handshake;
  private volatile boolean connected;
  private volatile Set<String> rooms;
  /** Immutable, replaced under the lock on change: usually one entry, set once, read often. */
  private volatile Map<String, Object> attributes = Map.of();

  // Only on the context.
  private Map<String, EventHandler> handlers;
  private AnyEventHandler anyHandler;
  private List<Handler<String>> disconnectHandlers;
  private Map<Long, Promise<ArrayNode>> pendingAcks;
  private long nextAckId;

  SioSocket(Namespace nsp, SioConnection conn, SocketHandshake handshake) {
    this.nsp = nsp;
    this.conn = conn;
    this.handshake = handshake;
  }

  public String id() {
    return id;
  }

  public Namespace namespace() {
    return nsp;
  }

  public SocketHandshake handshake() {
    return handshake;
  }

  /** The Engine.IO session id, shared by this connection's sockets in every namespace. */
  public String sessionId() {
    return conn.engine.id();
  }

  /** {@code "polling"} or {@code "websocket"}. */
  public String transport() {
    return conn.engine.transport();
  }

  public Context context() {
    return conn.ctx;
  }

  public boolean isConnected() {
    return connected;
  }

  // ---- handlers --------------------------------------------------------------------------------

  /** Handles event {@code event}. Call on the socket's context (e.g. in the connection handler). */
  public SioSocket on(String event, EventHandler handler) {
    if (handlers == null) {
      handlers = new HashMap<>();
    }
    handlers.put(event, handler);
    return this;
  }

  /** Handles every event without a handler of its own. */
  public SioSocket onAny(AnyEventHandler handler) {
    this.anyHandler = handler;
    return this;
  }

  /** Called once with the reason when the socket leaves the namespace, after it left its rooms. */
  public SioSocket onDisconnect(Handler<String> handler) {
    if (disconnectHandlers == null) {
      disconnectHandlers = new ArrayList<>(2);
    }
    disconnectHandlers.add(handler);
    return this;
  }

  // ---- attributes ------------------------------------------------------------------------------

  @SuppressWarnings("unchecked")
  public <T> T attr(String key) {
    return (T) attributes.get(key);
  }

  /** Sets an attribute ({@code null} removes it). */
  public SioSocket attr(String key, Object value) {
    java.util.Objects.requireNonNull(key, "key");
    synchronized (this) {
      Map<String, Object> a = attributes;
      if (value == null) {
        if (a.containsKey(key)) {
          Map<String, Object> copy = new HashMap<>(a);
          copy.remove(key);
          attributes = Map.copyOf(copy);
        }
      } else if (a.isEmpty()) {
        attributes = Map.of(key, value);
      } else if (a.get(key) != value) {
        Map<String, Object> copy = new HashMap<>(a);
        copy.put(key, value);
        attributes = Map.copyOf(copy);
      }
    }
    return this;
  }

  // ---- rooms -----------------------------------------------------------------------------------

  public void join(String room) {
    if (!connected) {
      return;
    }
    Set<String> r = rooms;
    if (r == null) {
      synchronized (this) {
        r = rooms;
        if (r == null) {
          rooms = r = ConcurrentHashMap.newKeySet(4);
        }
      }
    }
    if (r.add(room)) {
      nsp.addToRoom(room, this);
      if (!connected) {
        // Disconnected meanwhile (onClose already left the rooms it saw): undo, so no room keeps it.
        nsp.removeFromRoom(room, this);
        r.remove(room);
      }
    }
  }

  public void leave(String room) {
    Set<String> r = rooms;
    if (r != null && r.remove(room)) {
      nsp.removeFromRoom(room, this);
    }
  }

  /** The rooms this socket is in (not counting its own id). */
  public Set<String> rooms() {
    Set<String> r = rooms;
    return r == null ? Set.of() : Set.copyOf(r);
  }

  public boolean inRoom(String room) {
    Set<String> r = rooms;
    return r != null && r.contains(room);
  }

  // ---- emitting --------------------------------------------------------------------------------

  /** Sends an event to this socket. Arguments: JsonNode, String, numbers, byte[]/Buffer, or POJOs. */
  public void emit(String event, Object... args) {
    if (!connected) {
      return;
    }
    conn.send(SioParser.encode(new SioPacket(SioPacketType.EVENT, nsp.name(), SioPacket.NO_ID, Values.eventArray(event, args))));
  }

  /** Sends a packet encoded elsewhere (e.g. once for many sockets). It must be for this namespace. */
  public void send(EncodedPacket packet) {
    if (connected) {
      conn.send(packet);
    }
  }

  /**
   * Sends an event and waits for the client's acknowledgement. Fails with a
   * {@link TimeoutException} after {@code timeout}, or when the socket disconnects first.
   */
  public Future<ArrayNode> emitWithAck(String event, Duration timeout, Object... args) {
    Promise<ArrayNode> promise = conn.ctx.promise();
    ArrayNode data = Values.eventArray(event, args);
    conn.onContext(() -> {
      if (!connected) {
        promise.fail(new IllegalStateException("socket disconnected"));
        return;
      }
      long ackId = nextAckId++;
      if (pendingAcks == null) {
        pendingAcks = new HashMap<>(4);
      }
      pendingAcks.put(ackId, promise);
      long timer = conn.ctx.setTimer(timeout.toMillis(), t -> {
        Promise<ArrayNode> p = pendingAcks == null ? null : pendingAcks.remove(ackId);
        if (p != null) {
          p.tryFail(new TimeoutException("no ack for " + event + " within " + timeout.toMillis() + " ms"));
        }
      });
      promise.future().onComplete(ar -> conn.ctx.owner().cancelTimer(timer));
      conn.send(SioParser.encode(new SioPacket(SioPacketType.EVENT, nsp.name(), ackId, data)));
    });
    return promise.future();
  }

  public Future<ArrayNode> emitWithAck(String event, Object... args) {
    return emitWithAck(event, nsp.server().options().ackTimeout(), args);
  }

  // ---- disconnecting ---------------------------------------------------------------------------

  /**
   * Disconnects this socket from its namespace (the client gets a DISCONNECT packet and reason
   * {@code "io server disconnect"}). With {@code closeTransport}, the whole connection is closed.
   */
  public void disconnect(boolean closeTransport) {
    conn.onContext(() -> {
      if (closeTransport) {
        conn.disconnectAll();
      } else {
        disconnectLocally("server namespace disconnect", true);
      }
    });
  }

  /**
   * Closes the whole Engine.IO connection under this socket without DISCONNECT packets: the client
   * sees {@code "transport close"} and reconnects by itself (e.g. when a node drains).
   */
  public void closeTransport() {
    conn.engine.close();
  }

  void disconnectLocally(String reason, boolean notifyClient) {
    if (!connected) {
      return;
    }
    if (notifyClient) {
      conn.send(SioParser.encode(new SioPacket(SioPacketType.DISCONNECT, nsp.name(), SioPacket.NO_ID, null)));
    }
    onClose(reason);
    conn.removed(this);
  }

  // ---- inbound ---------------------------------------------------------------------------------

  void markConnected() {
    connected = true;
  }

  void onPacket(SioPacket packet) {
    switch (packet.type()) {
      case EVENT -> onEvent(packet);
      case ACK -> onAck(packet);
      case DISCONNECT -> {
        onClose("client namespace disconnect");
        conn.removed(this);
      }
      default -> {
        // CONNECT_ERROR from a client means nothing; CONNECT is handled by the connection.
      }
    }
  }

  private void onEvent(SioPacket packet) {
    ArrayNode data = (ArrayNode) packet.data();
    JsonNode first = data.get(0);
    String event = first.isTextual() ? first.textValue() : first.asText();
    EventArgs args = new EventArgs(data, 1);
    Ack ack = packet.hasId() ? ackFor(packet.id()) : null;
    EventHandler handler = handlers == null ? null : handlers.get(event);
    try {
      if (handler != null) {
        handler.handle(args, ack);
      } else if (anyHandler != null) {
        anyHandler.handle(event, args, ack);
      }
    } catch (RuntimeException e) {
      log.log(System.Logger.Level.ERROR, "handler for event '" + event + "' failed on socket " + id, e);
    }
  }

  private Ack ackFor(long ackId) {
    AtomicBoolean sent = new AtomicBoolean();
    return args -> {
      if (connected && sent.compareAndSet(false, true)) {
        conn.send(SioParser.encode(new SioPacket(SioPacketType.ACK, nsp.name(), ackId, Values.array(args))));
      }
    };
  }

  private void onAck(SioPacket packet) {
    Promise<ArrayNode> p = pendingAcks == null ? null : pendingAcks.remove(packet.id());
    if (p != null) {
      p.tryComplete((ArrayNode) packet.data());
    }
  }

  /** Leaves the namespace: rooms first, then pending acks fail, then the disconnect handlers. */
  void onClose(String reason) {
    if (!connected) {
      return;
    }
    connected = false;
    Set<String> r = rooms;
    if (r != null) {
      for (String room : r) {
        nsp.removeFromRoom(room, this);
      }
      r.clear();
    }
    nsp.remove(this);
    if (pendingAcks != null) {
      List<Promise<ArrayNode>> pending = new ArrayList<>(pendingAcks.values());
      pendingAcks = null;
      for (Promise<ArrayNode> p : pending) {
        p.tryFail(new IllegalStateException("socket disconnected: " + reason));
      }
    }
    if (disconnectHandlers != null) {
      for (Handler<String> h : disconnectHandlers) {
        try {
          h.handle(reason);
        } catch (RuntimeException e) {
          log.log(System.Logger.Level.ERROR, "disconnect handler failed on socket " + id, e);
        }
      }
    }
  }
}
