package io.switchboard.protocol.engine;

/** The error bodies of the Engine.IO reference server, sent with HTTP 400 (403 for FORBIDDEN). */
enum EngineError {
  UNKNOWN_TRANSPORT(0, "Transport unknown"),
  UNKNOWN_SID(1, "Session ID unknown"),
  BAD_HANDSHAKE_METHOD(2, "Bad handshake method"),
  BAD_REQUEST(3, "Bad request"),
  FORBIDDEN(4, "Forbidden"),
  UNSUPPORTED_PROTOCOL_VERSION(5, "Unsupported protocol version");

  final int code;
  final String message;

  EngineError(int code, String message) {
    this.code = code;
    this.message = message;
  }

  String json() {
    return "{\"code\":" + code + ",\"message\":\"" + message + "\"}";
  }

  int status() {
    return this == FORBIDDEN ? 403 : 400;
  }
}
