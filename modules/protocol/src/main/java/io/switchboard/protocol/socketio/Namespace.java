package io.switchboard.protocol.socketio;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A Socket.IO namespace on this node: its connection middleware, its connected sockets and their
 * local rooms. Safe to use from any thread.
 */
public final class Namespace {
  private static final System.Logger log = System.getLogger(Namespace.class.getName());

  private final SocketIoServer server;
  private final String name;
  private final List<ConnectMiddleware> middlewares = new CopyOnWriteArrayList<>();
  private final List<Handler<SioSocket>> connectionHandlers = new CopyOnWriteArrayList<>();
  private final Map<String, SioSocket> sockets = new ConcurrentHashMap<>();
  private final Map<String, Set<SioSocket>> rooms = new ConcurrentHashMap<>();

  Namespace(SocketIoServer server, String name) {
    this.server = server;
    this.name = name;
  }

  public String name() {
    return name;
  }

  SocketIoServer server() {
    return server;
  }

  /** Adds connection middleware; they run in order, each after the previous one succeeded. */
  public Namespace use(ConnectMiddleware middleware) {
    middlewares.add(middleware);
    return this;
  }

  /** Called on the socket's context once it is connected, before any of its events. */
  public Namespace onConnection(Handler<SioSocket> handler) {
    connectionHandlers.add(handler);
    return this;
  }

  public SioSocket socket(String id) {
    return sockets.get(id);
  }

  public Collection<SioSocket> sockets() {
    return Collections.unmodifiableCollection(sockets.values());
  }

  public int size() {
    return sockets.size();
  }

  /** The sockets in a room on this node (empty when none). */
  public Set<SioSocket> room(String room) {
    Set<SioSocket> members = rooms.get(room);
    return members == null ? Set.of() : Collections.unmodifiableSet(members);
  }

  /** Starts a broadcast to these rooms (a socket id counts as the room of that socket). */
  public Broadcast to(String... rooms) {
    return new Broadcast(this).to(rooms);
  }

  /** Starts a broadcast to every socket but those in these rooms. */
  public Broadcast except(String... rooms) {
    return new Broadcast(this).except(rooms);
  }

  /** Sends an event to every socket of the namespace on this node. */
  public int emit(String event, Object... args) {
    return new Broadcast(this).emit(event, args);
  }

  // ---- internals -------------------------------------------------------------------------------

  Future<Void> runMiddlewares(SioSocket socket) {
    Future<Void> chain = Future.succeededFuture();
    for (ConnectMiddleware m : middlewares) {
      chain = chain.compose(v -> {
        try {
          return m.apply(socket);
        } catch (RuntimeException e) {
          return Future.failedFuture(e);
        }
      });
    }
    return chain;
  }

  void add(SioSocket socket) {
    sockets.put(socket.id(), socket);
    socket.markConnected();
    for (Handler<SioSocket> h : connectionHandlers) {
      try {
        h.handle(socket);
      } catch (RuntimeException e) {
        log.log(System.Logger.Level.ERROR, "connection handler of " + name + " failed", e);
      }
    }
  }

  void remove(SioSocket socket) {
    sockets.remove(socket.id(), socket);
  }

  void addToRoom(String room, SioSocket socket) {
    rooms.compute(room, (k, members) -> {
      Set<SioSocket> m = members == null ? ConcurrentHashMap.newKeySet() : members;
      m.add(socket);
      return m;
    });
  }

  void removeFromRoom(String room, SioSocket socket) {
    rooms.computeIfPresent(room, (k, members) -> {
      members.remove(socket);
      return members.isEmpty() ? null : members;
    });
  }

  Set<SioSocket> roomOrNull(String room) {
    return rooms.get(room);
  }
}
