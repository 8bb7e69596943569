package io.switchboard.signaling;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.signaling.ids.SocketRef;
import io.vertx.core.Future;
import java.util.Collection;

/**
 * The domain's one way out: deliver an event to sockets wherever they are connected. On one node
 * the sockets are local; in a cluster the implementation groups targets by node and sends one
 * message per node. Implementations must keep the order of deliveries made from one thread to
 * one socket.
 */
public interface Outbound {

  /**
   * Sends {@code event} with {@code payload} to each target. Targets whose socket is gone are
   * skipped. Completes when the event was handed to every target's node (not when clients got it).
   */
  Future<Void> deliver(Collection<SocketRef> targets, String event, JsonNode payload);
}
