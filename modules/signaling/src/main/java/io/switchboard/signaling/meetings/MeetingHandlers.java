package io.switchboard.signaling.meetings;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.signaling.Client;
import io.switchboard.signaling.ErrorCode;
import io.switchboard.signaling.EventHandler;
import io.switchboard.signaling.Payload;
import io.switchboard.signaling.SignalingContext;
import io.switchboard.signaling.SignalingException;
import io.switchboard.signaling.Views;
import io.switchboard.signaling.ids.MeetingId;
import io.switchboard.signaling.ids.ParticipantId;
import io.switchboard.signaling.ids.SocketRef;
import io.switchboard.signaling.ids.UserId;
import io.switchboard.signaling.store.MediaState;
import io.switchboard.signaling.store.Meeting;
import io.switchboard.signaling.store.MeetingEnd;
import io.switchboard.signaling.store.MeetingJoin;
import io.switchboard.signaling.store.MeetingLeave;
import io.switchboard.signaling.store.MeetingStatus;
import io.switchboard.signaling.store.Participant;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Meetings (seed 001): join with participant lists, leave, kick and end by the creator, and the
 * administrative operations behind the HTTP API.
 */
public final class MeetingHandlers {
  private final SignalingContext ctx;

  public MeetingHandlers(SignalingContext ctx) {
    this.ctx = ctx;
  }

  public void register(Map<String, EventHandler> registry) {
    registry.put("join-meeting", this::join);
    registry.put("leave-meeting", this::leave);
    registry.put("kick-participant", this::kick);
    registry.put("end-meeting", this::end);
  }

  // ---- events ----------------------------------------------------------------------------------

  private Future<ObjectNode> join(Client client, JsonNode arg) {
    Payload p = Payload.object(arg, ctx.limits());
    MeetingId id = MeetingId.of(p.requiredId("meetingId"));
    UserId user = client.actingAs(p.optionalId("userId"));
    String declaredName = p.optionalName("userName");
    String password = p.optionalPassword("meeting_password");
    String userName = client.identity().verified() && client.identity().name() != null
        ? client.identity().name()
        : declaredName != null ? declaredName : user.value();
    Participant candidate = new Participant(ParticipantId.of(UUID.randomUUID().toString()), id, client.ref(), user,
        userName, MediaState.INITIAL, ctx.now());
    Meeting ifAbsent = ctx.config().meetingsAutoCreate()
        ? new Meeting(id, id.value(), MeetingStatus.LIVE, user, ctx.config().meetingMaxParticipants(), null, ctx.now())
        : null;
    // One store call for a meeting without a password (one script on Redis); a meeting with one
    // comes back untouched, and is joined once the password checks out.
    return ctx.stores().meetings().joinIfOpen(id, candidate, ifAbsent)
        .compose(attempt -> attempt.joined() != null
            ? Future.succeededFuture(attempt.joined())
            : checkPassword(attempt.passwordRequired(), password).compose(v -> ctx.stores().meetings().join(id, candidate)))
        .compose(join -> announceJoin(client, join));
  }

  private Future<Void> checkPassword(Meeting meeting, String password) {
    if (!meeting.hasPassword()) {
      return Future.succeededFuture();
    }
    return ctx.passwords().verify(password, meeting.passwordHash()).compose(ok -> ok
        ? Future.succeededFuture()
        : Future.failedFuture(new SignalingException(ErrorCode.BAD_PASSWORD, "Invalid meeting password")));
  }

  private Future<ObjectNode> announceJoin(Client client, MeetingJoin join) {
    Participant self = join.self();
    ObjectNode joined = Views.object();
    joined.put("success", true);
    joined.set("meeting", Views.meeting(join.meeting()));
    joined.put("participantId", self.id().value());
    joined.set("participants", Views.participants(join.others()));
    ObjectNode webrtc = joined.putObject("webrtcConfig");
    webrtc.set("iceServers", ctx.config().iceServers().forUser(self.user(), ctx.now()));
    client.emit("meeting-joined", joined);

    ObjectNode ack = Views.ok();
    ack.put("participantId", self.id().value());
    if (join.alreadyJoined() || join.others().isEmpty()) {
      return Future.succeededFuture(ack);
    }
    ObjectNode announce = Views.participant(self);
    ObjectNode permissions = announce.putObject("permissions");
    permissions.put("canShare", true);
    permissions.put("canChat", true);
    permissions.put("canRecord", self.user().equals(join.meeting().creator()));
    return ctx.out().deliver(sockets(join.others()), "participant-joined", announce).map(ack);
  }

  private Future<ObjectNode> leave(Client client, JsonNode arg) {
    Payload p = Payload.object(arg, ctx.limits());
    MeetingId id = MeetingId.of(p.requiredId("meetingId"));
    return ctx.stores().meetings().leave(id, client.socketId()).compose(leave -> {
      if (leave == null) {
        return Future.failedFuture(SignalingException.notMember("Not a participant of this meeting"));
      }
      return announceLeft(leave, "left").map(Views.ok());
    });
  }

  private Future<ObjectNode> kick(Client client, JsonNode arg) {
    Payload p = Payload.object(arg, ctx.limits());
    MeetingId id = MeetingId.of(p.requiredId("meetingId"));
    ParticipantId target = ParticipantId.of(p.requiredId("participantId"));
    return requireCreator(client, id, "kick participants").compose(meeting -> kick(id, target)).map(Views.ok());
  }

  private Future<ObjectNode> end(Client client, JsonNode arg) {
    Payload p = Payload.object(arg, ctx.limits());
    MeetingId id = MeetingId.of(p.requiredId("meetingId"));
    return requireCreator(client, id, "end the meeting").compose(meeting -> end(id)).map(Views.ok());
  }

  /** The requesting socket must be a participant whose user created the meeting. */
  private Future<Meeting> requireCreator(Client client, MeetingId id, String what) {
    return ctx.stores().meetings().get(id).compose(meeting -> {
      if (meeting == null) {
        return Future.failedFuture(SignalingException.notFound("Meeting not found"));
      }
      UserId verified = client.identity().verified() ? client.identity().user() : null;
      return ctx.stores().meetings().participant(id, client.socketId()).compose(self -> {
        UserId acting = verified != null ? verified : self == null ? client.user() : self.user();
        if (acting == null || !acting.equals(meeting.creator())) {
          return Future.failedFuture(SignalingException.unauthorized("Only the meeting creator can " + what));
        }
        return Future.succeededFuture(meeting);
      });
    });
  }

  // ---- operations shared with the HTTP API -----------------------------------------------------

  /** Kicks a participant: {@code kicked} to it, {@code participant-left} (reason kicked) to the rest. */
  public Future<Void> kick(MeetingId id, ParticipantId target) {
    return ctx.stores().meetings().remove(id, target).compose(leave -> {
      if (leave == null) {
        return Future.failedFuture(SignalingException.notFound("Participant not found"));
      }
      ObjectNode kicked = Views.object();
      kicked.put("meetingId", id.value());
      return Future.join(
          ctx.out().deliver(List.of(leave.removed().socket()), "kicked", kicked),
          announceLeft(leave, "kicked")).mapEmpty();
    });
  }

  /** Ends a meeting for everyone: status ended, all removed, {@code meeting-ended} to each. */
  public Future<MeetingEnd> end(MeetingId id) {
    return ctx.stores().meetings().end(id).compose(end -> {
      if (end == null) {
        return Future.failedFuture(SignalingException.notFound("Meeting not found"));
      }
      ObjectNode ended = Views.object();
      ended.put("meetingId", id.value());
      return ctx.out().deliver(sockets(end.removed()), "meeting-ended", ended).map(end);
    });
  }

  /** Creates a meeting (HTTP API). The password is hashed before it is stored. */
  public Future<Meeting> create(MeetingId id, String name, UserId creator, String password, Integer maxParticipants) {
    int max = maxParticipants == null ? ctx.config().meetingMaxParticipants() : maxParticipants;
    Future<String> hash = password == null || password.isEmpty()
        ? Future.succeededFuture(null)
        : ctx.passwords().hash(password);
    return hash.compose(h -> ctx.stores().meetings().create(
        new Meeting(id, name, MeetingStatus.LIVE, creator, max, h, ctx.now())));
  }

  /** Every meeting participation of a disconnected socket ends with {@code participant-left} (disconnected). */
  public Future<Void> disconnected(Client client) {
    return ctx.stores().meetings().removeSocket(client.socketId()).compose(leaves -> {
      List<Future<Void>> all = new ArrayList<>(leaves.size());
      for (MeetingLeave leave : leaves) {
        all.add(announceLeft(leave, "disconnected"));
      }
      return Future.join(all).mapEmpty();
    });
  }

  private Future<Void> announceLeft(MeetingLeave leave, String reason) {
    if (leave.remaining().isEmpty()) {
      return Future.succeededFuture();
    }
    ObjectNode left = Views.object();
    left.put("participantId", leave.removed().id().value());
    left.put("userName", leave.removed().userName());
    left.put("userId", leave.removed().user().value());
    left.put("socketId", leave.removed().socket().id().value());
    left.put("reason", reason);
    return ctx.out().deliver(sockets(leave.remaining()), "participant-left", left);
  }

  static List<SocketRef> sockets(List<Participant> participants) {
    List<SocketRef> refs = new ArrayList<>(participants.size());
    for (Participant p : participants) {
      refs.add(p.socket());
    }
    return refs;
  }
}
