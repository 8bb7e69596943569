package io.switchboard.protocol.socketio;

/** Handles every event that has no handler of its own, on the socket's context. */
@FunctionalInterface
public interface AnyEventHandler {
  void handle(String event, EventArgs args, Ack ack);
}
