package io.switchboard.protocol.engine;

import io.vertx.core.buffer.Buffer;
import java.util.Objects;

/**
 * One Engine.IO packet. {@code text} carries the data of text packets (may be empty);
 * {@code binary} is set only for binary MESSAGE packets.
 */
public record EnginePacket(EnginePacketType type, String text, Buffer binary) {

  public static final EnginePacket PING = new EnginePacket(EnginePacketType.PING, "", null);
  public static final EnginePacket PONG = new EnginePacket(EnginePacketType.PONG, "", null);
  public static final EnginePacket CLOSE = new EnginePacket(EnginePacketType.CLOSE, "", null);
  public static final EnginePacket NOOP = new EnginePacket(EnginePacketType.NOOP, "", null);
  public static final EnginePacket PROBE_PONG = new EnginePacket(EnginePacketType.PONG, "probe", null);

  public EnginePacket {
    Objects.requireNonNull(type, "type");
    if (binary != null && type != EnginePacketType.MESSAGE) {
      throw new IllegalArgumentException("only MESSAGE packets carry binary data");
    }
    if (binary == null && text == null) {
      text = "";
    }
  }

  public static EnginePacket message(String text) {
    return new EnginePacket(EnginePacketType.MESSAGE, text, null);
  }

  public static EnginePacket message(Buffer binary) {
    return new EnginePacket(EnginePacketType.MESSAGE, null, binary);
  }

  public boolean isBinary() {
    return binary != null;
  }
}
