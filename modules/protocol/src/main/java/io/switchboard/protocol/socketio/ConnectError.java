package io.switchboard.protocol.socketio;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Thrown (or used to fail the future) by connection middleware to refuse a namespace connection.
 * The client receives a CONNECT_ERROR packet {@code {"message": message, "data": data}}.
 */
public final class ConnectError extends RuntimeException {
  private final transient JsonNode data;

  public ConnectError(String message) {
    this(message, null);
  }

  public ConnectError(String message, JsonNode data) {
    super(message, null, false, false);
    this.data = data;
  }

  /** Extra detail for the client, or null. */
  public JsonNode data() {
    return data;
  }
}
