package io.switchboard.signaling.presence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.signaling.Client;
import io.switchboard.signaling.EventHandler;
import io.switchboard.signaling.Payload;
import io.switchboard.signaling.SignalingContext;
import io.switchboard.signaling.Views;
import io.switchboard.signaling.groups.GroupHandlers;
import io.switchboard.signaling.ids.UserId;
import io.vertx.core.Future;
import java.util.Map;

/**
 * Registration (seeds 002-004): {@code userOnline(userId)}, {@code user-connected(userId)} and
 * {@code joinVideoRoom({userId})} map the user to this socket, so "to user X" reaches every device
 * of X, and join the rooms of the user's groups. {@code leaveVideoRoom} undoes it.
 */
public final class PresenceHandlers {
  private final SignalingContext ctx;
  private final GroupHandlers groups;
  private final Registrations registrations;

  /** Lets the facade record the registered user on the client. */
  public interface Registrations {
    void registered(Client client, UserId user);

    void unregistered(Client client);
  }

  public PresenceHandlers(SignalingContext ctx, GroupHandlers groups, Registrations registrations) {
    this.ctx = ctx;
    this.groups = groups;
    this.registrations = registrations;
  }

  public void register(Map<String, EventHandler> registry) {
    registry.put("userOnline", this::registerUser);
    registry.put("user-connected", this::registerUser);
    registry.put("joinVideoRoom", this::registerUser);
    registry.put("leaveVideoRoom", this::unregisterUser);
  }

  private Future<ObjectNode> registerUser(Client client, JsonNode arg) {
    UserId user = client.actingAs(Payload.idOrField(arg, "userId", ctx.limits()));
    return ctx.stores().presence().register(user, client.ref()).compose(previous -> {
      Future<Void> cleared = previous != null && !previous.equals(user)
          ? ctx.stores().groups().removeSocket(client.socketId()).mapEmpty()
          : Future.succeededFuture();
      registrations.registered(client, user);
      return cleared.compose(v -> groups.autoJoin(client, user));
    }).map(v -> {
      ObjectNode ack = Views.ok();
      ack.put("userId", user.value());
      return ack;
    });
  }

  private Future<ObjectNode> unregisterUser(Client client, JsonNode arg) {
    UserId user = client.actingAs(Payload.idOrField(arg, "userId", ctx.limits()));
    return ctx.stores().presence().unregister(user, client.socketId())
        .compose(removed -> {
          if (!removed) {
            // Not registered as that user: there is nothing to undo, and the real registration stays.
            return Future.succeededFuture();
          }
          registrations.unregistered(client);
          return ctx.stores().groups().removeSocket(client.socketId()).mapEmpty();
        })
        .map(v -> {
          ObjectNode ack = Views.ok();
          ack.put("userId", user.value());
          return ack;
        });
  }

  public Future<Void> disconnected(Client client) {
    return ctx.stores().presence().removeSocket(client.socketId()).mapEmpty();
  }
}
