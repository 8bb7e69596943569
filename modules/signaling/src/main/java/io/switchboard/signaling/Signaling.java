package io.switchboard.signaling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.signaling.calls.CallHandlers;
import io.switchboard.signaling.chat.ChatHandlers;
import io.switchboard.signaling.groups.GroupHandlers;
import io.switchboard.signaling.ids.NodeId;
import io.switchboard.signaling.ids.SocketRef;
import io.switchboard.signaling.ids.UserId;
import io.switchboard.signaling.meetings.MeetingHandlers;
import io.switchboard.signaling.presence.PresenceHandlers;
import io.switchboard.signaling.rooms.RoomHandlers;
import io.switchboard.signaling.store.Stores;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * The signaling contract (EVENTS.md) behind one entry point: the binding hands it each client
 * event and each disconnect; the HTTP API calls the administrative operations. Knows nothing of
 * packets, HTTP, the event bus or Redis: state goes through {@link Stores}, deliveries through
 * {@link Outbound}.
 */
public final class Signaling {
  private final SignalingContext ctx;
  private final Map<String, EventHandler> handlers = new HashMap<>();
  private final MeetingHandlers meetings;
  private final RoomHandlers rooms;
  private final GroupHandlers groups;
  private final PresenceHandlers presence;
  private final CallHandlers calls;

  public Signaling(Vertx vertx, NodeId node, Stores stores, Outbound out, SignalingConfig config, Passwords passwords,
      LongSupplier clock) {
    this.ctx = new SignalingContext(vertx, node, stores, out, config, passwords, clock);
    this.meetings = new MeetingHandlers(ctx);
    this.rooms = new RoomHandlers(ctx);
    this.groups = new GroupHandlers(ctx);
    this.presence = new PresenceHandlers(ctx, groups, new PresenceHandlers.Registrations() {
      @Override
      public void registered(Client client, UserId user) {
        client.registered(user, null);
      }

      @Override
      public void unregistered(Client client) {
        client.unregistered();
      }
    });
    this.calls = new CallHandlers(ctx);
    meetings.register(handlers);
    rooms.register(handlers);
    groups.register(handlers);
    presence.register(handlers);
    calls.register(handlers);
    new ChatHandlers(ctx).register(handlers);
    handlers.put("ice-candidate", this::iceCandidate);
  }

  public SignalingContext context() {
    return ctx;
  }

  /** Whether {@code event} is part of the contract. */
  public boolean handles(String event) {
    return handlers.containsKey(event);
  }

  /** The events of the contract. */
  public Set<String> events() {
    return Set.copyOf(handlers.keySet());
  }

  /**
   * Handles one client event. The future's value holds extra ack fields; a refusal fails it with
   * a {@link SignalingException} and has changed no state. Never throws.
   */
  public Future<ObjectNode> handle(Client client, String event, JsonNode arg) {
    EventHandler handler = handlers.get(event);
    if (handler == null) {
      return Future.failedFuture(new SignalingException(ErrorCode.UNKNOWN_EVENT, "Unknown event " + event));
    }
    try {
      Future<ObjectNode> result = handler.handle(client, arg);
      return result == null ? Future.succeededFuture(Views.ok()) : result;
    } catch (SignalingException e) {
      return Future.failedFuture(e);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(SignalingException.badRequest(e.getMessage()));
    } catch (RuntimeException e) {
      // A bug, not a refusal: the binding logs it and answers code internal.
      return Future.failedFuture(e);
    }
  }

  /** The socket is gone: it leaves every meeting, room, group room, user mapping and call, and others are told. */
  public Future<Void> disconnected(Client client) {
    // Every step runs even when an earlier one failed (each removes what it can), and the result
    // fails when any failed, so the caller keeps the socket recorded and retries the cleanup.
    Future<Void> rooms = Future.join(safely(() -> meetings.disconnected(client)), safely(() -> this.rooms.disconnected(client)),
        safely(() -> groups.disconnected(client))).mapEmpty();
    Future<Void> users = rooms.transform(ar -> safely(() -> presence.disconnected(client)));
    Future<Void> calls = users.transform(ar -> safely(() -> this.calls.disconnected(client)));
    return Future.join(rooms, users, calls).mapEmpty();
  }

  private static Future<Void> safely(java.util.function.Supplier<Future<Void>> step) {
    try {
      Future<Void> f = step.get();
      return f == null ? Future.succeededFuture() : f;
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  /**
   * A socket that vanished without its connection's own cleanup (its node died): the same cleanup
   * as a disconnect, for the user it was registered as. Nothing is sent to the socket itself.
   */
  public Future<Void> socketGone(SocketRef ref) {
    return ctx.stores().presence().userOf(ref.id()).compose(user -> {
      Client ghost = new Client(ref, Identity.anonymous(), (event, payload) -> { });
      if (user != null) {
        ghost.registered(user, null);
      }
      return disconnected(ghost);
    });
  }

  private Future<ObjectNode> iceCandidate(Client client, JsonNode arg) {
    if (arg != null && arg.isObject()) {
      if (arg.hasNonNull("roomId") || arg.hasNonNull("meetingId")) {
        return rooms.iceCandidate(client, arg);
      }
      if (arg.hasNonNull("to")) {
        return calls.iceCandidate(client, arg);
      }
    }
    return Future.failedFuture(SignalingException.badRequest("ice-candidate needs roomId (room relay) or to (call)"));
  }

  public MeetingHandlers meetings() {
    return meetings;
  }

  public GroupHandlers groups() {
    return groups;
  }
}
