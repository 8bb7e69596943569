package io.switchboard.signaling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Future;

/**
 * Handles one client event. {@code arg} is the event's first argument (every event of the
 * contract has one). The future's value holds extra ack fields (null: just {@code ok:true}); a
 * {@link SignalingException} failure becomes an {@code error} event and a failed ack.
 */
@FunctionalInterface
public interface EventHandler {
  Future<ObjectNode> handle(Client client, JsonNode arg);
}
