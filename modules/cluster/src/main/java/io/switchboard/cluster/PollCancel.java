package io.switchboard.cluster;

import io.switchboard.signaling.ids.NodeId;
import java.util.Objects;

/** The client of a forwarded GET went away: the owner stops holding it. One-way. */
public record PollCancel(NodeId origin, String sid, String exchangeId) implements InterNodeMessage {
  public PollCancel {
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(sid, "sid");
    Objects.requireNonNull(exchangeId, "exchangeId");
  }
}
