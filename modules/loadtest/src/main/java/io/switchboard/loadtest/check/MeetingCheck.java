package io.switchboard.loadtest.check;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Compares every joined participant's view of its meeting with the truth (who is in each meeting,
 * as the participants themselves learnt from their own {@code meeting-joined}): a correct server
 * leaves each one knowing exactly the others, once each, with their right user and socket ids.
 */
public final class MeetingCheck {
  private MeetingCheck() {}

  /**
   * The result.
   *
   * @param viewsChecked joined participants whose view was compared
   * @param missing others a participant never learnt of (or learnt left when they had not)
   * @param unexpected participants a view holds that are not in the meeting
   * @param wrongFields entries whose userId or socketId differ from the participant's own
   * @param duplicates participants learnt of twice
   * @param selfListed times a participant was listed or announced to itself
   * @param unknownLeft participant-left events about someone the view did not hold
   * @param examples a few readable examples
   */
  public record Result(int viewsChecked, int missing, int unexpected, int wrongFields, int duplicates, int selfListed,
      int unknownLeft, List<String> examples) {
    public int violations() {
      return missing + unexpected + wrongFields + duplicates + selfListed + unknownLeft;
    }
  }

  /**
   * Compares the joined views with the truth: {@code selves} gives, for each view, the entry the
   * participant is known by (its participant id, user id and socket id).
   */
  public static Result check(Collection<MeetingView> views, Map<MeetingView, MeetingView.Entry> selves) {
    Map<String, Map<String, MeetingView.Entry>> truth = new HashMap<>();
    for (MeetingView v : views) {
      MeetingView.Entry self = selves.get(v);
      if (v.isJoined() && self != null) {
        truth.computeIfAbsent(v.meetingId(), k -> new HashMap<>()).put(self.participantId(), self);
      }
    }
    return compare(views, truth);
  }

  /** The entry a participant is known by. */
  public static MeetingView.Entry self(MeetingView v, String userId, String socketId) {
    return new MeetingView.Entry(v.participantId(), userId, socketId);
  }

  private static Result compare(Collection<MeetingView> views, Map<String, Map<String, MeetingView.Entry>> truth) {
    int checked = 0;
    int missing = 0;
    int unexpected = 0;
    int wrong = 0;
    int duplicates = 0;
    int selfListed = 0;
    int unknownLeft = 0;
    List<String> examples = new ArrayList<>();
    for (MeetingView v : views) {
      duplicates += v.duplicates();
      selfListed += v.selfListed();
      unknownLeft += v.unknownLeft();
      if (v.duplicates() > 0) {
        example(examples, v.participantId() + " in " + v.meetingId() + " learnt of " + v.duplicates()
            + " participant(s) twice");
      }
      if (!v.isJoined()) {
        continue;
      }
      checked++;
      Map<String, MeetingView.Entry> in = truth.getOrDefault(v.meetingId(), Map.of());
      for (MeetingView.Entry e : in.values()) {
        if (e.participantId().equals(v.participantId())) {
          continue;
        }
        MeetingView.Entry k = v.known().get(e.participantId());
        if (k == null) {
          missing++;
          example(examples, v.participantId() + " in " + v.meetingId() + " does not know " + e.participantId()
              + " (user " + e.userId() + ")");
        } else if (!e.userId().equals(k.userId()) || !e.socketId().equals(k.socketId())) {
          wrong++;
          example(examples, v.participantId() + " knows " + e.participantId() + " as user " + k.userId()
              + " socket " + k.socketId() + ", not " + e.userId() + "/" + e.socketId());
        }
      }
      for (MeetingView.Entry k : v.known().values()) {
        if (!in.containsKey(k.participantId())) {
          unexpected++;
          example(examples, v.participantId() + " in " + v.meetingId() + " still knows " + k.participantId()
              + " (user " + k.userId() + "), who is not in the meeting");
        }
      }
    }
    return new Result(checked, missing, unexpected, wrong, duplicates, selfListed, unknownLeft, examples);
  }

  private static void example(List<String> examples, String text) {
    if (examples.size() < 5) {
      examples.add(text);
    }
  }
}
