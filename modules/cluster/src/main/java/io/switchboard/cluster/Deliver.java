package io.switchboard.cluster;

import io.switchboard.signaling.ids.NodeId;
import io.switchboard.signaling.ids.SocketId;
import java.util.List;
import java.util.Objects;

/**
 * One event for some sockets of the receiving node. The payload travels as JSON text, which the
 * receiver writes out to its sockets as it came, without parsing it. JSON text has no binary
 * type, so binary values (Socket.IO attachments, which clients may send in relayed payloads)
 * travel beside it: each one is {@code null} in the text and listed in {@code binaries} with its
 * JSON Pointer, and the receiver parses such a payload and puts them back before delivering.
 *
 * @param binaries the payload's binary values, by JSON Pointer (RFC 6901) into the payload; empty for most events
 */
public record Deliver(NodeId origin, List<SocketId> sockets, String event, String payloadJson, List<Binary> binaries)
    implements InterNodeMessage {
  public Deliver {
    Objects.requireNonNull(origin, "origin");
    sockets = List.copyOf(sockets);
    Objects.requireNonNull(event, "event");
    Objects.requireNonNull(payloadJson, "payloadJson");
    binaries = List.copyOf(binaries);
  }

  /** A payload without binary values. */
  public Deliver(NodeId origin, List<SocketId> sockets, String event, String payloadJson) {
    this(origin, sockets, event, payloadJson, List.of());
  }

  /** One binary value of the payload and where it goes (a JSON Pointer; empty: the payload itself). */
  public record Binary(String pointer, byte[] data) {
    public Binary {
      Objects.requireNonNull(pointer, "pointer");
      Objects.requireNonNull(data, "data");
    }
  }
}
