package io.switchboard.protocol;

/**
 * A peer sent bytes that do not form a valid Engine.IO or Socket.IO packet. The specs say the
 * connection that sent them is closed; no other connection is affected.
 */
public final class ProtocolException extends RuntimeException {
  public ProtocolException(String message) {
    super(message, null, false, false);
  }

  public ProtocolException(String message, Throwable cause) {
    super(message, cause, false, false);
  }
}
