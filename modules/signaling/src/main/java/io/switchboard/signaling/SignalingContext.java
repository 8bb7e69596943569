package io.switchboard.signaling;

import io.switchboard.signaling.ids.NodeId;
import io.switchboard.signaling.ids.SocketRef;
import io.switchboard.signaling.ids.UserId;
import io.switchboard.signaling.store.Stores;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Collection;
import java.util.List;
import java.util.function.LongSupplier;

/** What every handler family works with. */
public record SignalingContext(
    Vertx vertx, NodeId node, Stores stores, Outbound out, SignalingConfig config, Passwords passwords, LongSupplier clock) {

  public Limits limits() {
    return config.limits();
  }

  public long now() {
    return clock.getAsLong();
  }

  /** Delivers to every socket of a user, except {@code except}; the value is how many sockets were targeted. */
  public Future<Integer> toUser(UserId user, String event, com.fasterxml.jackson.databind.JsonNode payload, Collection<SocketRef> except) {
    return stores.presence().socketsToDeliver(user).compose(sockets -> deliver(
        except.isEmpty() ? sockets : sockets.stream().filter(s -> !except.contains(s)).toList(), event, payload));
  }

  /** Delivers to these sockets; the value is how many were targeted. */
  public Future<Integer> deliver(List<SocketRef> targets, String event, com.fasterxml.jackson.databind.JsonNode payload) {
    if (targets.isEmpty()) {
      return Future.succeededFuture(0);
    }
    return out.deliver(targets, event, payload).map(targets.size());
  }
}
