package io.switchboard.protocol.engine;

/** Engine.IO v4 packet types, by their wire digit. */
public enum EnginePacketType {
  OPEN('0'),
  CLOSE('1'),
  PING('2'),
  PONG('3'),
  MESSAGE('4'),
  UPGRADE('5'),
  NOOP('6');

  private static final EnginePacketType[] BY_DIGIT = values();

  private final char digit;

  EnginePacketType(char digit) {
    this.digit = digit;
  }

  public char digit() {
    return digit;
  }

  /** The type for a wire digit, or null when the character is not one. */
  public static EnginePacketType fromDigit(char c) {
    int i = c - '0';
    return i >= 0 && i < BY_DIGIT.length ? BY_DIGIT[i] : null;
  }
}
