package io.switchboard.protocol.socketio;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.protocol.engine.EngineHandshake;

/**
 * What a client presented when it joined a namespace.
 *
 * @param auth the CONNECT payload (the client's {@code auth} option); when absent or empty, one
 *     shared read-only empty object (changing it throws)
 * @param engine the Engine.IO handshake: query parameters, a few headers, address
 */
public record SocketHandshake(JsonNode auth, EngineHandshake engine) {
  /** A query parameter of the handshake request, or null. */
  public String query(String name) {
    return engine.query().get(name);
  }
}
