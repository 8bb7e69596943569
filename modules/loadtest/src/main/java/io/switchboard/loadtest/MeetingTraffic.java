package io.switchboard.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.loadtest.check.MeetingCheck;
import io.switchboard.loadtest.check.MeetingView;
import io.switchboard.loadtest.client.User;
import io.switchboard.loadtest.report.Report;
import io.switchboard.loadtest.stats.Latency;
import io.switchboard.loadtest.wire.Wire;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * Meeting traffic shared by {@code meeting} and {@code churn}: members (a logical user in one
 * meeting, whatever connection it has now), the join request and its latency, and each member's
 * {@link MeetingView} built from the events it receives.
 *
 * <p>Payloads are Switchboard's (docs/events.md): {@code join-meeting {meetingId, userId,
 * userName}}; {@code meeting-joined {participantId, participants:[{participantId, userId, socketId,
 * ...}]}}; {@code participant-joined {participantId, userId, socketId, ...}}; {@code
 * participant-left {participantId, ...}}.
 */
final class MeetingTraffic {
  final Latency join = new Latency("join");
  final Latency fanout = new Latency("fanout");
  final LongAdder joinsOk = new LongAdder();
  final LongAdder joinsFailed = new LongAdder();
  final LongAdder joinedEvents = new LongAdder();
  final LongAdder leftEvents = new LongAdder();
  final Map<String, LongAdder> failures = new ConcurrentHashMap<>();
  final Map<String, LongAdder> errorEvents = new ConcurrentHashMap<>();
  final LongAdder badPayloads = new LongAdder();
  final List<Member> members = new ArrayList<>();
  private final String runId;
  private final int size;
  private final AtomicLongArray joinEmitNs;

  /** One logical participant: user {@code index} in meeting {@code index / size}. */
  final class Member {
    final int index;
    final String userId;
    final String userName;
    final String meetingId;
    volatile User user;
    MeetingView view;
    boolean joinPending;
    long joinStartNs;
    Consumer<Boolean> onJoin;

    Member(int index) {
      this.index = index;
      this.userId = runId + "-u" + index;
      this.userName = "User " + index;
      this.meetingId = runId + "-m" + (index / size);
      this.view = new MeetingView(meetingId);
    }

    /** Sends join-meeting (on the user's loop); {@code done} gets true on meeting-joined, false on refusal. */
    void join(Consumer<Boolean> done) {
      User u = user;
      u.run(() -> {
        onJoin = done;
        joinPending = true;
        view.joining();
        joinStartNs = System.nanoTime();
        joinEmitNs.set(index, joinStartNs);
        String payload = "{\"meetingId\":" + Wire.quote(meetingId) + ",\"userId\":" + Wire.quote(userId)
            + ",\"userName\":" + Wire.quote(userName) + "}";
        u.emit("join-meeting", payload, ack -> {
          if (ack.contains("\"ok\":false")) {
            String code = Wire.stringField(ack, "code");
            failed(code == null ? "refused" : code);
          }
        });
      });
    }

    private void failed(String code) {
      if (!joinPending) {
        return;
      }
      joinPending = false;
      view.joinFailed();
      joinsFailed.increment();
      failures.computeIfAbsent(code, k -> new LongAdder()).increment();
      Consumer<Boolean> cb = onJoin;
      onJoin = null;
      if (cb != null) {
        cb.accept(false);
      }
    }

    /** The member's event handler. */
    User.Handler handler() {
      return new User.Handler() {
        @Override
        public void onEvent(User u, String name, String data) {
          onMeetingEvent(Member.this, u, name, data);
        }

        @Override
        public void onClose(User u) {
          if (u == user) {
            view.left();
            failed("closed");
          }
        }
      };
    }
  }

  MeetingTraffic(String runId, int meetings, int size) {
    this.runId = runId;
    this.size = size;
    this.joinEmitNs = new AtomicLongArray(meetings * size);
    for (int i = 0; i < meetings * size; i++) {
      members.add(new Member(i));
    }
  }

  private void onMeetingEvent(Member m, User u, String name, String data) {
    if (u != m.user) {
      return; // an old connection of a member that reconnected
    }
    switch (name) {
      case "meeting-joined" -> {
        JsonNode arg = arg(data);
        String pid = arg.path("participantId").asText(null);
        if (pid == null || !arg.path("participants").isArray()) {
          badPayloads.increment();
          return;
        }
        List<MeetingView.Entry> list = new ArrayList<>();
        for (JsonNode p : arg.path("participants")) {
          MeetingView.Entry e = entry(p);
          if (e == null) {
            badPayloads.increment();
          } else {
            list.add(e);
          }
        }
        m.view.joined(pid, list);
        if (m.joinPending) {
          m.joinPending = false;
          join.recordNanos(m.joinStartNs, System.nanoTime());
          joinsOk.increment();
          Consumer<Boolean> cb = m.onJoin;
          m.onJoin = null;
          if (cb != null) {
            cb.accept(true);
          }
        }
      }
      case "participant-joined" -> {
        joinedEvents.increment();
        MeetingView.Entry e = entry(arg(data));
        if (e == null) {
          badPayloads.increment();
          return;
        }
        m.view.participantJoined(e);
        int at = e.userId().lastIndexOf("-u");
        if (at >= 0 && e.userId().startsWith(runId)) {
          try {
            int idx = Integer.parseInt(e.userId().substring(at + 2));
            long t0 = joinEmitNs.get(idx);
            if (t0 != 0) {
              fanout.recordNanos(t0, System.nanoTime());
            }
          } catch (RuntimeException ignored) {
            // Not one of ours.
          }
        }
      }
      case "participant-left" -> {
        leftEvents.increment();
        String pid = arg(data).path("participantId").asText(null);
        if (pid == null) {
          badPayloads.increment();
        } else {
          m.view.participantLeft(pid);
        }
      }
      case "error" -> {
        String code = Wire.stringField(data, "code");
        errorEvents.computeIfAbsent(code == null ? "?" : code, k -> new LongAdder()).increment();
      }
      default -> { }
    }
  }

  private static JsonNode arg(String data) {
    try {
      JsonNode a = Report.JSON.readTree(data);
      return a.path(1);
    } catch (Exception e) {
      return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }
  }

  private static MeetingView.Entry entry(JsonNode p) {
    String pid = p.path("participantId").asText(null);
    String uid = p.path("userId").asText(null);
    String sid = p.path("socketId").asText(null);
    return pid == null || uid == null || sid == null ? null : new MeetingView.Entry(pid, uid, sid);
  }

  /** Checks every view (call after a barrier on the loops). */
  MeetingCheck.Result check() {
    Map<MeetingView, MeetingView.Entry> selves = new HashMap<>();
    List<MeetingView> views = new ArrayList<>();
    for (Member m : members) {
      views.add(m.view);
      User u = m.user;
      if (u != null && m.view.isJoined()) {
        selves.put(m.view, MeetingCheck.self(m.view, m.userId, u.sid()));
      }
    }
    return MeetingCheck.check(views, selves);
  }

  /** Adds the check and the counters to the report; problems for every violation. */
  void report(Report report, String section, MeetingCheck.Result r) {
    report.result(section, "joinsOk", "joins answered with meeting-joined", joinsOk.sum());
    report.result(section, "joinsFailed", "joins refused or lost", joinsFailed.sum());
    if (!failures.isEmpty()) {
      report.row(section, "refusals by code", new TreeMap<>(failures).toString());
    }
    if (!errorEvents.isEmpty()) {
      report.row(section, "error events by code", new TreeMap<>(errorEvents).toString());
    }
    report.result(section, "participantJoinedEvents", "participant-joined received", joinedEvents.sum());
    report.result(section, "participantLeftEvents", "participant-left received", leftEvents.sum());
    report.result(section, "viewsChecked", "participant views checked", r.viewsChecked());
    report.result(section, "missing", "missing from a view", r.missing());
    report.result(section, "unexpected", "in a view but not in the meeting", r.unexpected());
    report.result(section, "wrongFields", "wrong userId/socketId", r.wrongFields());
    report.result(section, "duplicates", "learnt of twice", r.duplicates());
    report.result(section, "selfListed", "told about itself", r.selfListed());
    report.result(section, "unknownLeft", "left without being known", r.unknownLeft());
    report.result(section, "badPayloads", "malformed payloads", badPayloads.sum());
    long early = 0;
    long earlyJoined = 0;
    long out = 0;
    for (Member m : members) {
      early += m.view.earlyEvents();
      earlyJoined += m.view.earlyJoined();
      out += m.view.eventsWhileOut();
    }
    report.results().put("earlyEvents", early);
    report.results().put("earlyParticipantJoined", earlyJoined);
    report.results().put("earlyParticipantLeft", early - earlyJoined);
    report.row(section, "events before meeting-joined (applied after it)", early + " (participant-joined "
        + earlyJoined + ", participant-left " + (early - earlyJoined) + ")");
    report.result(section, "eventsWhileOut", "events while not in the meeting (ignored)", out);
    if (r.violations() > 0) {
      report.problem(r.violations() + " participant-list violation(s): " + String.join("; ", r.examples()));
    }
    if (badPayloads.sum() > 0) {
      report.problem(badPayloads.sum() + " meeting event(s) without the expected fields");
    }
  }
}
