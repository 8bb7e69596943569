package io.switchboard.protocol.socketio;

import java.time.Duration;
import java.util.Objects;

/**
 * Socket.IO server settings.
 *
 * @param connectTimeout a connection that has joined no namespace for this long is closed
 * @param maxAttachments the most binary attachments one packet may announce
 * @param ackTimeout default deadline for {@link SioSocket#emitWithAck}
 */
public record SocketIoOptions(Duration connectTimeout, int maxAttachments, Duration ackTimeout) {
  public static SocketIoOptions defaults() {
    return new SocketIoOptions(Duration.ofSeconds(45), 10, Duration.ofSeconds(10));
  }

  public SocketIoOptions {
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(ackTimeout, "ackTimeout");
    if (maxAttachments < 0) {
      throw new IllegalArgumentException("maxAttachments must not be negative");
    }
  }

  public SocketIoOptions withConnectTimeout(Duration timeout) {
    return new SocketIoOptions(timeout, maxAttachments, ackTimeout);
  }
}
