package io.switchboard.protocol.engine;

import io.switchboard.protocol.ProtocolException;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Engine.IO v4 encoding. WebSocket frames carry one packet each (text frames: the type digit and
 * the data; binary frames: the raw bytes of a MESSAGE). HTTP long-polling bodies carry several
 * packets separated by the record separator {@code \x1e}; binary packets there are {@code b}
 * followed by base64.
 */
public final class EngineCodec {
  public static final char SEPARATOR = '\u001e';

  private EngineCodec() {}

  /** Decodes one text frame (WebSocket) or one element of a polling payload that is not binary. */
  public static EnginePacket decodeText(String frame) {
    if (frame.isEmpty()) {
      throw new ProtocolException("empty packet");
    }
    EnginePacketType type = EnginePacketType.fromDigit(frame.charAt(0));
    if (type == null) {
      throw new ProtocolException("unknown packet type");
    }
    return new EnginePacket(type, frame.substring(1), null);
  }

  /** Decodes a binary WebSocket frame: always a MESSAGE. */
  public static EnginePacket decodeBinary(Buffer frame) {
    return EnginePacket.message(frame);
  }

  /** Decodes an HTTP long-polling request body. */
  public static List<EnginePacket> decodePayload(String payload) {
    List<EnginePacket> packets = new ArrayList<>(2);
    int start = 0;
    int len = payload.length();
    while (true) {
      int end = payload.indexOf(SEPARATOR, start);
      if (end < 0) {
        end = len;
      }
      packets.add(decodePayloadElement(payload.substring(start, end)));
      if (end == len) {
        return packets;
      }
      start = end + 1;
    }
  }

  private static EnginePacket decodePayloadElement(String element) {
    if (!element.isEmpty() && element.charAt(0) == 'b') {
      try {
        // Java/Android clients wrap base64 at 76 characters (MIME style): line breaks are not data.
        String b64 = element.substring(1);
        if (b64.indexOf('\n') >= 0 || b64.indexOf('\r') >= 0) {
          b64 = b64.replace("\r", "").replace("\n", "");
        }
        return EnginePacket.message(Buffer.buffer(Base64.getDecoder().decode(b64)));
      } catch (IllegalArgumentException e) {
        throw new ProtocolException("invalid base64 in binary packet", e);
      }
    }
    return decodeText(element);
  }

  /** Encodes a text packet as one WebSocket text frame. */
  public static String encodeText(EnginePacket packet) {
    if (packet.isBinary()) {
      throw new IllegalArgumentException("binary packets travel in binary frames");
    }
    String text = packet.text();
    if (text.isEmpty()) {
      return String.valueOf(packet.type().digit());
    }
    return packet.type().digit() + text;
  }

  /** Encodes packets as an HTTP long-polling response body. */
  public static String encodePayload(List<EnginePacket> packets) {
    if (packets.size() == 1) {
      return encodePayloadElement(packets.get(0));
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < packets.size(); i++) {
      if (i > 0) {
        sb.append(SEPARATOR);
      }
      sb.append(encodePayloadElement(packets.get(i)));
    }
    return sb.toString();
  }

  private static String encodePayloadElement(EnginePacket packet) {
    if (packet.isBinary()) {
      return "b" + Base64.getEncoder().encodeToString(packet.binary().getBytes());
    }
    return encodeText(packet);
  }
}
