package io.switchboard.loadtest.check;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one participant's client knows about its meeting, built the way a frontend builds it: the
 * {@code participants} of {@code meeting-joined}, plus every {@code participant-joined}, minus every
 * {@code participant-left}. Counts what a correct server never causes: learning of a participant
 * twice, being told of oneself, being told that an unknown participant left. Events that arrive
 * after {@code join-meeting} was sent but before {@code meeting-joined} are kept and applied after
 * the list (a server that orders them otherwise is still read favourably), and counted. Not
 * thread-safe: one view is used on its user's event loop only.
 */
public final class MeetingView {
  /** A participant as the server described it. */
  public record Entry(String participantId, String userId, String socketId) {}

  private final String meetingId;
  private String participantId;
  private boolean joined;
  private boolean joining;
  private final java.util.List<Object> early = new java.util.ArrayList<>();
  private int earlyEvents;
  private int earlyJoined;
  private final Map<String, Entry> known = new LinkedHashMap<>();
  private int duplicates;
  private int selfListed;
  private int unknownLeft;
  private int eventsWhileOut;

  public MeetingView(String meetingId) {
    this.meetingId = meetingId;
  }

  public String meetingId() {
    return meetingId;
  }

  /** {@code join-meeting} was sent: events from now on are about the meeting we are joining. */
  public void joining() {
    joining = true;
    early.clear();
  }

  /** {@code meeting-joined}: our participant id and everyone already in. Replaces what was known. */
  public void joined(String selfParticipantId, List<Entry> participants) {
    participantId = selfParticipantId;
    joined = true;
    joining = false;
    known.clear();
    for (Entry e : participants) {
      if (e.participantId().equals(selfParticipantId)) {
        selfListed++;
      } else if (known.putIfAbsent(e.participantId(), e) != null) {
        duplicates++;
      }
    }
    for (Object o : early) {
      if (o instanceof Entry e) {
        participantJoined(e);
      } else {
        participantLeft((String) o);
      }
    }
    early.clear();
  }

  /** {@code participant-joined}. */
  public void participantJoined(Entry e) {
    if (!joined) {
      if (joining) {
        earlyEvents++;
        earlyJoined++;
        early.add(e);
      } else {
        eventsWhileOut++;
      }
      return;
    }
    if (e.participantId().equals(participantId)) {
      selfListed++;
    } else if (known.putIfAbsent(e.participantId(), e) != null) {
      duplicates++;
    }
  }

  /** {@code participant-left}. */
  public void participantLeft(String leftParticipantId) {
    if (!joined) {
      if (joining) {
        earlyEvents++;
        early.add(leftParticipantId);
      } else {
        eventsWhileOut++;
      }
      return;
    }
    if (known.remove(leftParticipantId) == null) {
      unknownLeft++;
    }
  }

  /** We left (leave-meeting acked, or our connection closed). */
  public void left() {
    joined = false;
    joining = false;
    early.clear();
    known.clear();
  }

  /** A join that was refused: back to out. */
  public void joinFailed() {
    joining = false;
    early.clear();
  }

  public boolean isJoined() {
    return joined;
  }

  public String participantId() {
    return participantId;
  }

  public Map<String, Entry> known() {
    return known;
  }

  public int duplicates() {
    return duplicates;
  }

  public int selfListed() {
    return selfListed;
  }

  public int unknownLeft() {
    return unknownLeft;
  }

  /** participant-joined events among {@link #earlyEvents()} (the others are participant-left). */
  public int earlyJoined() {
    return earlyJoined;
  }

  /** Membership events received after join-meeting was sent and before meeting-joined. */
  public int earlyEvents() {
    return earlyEvents;
  }

  /** Membership events received while not in the meeting (harmless in flight; reported). */
  public int eventsWhileOut() {
    return eventsWhileOut;
  }
}
