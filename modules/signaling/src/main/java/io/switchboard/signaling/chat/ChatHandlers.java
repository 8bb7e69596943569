package io.switchboard.signaling.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.signaling.Client;
import io.switchboard.signaling.EventHandler;
import io.switchboard.signaling.Payload;
import io.switchboard.signaling.SignalingContext;
import io.switchboard.signaling.Views;
import io.switchboard.signaling.ids.GroupId;
import io.switchboard.signaling.ids.SocketRef;
import io.switchboard.signaling.ids.UserId;
import io.vertx.core.Future;
import java.util.List;
import java.util.Map;

/**
 * Chat relay (seed 002 names these as existing): {@code sendMessage {to, ...}} becomes
 * {@code receiveMessage} for every socket of user {@code to}; {@code sendGroupMessage {groupId, ...}}
 * becomes {@code receiveGroupMessage} for the group room minus the sender. Payloads are forwarded as
 * sent. Relay only: persistence stays with the app's backend.
 */
public final class ChatHandlers {
  private final SignalingContext ctx;

  public ChatHandlers(SignalingContext ctx) {
    this.ctx = ctx;
  }

  public void register(Map<String, EventHandler> registry) {
    registry.put("sendMessage", this::sendMessage);
    registry.put("sendGroupMessage", this::sendGroupMessage);
  }

  private Future<ObjectNode> sendMessage(Client client, JsonNode arg) {
    Payload p = Payload.object(arg, ctx.limits());
    UserId to = UserId.of(p.requiredId("to"));
    return ctx.toUser(to, "receiveMessage", p.raw(), List.of()).map(count -> {
      ObjectNode ack = Views.ok();
      ack.put("delivered", count);
      return ack;
    });
  }

  private Future<ObjectNode> sendGroupMessage(Client client, JsonNode arg) {
    Payload p = Payload.object(arg, ctx.limits());
    GroupId group = GroupId.of(p.requiredId("groupId"));
    // With verified identities only members write to a group that has members.
    Future<Void> allowed = client.identity().verified()
        ? ctx.stores().groups().members(group).compose(members -> members.isEmpty() || members.contains(client.user())
            ? Future.succeededFuture()
            : Future.failedFuture(io.switchboard.signaling.SignalingException.unauthorized("Not a member of this group")))
        : Future.succeededFuture();
    return allowed.compose(v -> ctx.stores().groups().roomSockets(group)).compose(sockets -> {
      List<SocketRef> targets = sockets.stream().filter(s -> !s.id().equals(client.socketId())).toList();
      ObjectNode ack = Views.ok();
      ack.put("delivered", targets.size());
      return targets.isEmpty()
          ? Future.succeededFuture(ack)
          : ctx.out().deliver(targets, "receiveGroupMessage", p.raw()).map(ack);
    });
  }
}
