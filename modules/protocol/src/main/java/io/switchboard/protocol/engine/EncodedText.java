package io.switchboard.protocol.engine;

import java.nio.charset.StandardCharsets;

/**
 * A text message encoded once for any number of sessions: the payload of its WebSocket text frame,
 * the Engine.IO MESSAGE packet in UTF-8 ({@code '4'} then the text), which every WebSocket session
 * writes as it is; a polling session takes the text ({@link #text()}, decoded on first use when the
 * message was built from bytes). Immutable, any thread.
 */
public final class EncodedText {
  private final byte[] frame;
  private volatile String text;

  private EncodedText(byte[] frame) {
    this.frame = frame;
  }

  /**
   * The message whose text is {@code parts} one after the other, encoded into one frame (the text
   * itself is put together only if a polling session asks for it).
   */
  public static EncodedText of(String... parts) {
    return new EncodedText(frame(parts));
  }

  private static byte[] frame(String... parts) {
    // The JDK's own UTF-8 encoding of a String took half the time of encoding it char by char into
    // an array of the exact size (Netty's ByteBufUtil; JMH, a 2.6 KB payload): one copy more, less time.
    byte[][] encoded = new byte[parts.length][];
    int total = 1;
    for (int i = 0; i < parts.length; i++) {
      encoded[i] = parts[i].getBytes(StandardCharsets.UTF_8);
      total += encoded[i].length;
    }
    byte[] frame = new byte[total];
    frame[0] = (byte) EnginePacketType.MESSAGE.digit();
    int at = 1;
    for (byte[] part : encoded) {
      System.arraycopy(part, 0, frame, at, part.length);
      at += part.length;
    }
    return frame;
  }

  /**
   * The message whose frame payload is {@code frame}: the MESSAGE digit, then the text in UTF-8.
   * The array is kept, not copied: the caller gives it up.
   */
  public static EncodedText ofFrame(byte[] frame) {
    if (frame.length == 0 || frame[0] != EnginePacketType.MESSAGE.digit()) {
      throw new IllegalArgumentException("a message frame starts with the MESSAGE digit");
    }
    return new EncodedText(frame);
  }

  /** The message's text (the Socket.IO packet), without the Engine.IO digit. */
  public String text() {
    String t = text;
    if (t == null) {
      t = new String(frame, 1, frame.length - 1, StandardCharsets.UTF_8);
      text = t;
    }
    return t;
  }

  /** The WebSocket frame's payload, shared by every session that writes it: never to be changed. */
  byte[] frame() {
    return frame;
  }

  @Override
  public String toString() {
    return "EncodedText[" + text() + "]";
  }
}
