package io.switchboard.signaling;

import com.fasterxml.jackson.databind.JsonNode;

/** Emits to the client's own socket (replies such as {@code meeting-joined} and {@code error}). Any thread. */
@FunctionalInterface
public interface ClientChannel {
  void emit(String event, JsonNode payload);
}
