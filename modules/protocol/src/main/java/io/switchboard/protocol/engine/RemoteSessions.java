package io.switchboard.protocol.engine;

import io.vertx.core.Future;

/**
 * Sessions held by other nodes of a cluster. With it, a polling request that reaches the wrong
 * node is forwarded to the session's owner instead of failing, so no sticky sessions are needed.
 * (A WebSocket cannot be forwarded: an upgrade for a foreign session is refused, and the client
 * goes on polling.)
 */
public interface RemoteSessions {

  /** The id prefix of sessions created on this node ({@link #isRemote} reads it back). */
  String localTag();

  /** Whether {@code sid} names a session of another node. */
  boolean isRemote(String sid);

  /** Hands a polling request to the session's owner; fails when the owner is gone or silent. */
  Future<PollReply> forward(PollForward request);

  /** The client of a forwarded GET went away: the owner stops holding it. */
  void cancel(String sid, String exchangeId);
}
