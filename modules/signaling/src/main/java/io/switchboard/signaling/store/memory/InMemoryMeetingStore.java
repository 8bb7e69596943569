package io.switchboard.signaling.store.memory;

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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Meetings in this process's memory. One lock makes every operation atomic; each holds it for
 * microseconds (no I/O), so event loops never wait long.
 */
public final class InMemoryMeetingStore implements MeetingStore {
  private final Map<MeetingId, Meeting> meetings = new HashMap<>();
  private final Map<MeetingId, LinkedHashMap<SocketId, Participant>> participants = new HashMap<>();
  private final Map<SocketId, Set<MeetingId>> bySocket = new HashMap<>();

  @Override
  public synchronized Future<Meeting> create(Meeting meeting) {
    if (meetings.containsKey(meeting.id())) {
      return Future.failedFuture(new SignalingException(ErrorCode.CONFLICT, "Meeting already exists"));
    }
    meetings.put(meeting.id(), meeting);
    return Future.succeededFuture(meeting);
  }


  @Override
  public synchronized Future<Meeting> get(MeetingId id) {
    return Future.succeededFuture(meetings.get(id));
  }

  @Override
  public synchronized Future<MeetingJoin> join(MeetingId id, Participant candidate) {
    Meeting meeting = meetings.get(id);
    if (meeting == null) {
      return Future.failedFuture(SignalingException.notFound("Meeting not found"));
    }
    if (meeting.status() != MeetingStatus.LIVE) {
      return Future.failedFuture(new SignalingException(ErrorCode.MEETING_ENDED, "Meeting has ended"));
    }
    LinkedHashMap<SocketId, Participant> present = participants.computeIfAbsent(id, k -> new LinkedHashMap<>());
    SocketId socket = candidate.socket().id();
    Participant existing = present.get(socket);
    if (existing != null) {
      return Future.succeededFuture(new MeetingJoin(meeting, existing, true, othersThan(present, socket)));
    }
    if (present.size() >= meeting.maxParticipants()) {
      return Future.failedFuture(new SignalingException(ErrorCode.MEETING_FULL, "Meeting is full"));
    }
    List<Participant> others = new ArrayList<>(present.values());
    present.put(socket, candidate);
    bySocket.computeIfAbsent(socket, k -> new HashSet<>()).add(id);
    return Future.succeededFuture(new MeetingJoin(meeting, candidate, false, others));
  }

  @Override
  public synchronized Future<OpenJoin> joinIfOpen(MeetingId id, Participant candidate, Meeting ifAbsent) {
    Meeting meeting = ifAbsent == null ? meetings.get(id) : meetings.computeIfAbsent(id, k -> ifAbsent);
    if (meeting != null && meeting.status() == MeetingStatus.LIVE && meeting.hasPassword()) {
      return Future.succeededFuture(OpenJoin.passwordRequired(meeting));
    }
    return join(id, candidate).map(OpenJoin::of);
  }

  private static List<Participant> othersThan(LinkedHashMap<SocketId, Participant> present, SocketId socket) {
    List<Participant> others = new ArrayList<>(present.size());
    for (Participant p : present.values()) {
      if (!p.socket().id().equals(socket)) {
        others.add(p);
      }
    }
    return others;
  }

  @Override
  public synchronized Future<MeetingLeave> leave(MeetingId id, SocketId socket) {
    return Future.succeededFuture(leaveLocked(id, socket));
  }

  private MeetingLeave leaveLocked(MeetingId id, SocketId socket) {
    Participant removed = removeLocked(id, socket);
    if (removed == null) {
      return null;
    }
    LinkedHashMap<SocketId, Participant> present = participants.get(id);
    return new MeetingLeave(removed, present == null ? List.of() : List.copyOf(present.values()));
  }

  private Participant removeLocked(MeetingId id, SocketId socket) {
    LinkedHashMap<SocketId, Participant> present = participants.get(id);
    if (present == null) {
      return null;
    }
    Participant removed = present.remove(socket);
    if (present.isEmpty()) {
      participants.remove(id);
    }
    if (removed != null) {
      Set<MeetingId> of = bySocket.get(socket);
      if (of != null) {
        of.remove(id);
        if (of.isEmpty()) {
          bySocket.remove(socket);
        }
      }
    }
    return removed;
  }

  @Override
  public synchronized Future<MeetingLeave> remove(MeetingId id, ParticipantId participant) {
    LinkedHashMap<SocketId, Participant> present = participants.get(id);
    if (present == null) {
      return Future.succeededFuture(null);
    }
    for (Participant p : present.values()) {
      if (p.id().equals(participant)) {
        return Future.succeededFuture(leaveLocked(id, p.socket().id()));
      }
    }
    return Future.succeededFuture(null);
  }

  @Override
  public synchronized Future<List<Participant>> participants(MeetingId id) {
    LinkedHashMap<SocketId, Participant> present = participants.get(id);
    return Future.succeededFuture(present == null ? List.of() : List.copyOf(present.values()));
  }

  @Override
  public synchronized Future<Participant> participant(MeetingId id, SocketId socket) {
    LinkedHashMap<SocketId, Participant> present = participants.get(id);
    return Future.succeededFuture(present == null ? null : present.get(socket));
  }

  @Override
  public synchronized Future<Participant> updateMedia(MeetingId id, SocketId socket, MediaPatch patch) {
    LinkedHashMap<SocketId, Participant> present = participants.get(id);
    Participant p = present == null ? null : present.get(socket);
    if (p == null) {
      return Future.succeededFuture(null);
    }
    Participant updated = p.withMedia(patch.applyTo(p.media()));
    present.put(socket, updated);
    return Future.succeededFuture(updated);
  }

  @Override
  public synchronized Future<MeetingEnd> end(MeetingId id) {
    Meeting meeting = meetings.get(id);
    if (meeting == null) {
      return Future.succeededFuture(null);
    }
    Meeting ended = meeting.ended();
    meetings.put(id, ended);
    LinkedHashMap<SocketId, Participant> present = participants.remove(id);
    List<Participant> removed = present == null ? List.of() : List.copyOf(present.values());
    for (Participant p : removed) {
      Set<MeetingId> of = bySocket.get(p.socket().id());
      if (of != null) {
        of.remove(id);
        if (of.isEmpty()) {
          bySocket.remove(p.socket().id());
        }
      }
    }
    return Future.succeededFuture(new MeetingEnd(ended, removed));
  }

  @Override
  public synchronized Future<List<MeetingLeave>> removeSocket(SocketId socket) {
    Set<MeetingId> of = bySocket.get(socket);
    if (of == null) {
      return Future.succeededFuture(List.of());
    }
    List<MeetingLeave> removed = new ArrayList<>();
    for (MeetingId id : List.copyOf(of)) {
      MeetingLeave p = leaveLocked(id, socket);
      if (p != null) {
        removed.add(p);
      }
    }
    return Future.succeededFuture(removed);
  }
}
