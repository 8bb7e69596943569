package io.switchboard.protocol.socketio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.protocol.engine.EngineSocket;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.ContextInternal;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The Socket.IO side of one Engine.IO session: decodes packets, connects namespaces, routes
 * packets to the namespace sockets. Lives on the session's context.
 */
final class SioConnection {
  private static final System.Logger log = System.getLogger(SioConnection.class.getName());
  /**
   * The auth of a CONNECT without a payload (or with {@code {}}): one empty object shared by all
   * sockets, read-only (backed by an immutable map: changing it throws).
   */
  static final ObjectNode EMPTY_AUTH = new ObjectNode(JsonNodeFactory.instance, Collections.emptyMap());

  private final SocketIoServer server;
  final EngineSocket engine;
  final ContextInternal ctx;
  private final SioParser.Decoder decoder;
  // Immutable, replaced on change (only on ctx): a connection is in one namespace for hours and
  // joins rarely, and an immutable map of one entry is one small object.
  /** The joined namespaces' sockets by namespace name. */
  private Map<String, SioSocket> sockets = Map.of();
  /** Namespaces whose CONNECT is in middleware now. */
  private Set<String> connecting = Set.of();
  private long connectTimer = -1;
  private boolean closed;

  SioConnection(SocketIoServer server, EngineSocket engine) {
    this.server = server;
    this.engine = engine;
    this.ctx = (ContextInternal) engine.context();
    this.decoder = new SioParser.Decoder(server.options().maxAttachments());
  }

  void start() {
    engine.messageHandler(this::onText);
    engine.binaryHandler(this::onBinary);
    engine.closeHandler(this::onClose);
    armConnectTimeout();
  }

  private void armConnectTimeout() {
    if (connectTimer >= 0) {
      return;
    }
    connectTimer = ctx.setTimer(server.options().connectTimeout().toMillis(), t -> {
      connectTimer = -1;
      if (sockets.isEmpty() && !closed) {
        log.log(System.Logger.Level.DEBUG, "no namespace joined in time on " + engine.id() + ": closing");
        engine.close();
      }
    });
  }

  private void cancelConnectTimeout() {
    if (connectTimer >= 0) {
      ctx.owner().cancelTimer(connectTimer);
      connectTimer = -1;
    }
  }

  /** ProtocolException from here closes the session (the engine catches it). */
  private void onText(String text) {
    SioPacket packet = decoder.decodeText(text);
    if (packet != null) {
      onPacket(packet);
    }
  }

  private void onBinary(Buffer data) {
    SioPacket packet = decoder.decodeBinary(data);
    if (packet != null) {
      onPacket(packet);
    }
  }

  private void onPacket(SioPacket packet) {
    SioSocket socket = sockets.get(packet.nsp());
    if (packet.type() == SioPacketType.CONNECT) {
      // A second CONNECT for a namespace that is connected or connecting is dropped: the official
      // client sends one when an app calls connect() on a socket that is auto-connecting.
      if (socket == null && !connecting.contains(packet.nsp())) {
        connecting = with(connecting, packet.nsp());
        connect(packet.nsp(), packet.data());
      }
    } else if (socket != null && packet.type() != SioPacketType.CONNECT_ERROR) {
      socket.onPacket(packet);
    } else if (!connecting.contains(packet.nsp())) {
      // A packet for a namespace this connection never joined: the reference server closes the
      // connection ("invalid state"). While a CONNECT is in middleware such packets are dropped.
      log.log(System.Logger.Level.DEBUG, "invalid state on " + engine.id() + " (" + packet.type() + " " + packet.nsp() + "): closing");
      engine.close();
    }
  }

  private void connect(String name, JsonNode auth) {
    Namespace nsp = server.namespace(name);
    if (nsp == null) {
      connecting = without(connecting, name);
      send(SioParser.encode(new SioPacket(SioPacketType.CONNECT_ERROR, name, SioPacket.NO_ID,
          errorData("Invalid namespace", null))));
      return;
    }
    JsonNode authData = auth == null || (auth.isObject() && auth.isEmpty()) ? EMPTY_AUTH : auth;
    SioSocket socket = new SioSocket(nsp, this, new SocketHandshake(authData, engine.handshake()));
    nsp.runMiddlewares(socket).onComplete(ar -> onContext(() -> {
      connecting = without(connecting, name);
      if (closed || !engine.isOpen()) {
        return;
      }
      if (ar.failed()) {
        Throwable cause = ar.cause();
        String message;
        JsonNode data = null;
        if (cause instanceof ConnectError ce) {
          message = ce.getMessage();
          data = ce.data();
        } else {
          log.log(System.Logger.Level.WARNING, "connection middleware of " + name + " failed", cause);
          message = "Connection refused";
        }
        send(SioParser.encode(new SioPacket(SioPacketType.CONNECT_ERROR, name, SioPacket.NO_ID,
            errorData(message, data))));
        return;
      }
      if (sockets.containsKey(name)) {
        return;
      }
      sockets = with(sockets, name, socket);
      cancelConnectTimeout();
      ObjectNode ok = JsonNodeFactory.instance.objectNode();
      ok.put("sid", socket.id());
      send(SioParser.encode(new SioPacket(SioPacketType.CONNECT, name, SioPacket.NO_ID, ok)));
      nsp.add(socket);
    }));
  }

  private static ObjectNode errorData(String message, JsonNode data) {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put("message", message);
    if (data != null) {
      node.set("data", data);
    }
    return node;
  }

  /** Sends one encoded packet, from any thread. */
  void send(EncodedPacket packet) {
    if (packet.attachments().isEmpty()) {
      engine.send(packet.message());
      return;
    }
    // A binary packet is its header then its attachments, with nothing in between: from another
    // thread they go over in one hop, so no other packet can land inside it.
    onContext(() -> {
      engine.send(packet.message());
      for (Buffer b : packet.attachments()) {
        engine.send(b);
      }
    });
  }

  /** A socket left (either side disconnected the namespace). */
  void removed(SioSocket socket) {
    String name = socket.namespace().name();
    if (sockets.get(name) == socket) {
      sockets = without(sockets, name);
    }
    if (sockets.isEmpty() && !closed) {
      // A connection in no namespace is useless: it gets the connect timeout again.
      armConnectTimeout();
    }
  }

  /** Server-side disconnect of every namespace, then the transport. */
  void disconnectAll() {
    for (SioSocket s : sockets.values()) { // an immutable snapshot: removals replace the map
      s.disconnectLocally("server namespace disconnect", true);
    }
    engine.close();
  }

  private void onClose(String reason) {
    closed = true;
    cancelConnectTimeout();
    Map<String, SioSocket> all = sockets;
    sockets = Map.of();
    for (SioSocket s : all.values()) {
      s.onClose(reason);
    }
  }

  void onContext(Runnable task) {
    if (ctx.isRunningOnContext()) {
      task.run();
    } else {
      ctx.runOnContext(v -> task.run());
    }
  }

  private static Map<String, SioSocket> with(Map<String, SioSocket> map, String key, SioSocket value) {
    if (map.isEmpty()) {
      return Map.of(key, value);
    }
    Map<String, SioSocket> copy = new HashMap<>(map);
    copy.put(key, value);
    return Map.copyOf(copy);
  }

  private static Map<String, SioSocket> without(Map<String, SioSocket> map, String key) {
    if (!map.containsKey(key)) {
      return map;
    }
    Map<String, SioSocket> copy = new HashMap<>(map);
    copy.remove(key);
    return copy.isEmpty() ? Map.of() : Map.copyOf(copy);
  }

  private static Set<String> with(Set<String> set, String value) {
    if (set.isEmpty()) {
      return Set.of(value);
    }
    Set<String> copy = new HashSet<>(set);
    copy.add(value);
    return Set.copyOf(copy);
  }

  private static Set<String> without(Set<String> set, String value) {
    if (!set.contains(value)) {
      return set;
    }
    Set<String> copy = new HashSet<>(set);
    copy.remove(value);
    return copy.isEmpty() ? Set.of() : Set.copyOf(copy);
  }
}
