package io.switchboard.protocol.socketio;

/** Socket.IO v5 packet types, by their wire digit. */
public enum SioPacketType {
  CONNECT,
  DISCONNECT,
  EVENT,
  ACK,
  CONNECT_ERROR,
  BINARY_EVENT,
  BINARY_ACK;

  private static final SioPacketType[] BY_DIGIT = values();

  public char digit() {
    return (char) ('0' + ordinal());
  }

  static SioPacketType fromDigit(char c) {
    int i = c - '0';
    return i >= 0 && i < BY_DIGIT.length ? BY_DIGIT[i] : null;
  }
}
