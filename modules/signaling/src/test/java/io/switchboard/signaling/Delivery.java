package io.switchboard.signaling;

import com.fasterxml.jackson.databind.JsonNode;

/** One event that reached one socket, as recorded by {@link SignalingHarness}. */
public record Delivery(String socket, String event, JsonNode payload) {
  @Override
  public String toString() {
    return socket + " <- " + event + " " + payload;
  }
}
