package io.switchboard.signaling.store;

import io.switchboard.signaling.ids.SocketId;
import io.switchboard.signaling.ids.SocketRef;
import io.switchboard.signaling.ids.UserId;
import io.vertx.core.Future;
import java.util.List;

/**
 * Which sockets each user holds, wherever they are connected: "send to user X" means every socket
 * of X. A socket belongs to at most one user. Same threading and failure rules as
 * {@link MeetingStore}.
 */
public interface PresenceStore {

  /**
   * Maps {@code socket} to {@code user} (idempotent). A socket registered under another user
   * moves. Returns the user it was registered under before, or null.
   */
  Future<UserId> register(UserId user, SocketRef socket);

  /** Removes the mapping of {@code socket} to {@code user}; false when there was none. */
  Future<Boolean> unregister(UserId user, SocketId socket);

  /** Every socket of the user (empty when offline). */
  Future<List<SocketRef>> sockets(UserId user);

  /**
   * The sockets to deliver a relayed event to: {@link #sockets} or, in a cluster, a node-local
   * copy of it that every change drops on every node before the change completes. Answers about
   * presence ("is X online") use {@link #sockets}.
   */
  default Future<List<SocketRef>> socketsToDeliver(UserId user) {
    return sockets(user);
  }

  /** The user of a socket, or null. */
  Future<UserId> userOf(SocketId socket);

  /** Removes the socket's mapping (it disconnected); returns its user, or null. */
  Future<UserId> removeSocket(SocketId socket);
}
