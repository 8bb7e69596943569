package io.switchboard.server.binding;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.switchboard.cluster.LocalSockets;
import io.switchboard.protocol.socketio.EncodedPacket;
import io.switchboard.protocol.socketio.Namespace;
import io.switchboard.protocol.socketio.SioPacket;
import io.switchboard.protocol.socketio.SioPacketType;
import io.switchboard.protocol.socketio.SioParser;
import io.switchboard.protocol.socketio.SioSocket;
import io.switchboard.signaling.ids.SocketId;
import java.util.Collection;
import java.util.function.Supplier;

/**
 * Emits one event to sockets connected to this node: encoded once, sent to each. Sockets that are
 * gone are skipped. Any thread.
 */
public final class LocalDelivery implements LocalSockets {
  private final Namespace namespace;
  private final SignalingObserver observer;

  public LocalDelivery(Namespace namespace) {
    this(namespace, SignalingObserver.NONE);
  }

  /** With an observer told how many sockets each event was written to (metrics). */
  public LocalDelivery(Namespace namespace, SignalingObserver observer) {
    this.namespace = namespace;
    this.observer = observer;
  }

  /** Returns how many sockets were found here. */
  @Override
  public int deliver(Collection<SocketId> sockets, String event, JsonNode payload) {
    return send(sockets, event, () -> encode(namespace.name(), event, payload));
  }

  /** A payload from another node, as JSON text: written out as it came, not parsed again. */
  @Override
  public int deliverJson(Collection<SocketId> sockets, String event, String payloadJson) {
    return send(sockets, event, () -> SioParser.encodeEvent(namespace.name(), event, payloadJson));
  }

  private int send(Collection<SocketId> sockets, String event, Supplier<EncodedPacket> encoder) {
    EncodedPacket packet = null;
    int sent = 0;
    for (SocketId id : sockets) {
      SioSocket socket = namespace.socket(id.value());
      if (socket == null) {
        continue;
      }
      if (packet == null) {
        packet = encoder.get();
      }
      socket.send(packet);
      sent++;
    }
    if (sent > 0) {
      observer.eventOut(event, sent);
    }
    return sent;
  }

  static EncodedPacket encode(String nsp, String event, JsonNode payload) {
    ArrayNode data = JsonNodeFactory.instance.arrayNode(2);
    data.add(event);
    data.add(payload);
    return SioParser.encode(new SioPacket(SioPacketType.EVENT, nsp, SioPacket.NO_ID, data));
  }
}
