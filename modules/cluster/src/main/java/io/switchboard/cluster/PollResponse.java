package io.switchboard.cluster;

import io.switchboard.signaling.ids.NodeId;
import java.util.Objects;

/** The session owner's answer to a {@link PollRequest}. */
public record PollResponse(NodeId origin, int status, String contentType, String body, boolean closeConnection)
    implements InterNodeMessage {
  public PollResponse {
    Objects.requireNonNull(origin, "origin");
    contentType = contentType == null ? "" : contentType;
    body = body == null ? "" : body;
  }
}
