package io.switchboard.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.signaling.ids.SocketId;
import java.util.Collection;

/** The sockets connected to this node, as the router sees them (the server implements it). */
public interface LocalSockets {
  /** Emits the event to those of {@code sockets} that are here; returns how many were. Any thread. */
  int deliver(Collection<SocketId> sockets, String event, JsonNode payload);

  /**
   * As {@link #deliver}, for a payload another node sent as JSON text without binary values: an
   * implementation may write the text out as it is rather than parse it and write it again. This
   * one parses it; fails with {@link IllegalArgumentException} when it is not JSON.
   */
  default int deliverJson(Collection<SocketId> sockets, String event, String payloadJson) {
    return deliver(sockets, event, EventBusRouter.parsePayload(payloadJson));
  }
}
