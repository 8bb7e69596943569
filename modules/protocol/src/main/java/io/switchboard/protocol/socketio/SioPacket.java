package io.switchboard.protocol.socketio;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * One Socket.IO packet, after binary reconstruction: binary attachments sit in {@code data} as
 * Jackson {@code BinaryNode}s where the sender had them. EVENT and ACK stand for their binary
 * variants too; the encoder picks the binary type when the data holds binary.
 *
 * @param type the packet type
 * @param nsp the namespace, {@code "/"} by default
 * @param id the ack id, or -1 when there is none
 * @param data the JSON payload, or null when the packet has none
 */
public record SioPacket(SioPacketType type, String nsp, long id, JsonNode data) {
  public static final long NO_ID = -1;

  public SioPacket {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(nsp, "nsp");
  }

  public boolean hasId() {
    return id >= 0;
  }
}
