package io.switchboard.cluster;

import io.switchboard.signaling.ids.NodeId;
import java.util.Objects;

/**
 * A polling request for a session of the receiving node, received by {@code origin} (no sticky
 * sessions needed). Request/reply: the answer is a {@link PollResponse}.
 *
 * @param body the POST body (empty for a GET)
 * @param tooLarge the POST body was over maxPayload
 */
public record PollRequest(NodeId origin, String exchangeId, String sid, boolean post, byte[] body, boolean tooLarge)
    implements InterNodeMessage {
  public PollRequest {
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(exchangeId, "exchangeId");
    Objects.requireNonNull(sid, "sid");
    body = body == null ? new byte[0] : body;
  }
}
