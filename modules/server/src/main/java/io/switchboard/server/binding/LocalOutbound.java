package io.switchboard.server.binding;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.signaling.Outbound;
import io.switchboard.signaling.ids.NodeId;
import io.switchboard.signaling.ids.SocketId;
import io.switchboard.signaling.ids.SocketRef;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** The single-node {@link Outbound}: every socket is on this node. */
public final class LocalOutbound implements Outbound {
  private static final System.Logger log = System.getLogger(LocalOutbound.class.getName());
  private final NodeId self;
  private final LocalDelivery local;

  public LocalOutbound(NodeId self, LocalDelivery local) {
    this.self = self;
    this.local = local;
  }

  @Override
  public Future<Void> deliver(Collection<SocketRef> targets, String event, JsonNode payload) {
    List<SocketId> ids = new ArrayList<>(targets.size());
    for (SocketRef t : targets) {
      if (t.node().equals(self)) {
        ids.add(t.id());
      } else {
        log.log(System.Logger.Level.WARNING, "socket " + t.id() + " is on node " + t.node() + ", not here; dropped");
      }
    }
    local.deliver(ids, event, payload);
    return Future.succeededFuture();
  }
}
