package io.switchboard.protocol.socketio;

/** Handles one named event of one socket, on the socket's context. {@code ack} is null when the client asked for none. */
@FunctionalInterface
public interface EventHandler {
  void handle(EventArgs args, Ack ack);
}
