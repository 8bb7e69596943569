package io.switchboard.protocol.socketio;

import io.vertx.core.Future;

/**
 * Runs before a socket joins a namespace, on the connection's context. A failed future refuses
 * the connection: with a {@link ConnectError} its message and data reach the client, any other
 * failure is reported as {@code "Connection refused"} (details go to the log only).
 */
@FunctionalInterface
public interface ConnectMiddleware {
  Future<Void> apply(SioSocket socket);
}
