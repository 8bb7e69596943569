package io.switchboard.redis;

import static io.switchboard.redis.RedisCodec.str;
import static io.switchboard.redis.RedisCodec.strings;

import io.switchboard.redis.RedisCodec.IndexEntry;
import io.switchboard.signaling.ErrorCode;
import io.switchboard.signaling.SignalingException;
import io.switchboard.signaling.ids.MeetingId;
import io.switchboard.signaling.ids.ParticipantId;
import io.switchboard.signaling.ids.SocketId;
import io.switchboard.signaling.store.MediaPatch;
import io.switchboard.signaling.store.Meeting;
import io.switchboard.signaling.store.MeetingEnd;
import io.switchboard.signaling.store.MeetingJoin;
import io.switchboard.signaling.store.MeetingLeave;
import io.switchboard.signaling.store.MeetingStatus;
import io.switchboard.signaling.store.MeetingStore;
import io.switchboard.signaling.store.OpenJoin;
import io.switchboard.signaling.store.Participant;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Meetings in Redis. Each meeting's keys share one slot, so join (capacity, re-join), leave,
 * kick, media merge and end are each one script. The socket's index of its meetings lives in the
 * socket's slot and is kept a superset of the truth (see {@link RedisKeys}).
 */
public final class RedisMeetingStore implements MeetingStore {
  private final RedisCommands redis;
  private final RedisKeys keys;

  RedisMeetingStore(RedisCommands redis, RedisKeys keys) {
    this.redis = redis;
    this.keys = keys;
  }

  private List<String> meetingKeys(MeetingId id) {
    return List.of(keys.meeting(id), keys.participants(id), keys.media(id), keys.joinOrder(id),
        keys.participantIds(id));
  }

  private List<String> participantKeys(MeetingId id) {
    return List.of(keys.participants(id), keys.media(id), keys.joinOrder(id), keys.participantIds(id));
  }

  @Override
  public Future<Meeting> create(Meeting meeting) {
    return redis.eval(RedisScripts.MEETING_CREATE, List.of(keys.meeting(meeting.id())),
            RedisCodec.meetingRecord(meeting), meeting.status().wire(), Integer.toString(meeting.maxParticipants()))
        .compose(stored -> stored.toInteger() == 1
            ? Future.succeededFuture(meeting)
            : Future.failedFuture(new SignalingException(ErrorCode.CONFLICT, "Meeting already exists")));
  }

  @Override
  public Future<Meeting> get(MeetingId id) {
    return redis.send(Request.cmd(Command.HMGET).arg(keys.meeting(id)).arg("record").arg("status"))
        .map(r -> r.get(0) == null ? null : RedisCodec.meeting(str(r.get(0)), str(r.get(1))));
  }

  @Override
  public Future<MeetingJoin> join(MeetingId id, Participant candidate) {
    return joinScript(id, candidate, false, null).map(OpenJoin::joined);
  }

  /** One script: creates the meeting when absent, refuses one with a password, joins. */
  @Override
  public Future<OpenJoin> joinIfOpen(MeetingId id, Participant candidate, Meeting ifAbsent) {
    return joinScript(id, candidate, true, ifAbsent);
  }

  private Future<OpenJoin> joinScript(MeetingId id, Participant candidate, boolean refuseProtected, Meeting ifAbsent) {
    SocketId socket = candidate.socket().id();
    String entry = RedisCodec.indexField(id.value(), candidate.id().value());
    List<String> args = new ArrayList<>(8);
    args.add(socket.value());
    args.add(candidate.id().value());
    args.add(RedisCodec.participant(candidate));
    args.add(RedisCodec.media(candidate.media()));
    args.add(refuseProtected ? "1" : "0");
    if (ifAbsent != null) {
      args.add(RedisCodec.meetingRecord(ifAbsent));
      args.add(ifAbsent.status().wire());
      args.add(Integer.toString(ifAbsent.maxParticipants()));
    }
    // The socket's index entry first: the index never misses a meeting the socket is in.
    return redis.sendThenEval(RedisCommands.indexPut(keys.socketMeetings(socket), entry), RedisScripts.MEETING_JOIN,
            meetingKeys(id), args.toArray(String[]::new))
        .compose(r -> {
          List<String> out = strings(r);
          String outcome = out.get(0);
          if (outcome.equals("joined")) {
            Meeting meeting = RedisCodec.meeting(out.get(1), out.get(2));
            return Future.succeededFuture(
                OpenJoin.of(new MeetingJoin(meeting, candidate, false, RedisCodec.participants(out, 3))));
          }
          // Nothing was joined with this candidate: its index entry goes.
          Future<Void> undo = RedisCommands.bestEffort(
              redis.send(RedisCommands.indexDelete(keys.socketMeetings(socket), entry)), "join");
          return undo.compose(v -> switch (outcome) {
            case "already" -> Future.succeededFuture(OpenJoin.of(new MeetingJoin(
                RedisCodec.meeting(out.get(1), out.get(2)), RedisCodec.participant(out.get(3), out.get(4)), true,
                RedisCodec.participants(out, 5))));
            case "password" -> Future.succeededFuture(
                OpenJoin.passwordRequired(RedisCodec.meeting(out.get(1), out.get(2))));
            case "not_found" -> Future.failedFuture(SignalingException.notFound("Meeting not found"));
            case "ended" -> Future.failedFuture(new SignalingException(ErrorCode.MEETING_ENDED, "Meeting has ended"));
            case "full" -> Future.failedFuture(new SignalingException(ErrorCode.MEETING_FULL, "Meeting is full"));
            default -> Future.failedFuture(new IllegalStateException("meeting_join answered " + outcome));
          });
        });
  }

  @Override
  public Future<MeetingLeave> leave(MeetingId id, SocketId socket) {
    return leaveBy(id, "socket", socket.value());
  }

  @Override
  public Future<MeetingLeave> remove(MeetingId id, ParticipantId participant) {
    return leaveBy(id, "participant", participant.value());
  }

  private Future<MeetingLeave> leaveBy(MeetingId id, String by, String value) {
    return redis.eval(RedisScripts.MEETING_LEAVE, participantKeys(id), by, value).compose(r -> {
      if (r == null) {
        return Future.succeededFuture(null);
      }
      List<String> out = strings(r);
      Participant removed = RedisCodec.participant(out.get(0), out.get(1));
      MeetingLeave leave = new MeetingLeave(removed, RedisCodec.participants(out, 2));
      return unindex(removed).map(leave);
    });
  }

  /** Drops the socket's index entry of a participation that ended (after it ended). */
  private Future<Void> unindex(Participant removed) {
    return RedisCommands.bestEffort(redis.send(RedisCommands.indexDelete(keys.socketMeetings(removed.socket().id()),
        RedisCodec.indexField(removed.meeting().value(), removed.id().value()))), "leave");
  }

  @Override
  public Future<List<Participant>> participants(MeetingId id) {
    return redis.eval(RedisScripts.MEETING_PARTICIPANTS,
            List.of(keys.participants(id), keys.media(id), keys.joinOrder(id)))
        .map(r -> RedisCodec.participants(strings(r), 0));
  }

  @Override
  public Future<Participant> participant(MeetingId id, SocketId socket) {
    return redis.eval(RedisScripts.MEETING_PARTICIPANT, List.of(keys.participants(id), keys.media(id)), socket.value())
        .map(r -> r == null ? null : RedisCodec.participant(str(r.get(0)), str(r.get(1))));
  }

  @Override
  public Future<Participant> updateMedia(MeetingId id, SocketId socket, MediaPatch patch) {
    return redis.eval(RedisScripts.MEETING_MEDIA, List.of(keys.participants(id), keys.media(id)), socket.value(),
            RedisCodec.patch(patch.audio()), RedisCodec.patch(patch.video()), RedisCodec.patch(patch.screen()))
        .map(r -> r == null ? null : RedisCodec.participant(str(r.get(0)), str(r.get(1))));
  }

  @Override
  public Future<MeetingEnd> end(MeetingId id) {
    return redis.eval(RedisScripts.MEETING_END, meetingKeys(id)).compose(r -> {
      if (r == null) {
        return Future.succeededFuture(null);
      }
      List<String> out = strings(r);
      MeetingEnd end = new MeetingEnd(RedisCodec.meeting(out.get(0), MeetingStatus.ENDED.wire()),
          RedisCodec.participants(out, 1));
      List<Request> unindex = new ArrayList<>(end.removed().size());
      for (Participant p : end.removed()) {
        String entry = RedisCodec.indexField(id.value(), p.id().value());
        unindex.add(RedisCommands.indexDelete(keys.socketMeetings(p.socket().id()), entry));
      }
      return RedisCommands.bestEffort(redis.batch(unindex), "end").map(end);
    });
  }

  @Override
  public Future<List<MeetingLeave>> removeSocket(SocketId socket) {
    String index = keys.socketMeetings(socket);
    return redis.send(Request.cmd(Command.HGETALL).arg(index)).compose(r -> {
      Map<String, List<IndexEntry>> byMeeting = new LinkedHashMap<>();
      for (IndexEntry e : RedisCodec.indexEntries(r)) {
        byMeeting.computeIfAbsent(e.id(), k -> new ArrayList<>()).add(e);
      }
      List<Future<MeetingLeave>> leaves = new ArrayList<>(byMeeting.size());
      for (Map.Entry<String, List<IndexEntry>> m : byMeeting.entrySet()) {
        leaves.add(leaveAndForget(MeetingId.of(m.getKey()), socket, m.getValue()));
      }
      return Future.all(leaves).map(v -> {
        List<MeetingLeave> out = new ArrayList<>();
        for (Future<MeetingLeave> f : leaves) {
          if (f.result() != null) {
            out.add(f.result());
          }
        }
        return out;
      });
    });
  }

  /**
   * Leaves one candidate meeting of a disconnected socket, then drops the stale candidates (the
   * entry of the participation just ended is gone already). A fresh entry of another participant
   * id may belong to a join still in flight, so it stays.
   */
  private Future<MeetingLeave> leaveAndForget(MeetingId id, SocketId socket, List<IndexEntry> entries) {
    return leave(id, socket).compose(leave -> {
      long now = System.currentTimeMillis();
      List<Request> forget = new ArrayList<>();
      for (IndexEntry e : entries) {
        if (e.staleAt(now)) {
          forget.add(RedisCommands.indexDelete(keys.socketMeetings(socket), e.field()));
        }
      }
      return RedisCommands.bestEffort(redis.batch(forget), "removeSocket").map(leave);
    });
  }
}
