package io.switchboard.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.signaling.ids.SocketId;
import java.util.Collection;

/** The sockets connected to this node, as the router sees them (the server implements it). */
@FunctionalInterface
public interface LocalSockets {
  /** Emits the event to those of {@code sockets} that are here; returns how many were. Any thread. */
  int deliver(Collection<SocketId> sockets, String event, JsonNode payload);
}
