package io.switchboard.protocol.socketio;

import io.switchboard.protocol.engine.EncodedText;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import java.util.Objects;

/**
 * A packet ready for the wire: one text message, then its binary attachments in order. Encode
 * once, send to many: the text message's WebSocket frame is encoded once too ({@link EncodedText}).
 */
public final class EncodedPacket {
  private final EncodedText message;
  private final List<Buffer> attachments;

  public EncodedPacket(EncodedText message, List<Buffer> attachments) {
    this.message = Objects.requireNonNull(message, "message");
    this.attachments = List.copyOf(attachments);
  }

  /** The packet's text message (the Socket.IO packet, without the Engine.IO digit). */
  public String text() {
    return message.text();
  }

  /** The text message as every session writes it. */
  public EncodedText message() {
    return message;
  }

  public List<Buffer> attachments() {
    return attachments;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EncodedPacket p && p.text().equals(text()) && p.attachments.equals(attachments);
  }

  @Override
  public int hashCode() {
    return Objects.hash(text(), attachments);
  }

  @Override
  public String toString() {
    return "EncodedPacket[text=" + text() + ", attachments=" + attachments.size() + "]";
  }
}
