package io.switchboard.protocol.socketio;

import io.switchboard.protocol.engine.EngineServer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A Socket.IO v5 server on top of an {@link EngineServer}. Namespaces must be declared with
 * {@link #of} before clients can join them; CONNECT to any other namespace is refused with
 * {@code "Invalid namespace"}.
 */
public final class SocketIoServer {
  private final EngineServer engine;
  private final SocketIoOptions options;
  private final Map<String, Namespace> namespaces = new ConcurrentHashMap<>();

  public SocketIoServer(EngineServer engine, SocketIoOptions options) {
    this.engine = engine;
    this.options = options;
    // Built here, at set-up, rather than on the event loop of the first packet.
    Json.warmUp();
    engine.connectionHandler(session -> new SioConnection(this, session).start());
    of("/");
  }

  public EngineServer engine() {
    return engine;
  }

  public SocketIoOptions options() {
    return options;
  }

  /** The namespace with this name, declared if new. Names start with '/'. */
  public Namespace of(String name) {
    if (!name.startsWith("/")) {
      throw new IllegalArgumentException("namespace names start with '/': " + name);
    }
    return namespaces.computeIfAbsent(name, n -> new Namespace(this, n));
  }

  /** The main namespace {@code "/"}. */
  public Namespace sockets() {
    return of("/");
  }

  Namespace namespace(String name) {
    return namespaces.get(name);
  }
}
