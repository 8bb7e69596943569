package io.switchboard.signaling.rooms;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.signaling.Client;
import io.switchboard.signaling.EventHandler;
import io.switchboard.signaling.Payload;
import io.switchboard.signaling.SignalingContext;
import io.switchboard.signaling.SignalingException;
import io.switchboard.signaling.Views;
import io.switchboard.signaling.ids.MeetingId;
import io.switchboard.signaling.ids.RoomId;
import io.switchboard.signaling.ids.SocketId;
import io.switchboard.signaling.ids.SocketRef;
import io.switchboard.signaling.store.MediaPatch;
import io.switchboard.signaling.store.Participant;
import io.switchboard.signaling.store.RoomJoin;
import io.switchboard.signaling.store.RoomLeave;
import io.switchboard.signaling.store.RoomMember;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Mesh rooms (seed 000) and the relays inside rooms and meetings: offer, answer, ICE candidates,
 * media state. A meeting's id is also a room: its participants are the room's members. The sender
 * must be a member of the room it names, and so must a target.
 */
public final class RoomHandlers {
  private final SignalingContext ctx;

  public RoomHandlers(SignalingContext ctx) {
    this.ctx = ctx;
  }

  public void register(Map<String, EventHandler> registry) {
    registry.put("join-room", this::joinRoom);
    registry.put("leave-room", this::leaveRoom);
    registry.put("offer", (c, a) -> relay(c, a, "offer", "offer", Field.SDP, false));
    registry.put("answer", (c, a) -> relay(c, a, "answer", "answer", Field.SDP, true));
    registry.put("media-state-change", this::mediaStateChange);
    registry.put("request-media-state", (c, a) -> relay(c, a, "request-media-state", null, Field.NONE, false));
    registry.put("media-state-response", (c, a) -> relay(c, a, "media-state-response", "mediaState", Field.MEDIA, false));
  }

  /** {@code ice-candidate} with a {@code roomId} (or {@code meetingId}): a room relay. */
  public Future<ObjectNode> iceCandidate(Client client, JsonNode arg) {
    return relay(client, arg, "ice-candidate", "candidate", Field.CANDIDATE, false);
  }

  // ---- membership ------------------------------------------------------------------------------

  private Future<ObjectNode> joinRoom(Client client, JsonNode arg) {
    Payload p = Payload.object(arg, ctx.limits());
    String roomId = p.requiredId("roomId");
    String declaredName = p.optionalName("userName");
    String userName = declaredName != null ? declaredName : client.userName();
    return ctx.stores().meetings().get(MeetingId.of(roomId)).compose(meeting -> {
      if (meeting != null) {
        return joinMeetingRoom(client, roomId);
      }
      client.mayJoin("r:" + roomId);
      RoomMember member = new RoomMember(client.ref(), userName, ctx.now());
      return ctx.stores().rooms().join(RoomId.of(roomId), member, ctx.config().roomMaxSize())
          .compose(join -> {
            client.joined("r:" + roomId);
            return announceRoomJoin(client, roomId, member, join);
          });
    });
  }

  /** A meeting's room: joined by join-meeting; join-room there is an idempotent success for participants. */
  private Future<ObjectNode> joinMeetingRoom(Client client, String roomId) {
    return ctx.stores().meetings().participants(MeetingId.of(roomId)).compose(participants -> {
      boolean member = participants.stream().anyMatch(x -> x.socket().id().equals(client.socketId()));
      if (!member) {
        return Future.failedFuture(SignalingException.notMember("Join the meeting first"));
      }
      ArrayNode list = Views.object().arrayNode();
      for (Participant x : participants) {
        if (!x.socket().id().equals(client.socketId())) {
          ObjectNode o = list.addObject();
          o.put("userId", x.socket().id().value());
          o.put("userName", x.userName());
        }
      }
      emitRoomJoined(client, roomId, list);
      return Future.succeededFuture(Views.ok());
    });
  }

  private Future<ObjectNode> announceRoomJoin(Client client, String roomId, RoomMember self, RoomJoin join) {
    ArrayNode list = Views.object().arrayNode();
    for (RoomMember m : join.others()) {
      list.add(Views.roomMember(m));
    }
    emitRoomJoined(client, roomId, list);
    if (join.alreadyMember() || join.others().isEmpty()) {
      return Future.succeededFuture(Views.ok());
    }
    ObjectNode joined = Views.roomMember(self);
    joined.put("roomId", roomId);
    List<SocketRef> targets = new ArrayList<>(join.others().size());
    for (RoomMember m : join.others()) {
      targets.add(m.socket());
    }
    return ctx.out().deliver(targets, "user-joined", joined).map(Views.ok());
  }

  private static void emitRoomJoined(Client client, String roomId, ArrayNode participants) {
    ObjectNode joined = Views.object();
    joined.put("roomId", roomId);
    joined.set("participants", participants);
    client.emit("room-joined", joined);
  }

  private Future<ObjectNode> leaveRoom(Client client, JsonNode arg) {
    Payload p = Payload.object(arg, ctx.limits());
    String roomId = p.requiredId("roomId");
    client.left("r:" + roomId);
    return ctx.stores().rooms().leave(RoomId.of(roomId), client.socketId()).compose(leave -> {
      if (leave == null) {
        return Future.failedFuture(SignalingException.notMember("Not in this room"));
      }
      return announceLeft(leave).map(Views.ok());
    });
  }

  /** A disconnected socket leaves every room; the others get {@code user-left}. */
  public Future<Void> disconnected(Client client) {
    return ctx.stores().rooms().removeSocket(client.socketId()).compose(leaves -> {
      List<Future<Void>> all = new ArrayList<>(leaves.size());
      for (RoomLeave leave : leaves) {
        all.add(announceLeft(leave));
      }
      return Future.join(all).mapEmpty();
    });
  }

  private Future<Void> announceLeft(RoomLeave leave) {
    if (leave.remaining().isEmpty()) {
      return Future.succeededFuture();
    }
    ObjectNode left = Views.object();
    left.put("roomId", leave.room().value());
    left.put("userId", leave.removed().socket().id().value());
    List<SocketRef> targets = new ArrayList<>(leave.remaining().size());
    for (RoomMember m : leave.remaining()) {
      targets.add(m.socket());
    }
    return ctx.out().deliver(targets, "user-left", left);
  }

  // ---- relays ----------------------------------------------------------------------------------

  private enum Field { SDP, CANDIDATE, MEDIA, NONE }

  private Future<ObjectNode> mediaStateChange(Client client, JsonNode arg) {
    Payload p = Payload.object(arg, ctx.limits());
    String scopeId = scopeId(p);
    MediaPatch patch = mediaPatch(p.requiredObject("mediaState"));
    String target = p.optionalId("targetUserId");
    return scope(client, scopeId).compose(scope -> {
      // The target is checked before the state is stored: a refused change stores nothing.
      List<SocketRef> targets = scope.targets(client, target);
      if (targets == null) {
        return Future.failedFuture(SignalingException.notMember("Target is not in the room"));
      }
      Future<Void> stored = scope.meeting
          ? ctx.stores().meetings().updateMedia(MeetingId.of(scopeId), client.socketId(), patch).mapEmpty()
          : Future.succeededFuture();
      return stored.compose(v -> forward(client, p, scopeId, targets, "media-state-change", "userId"));
    });
  }

  private Future<ObjectNode> relay(Client client, JsonNode arg, String event, String field, Field kind, boolean targetRequired) {
    Payload p = Payload.object(arg, ctx.limits());
    String scopeId = scopeId(p);
    switch (kind) {
      case SDP -> p.sdp(field);
      case CANDIDATE -> p.candidate(field);
      case MEDIA -> p.requiredObject(field);
      case NONE -> { }
    }
    String target = targetRequired ? p.requiredId("targetUserId") : p.optionalId("targetUserId");
    String senderField = event.startsWith("media-state") || event.equals("request-media-state") ? "userId" : "fromUserId";
    return scope(client, scopeId).compose(scope -> {
      List<SocketRef> targets = scope.targets(client, target);
      return targets == null
          ? Future.failedFuture(SignalingException.notMember("Target is not in the room"))
          : forward(client, p, scopeId, targets, event, senderField);
    });
  }

  private Future<ObjectNode> forward(Client client, Payload p, String scopeId, List<SocketRef> targets, String event,
      String senderField) {
    ObjectNode out = Views.copyOf(p.raw());
    out.put(senderField, client.socketId().value());
    out.put("roomId", scopeId);
    if (targets.isEmpty()) {
      return Future.succeededFuture(Views.ok());
    }
    return ctx.out().deliver(targets, event, out).map(Views.ok());
  }

  private static String scopeId(Payload p) {
    if (p.has("roomId")) {
      return p.requiredId("roomId");
    }
    if (p.has("meetingId")) {
      return p.requiredId("meetingId");
    }
    throw SignalingException.badRequest("roomId is required");
  }

  private static MediaPatch mediaPatch(JsonNode state) {
    return new MediaPatch(bool(state, "audio"), bool(state, "video"), bool(state, "screen"));
  }

  private static Boolean bool(JsonNode state, String field) {
    JsonNode v = state.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isBoolean()) {
      throw SignalingException.badRequest("mediaState." + field + " must be a boolean");
    }
    return v.booleanValue();
  }

  /** The members of a relay room: a meeting's participants, or a mesh room's sockets. */
  private record Scope(boolean meeting, List<SocketRef> members) {
    /** The target alone when one is named (null when it is not a member), else everyone but the sender. */
    List<SocketRef> targets(Client sender, String target) {
      if (target == null) {
        return othersThan(sender.socketId());
      }
      SocketRef ref = find(SocketId.of(target));
      return ref == null ? null : List.of(ref);
    }

    SocketRef find(SocketId id) {
      for (SocketRef r : members) {
        if (r.id().equals(id)) {
          return r;
        }
      }
      return null;
    }

    List<SocketRef> othersThan(SocketId self) {
      List<SocketRef> others = new ArrayList<>(members.size());
      for (SocketRef r : members) {
        if (!r.id().equals(self)) {
          others.add(r);
        }
      }
      return others;
    }
  }

  /** Resolves the room and checks the sender is in it ({@code not_member} otherwise). */
  private Future<Scope> scope(Client client, String id) {
    return ctx.stores().meetings().participants(MeetingId.of(id)).compose(participants -> {
      for (Participant x : participants) {
        if (x.socket().id().equals(client.socketId())) {
          List<SocketRef> members = new ArrayList<>(participants.size());
          participants.forEach(pp -> members.add(pp.socket()));
          return Future.succeededFuture(new Scope(true, members));
        }
      }
      return ctx.stores().rooms().members(RoomId.of(id)).compose(roomMembers -> {
        List<SocketRef> members = new ArrayList<>(roomMembers.size());
        boolean in = false;
        for (RoomMember m : roomMembers) {
          members.add(m.socket());
          in |= m.socket().id().equals(client.socketId());
        }
        return in
            ? Future.succeededFuture(new Scope(false, members))
            : Future.failedFuture(SignalingException.notMember("Not in this room"));
      });
    });
  }
}
