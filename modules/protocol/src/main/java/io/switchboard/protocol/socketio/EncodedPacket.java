package io.switchboard.protocol.socketio;

import io.vertx.core.buffer.Buffer;
import java.util.List;

/**
 * A packet ready for the wire: one text message, then its binary attachments in order. Encode
 * once, send to many.
 */
public record EncodedPacket(String text, List<Buffer> attachments) {
  public EncodedPacket {
    attachments = List.copyOf(attachments);
  }

  public EncodedPacket(String text) {
    this(text, List.of());
  }
}
