package io.switchboard.protocol.engine;

import io.vertx.core.buffer.Buffer;
import java.util.Objects;

/**
 * A polling request that reached a node which does not hold its session, on its way to the node
 * that does.
 *
 * @param exchangeId unique per forwarded request (to cancel a waiting GET)
 * @param sid the session id
 * @param post false: a GET (wait for packets), true: a POST (packets in {@code body})
 * @param body the POST body (empty for a GET)
 * @param tooLarge the POST body was over maxPayload (the forwarding node answered 413 itself)
 */
public record PollForward(String exchangeId, String sid, boolean post, Buffer body, boolean tooLarge) {
  public PollForward {
    Objects.requireNonNull(exchangeId, "exchangeId");
    Objects.requireNonNull(sid, "sid");
    body = body == null ? Buffer.buffer() : body;
  }
}
