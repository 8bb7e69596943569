package io.switchboard.server.binding;

/**
 * Told what the binding does, for metrics: events in and out, refusals by code, how long events
 * took, sockets coming and going. Called on event loops (a socket's context, or the thread
 * delivering an event): implementations only bump counters, never block.
 */
public interface SignalingObserver {
  /** A client sent {@code event} (any name: implementations bound it). */
  default void eventIn(String event) { }

  /** {@code event} was written to {@code sockets} sockets of this node. */
  default void eventOut(String event, int sockets) { }

  /** A client's {@code event} was refused with the catalogue's {@code code} (its wire word). */
  default void refused(String event, String code) { }

  /** A contract event finished after {@code nanos} of handling (its queue wait excluded). */
  default void handled(String event, long nanos, boolean ok) { }

  /** A Socket.IO connection was accepted (after identity). */
  default void connected() { }

  /** A socket went away for {@code reason} (Socket.IO's disconnect reasons). */
  default void disconnected(String reason) { }

  /** A handshake was refused ({@code reason}: the refusal's reason, e.g. {@code token_expired}). */
  default void handshakeRefused(String reason) { }

  /** Observes nothing. */
  SignalingObserver NONE = new SignalingObserver() { };
}
