package io.switchboard.protocol.engine;

import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;

/**
 * One Engine.IO session, whatever transport carries it now.
 *
 * <p>Threading: every session belongs to one Vert.x event-loop context ({@link #context()}); its
 * handlers run there. {@code send} and {@code close} may be called from any thread: off the
 * context they are queued to it, so order is kept per calling thread.
 */
public interface EngineSocket {

  /** The session id ({@code sid}). */
  String id();

  /** {@code "polling"} or {@code "websocket"}: the transport in use now. */
  String transport();

  EngineHandshake handshake();

  Context context();

  boolean isOpen();

  /** Sends a text message. Messages sent after the session closed are dropped. */
  void send(String text);

  /**
   * Sends a text message encoded once for many sessions: over WebSocket its frame is written as it
   * is, over polling its text is sent.
   */
  void send(EncodedText message);

  /** Sends a binary message. */
  void send(Buffer binary);

  /** Closes the session from the server side (reason {@code "forced close"}). */
  void close();

  EngineSocket messageHandler(Handler<String> handler);

  EngineSocket binaryHandler(Handler<Buffer> handler);

  /** Called once, on the session's context, with the close reason (e.g. {@code "transport close"}). */
  EngineSocket closeHandler(Handler<String> handler);
}
