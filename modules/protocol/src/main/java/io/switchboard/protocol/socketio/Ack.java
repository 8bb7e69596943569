package io.switchboard.protocol.socketio;

/**
 * The acknowledgement a client asked for with an event. Only the first call sends; later calls
 * are ignored. Arguments are converted like {@link SioSocket#emit} arguments. Any thread.
 */
@FunctionalInterface
public interface Ack {
  void send(Object... args);
}
