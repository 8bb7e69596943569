package io.switchboard.server.binding;

import io.switchboard.protocol.socketio.SocketHandshake;
import io.switchboard.signaling.Identity;
import io.vertx.core.Future;

/**
 * Decides who a connecting client is, before it joins the namespace. A failed future refuses the
 * handshake: with a {@link io.switchboard.protocol.socketio.ConnectError} the client sees its
 * message as a Socket.IO connect error.
 */
@FunctionalInterface
public interface IdentityProvider {
  Future<Identity> identify(SocketHandshake handshake);

  /** Open mode: nothing is verified; clients declare who they are. */
  static IdentityProvider open() {
    return handshake -> Future.succeededFuture(Identity.anonymous());
  }
}
