package io.switchboard.loadtest.check;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MeetingCheckTest {
  private static MeetingView.Entry e(String n) {
    return new MeetingView.Entry("p" + n, "u" + n, "s" + n);
  }

  /** Three participants joining one after the other, as a correct server tells them. */
  private static List<MeetingView> correctThree() {
    MeetingView a = new MeetingView("m");
    MeetingView b = new MeetingView("m");
    MeetingView c = new MeetingView("m");
    a.joined("p1", List.of());
    b.joined("p2", List.of(e("1")));
    a.participantJoined(e("2"));
    c.joined("p3", List.of(e("1"), e("2")));
    a.participantJoined(e("3"));
    b.participantJoined(e("3"));
    return List.of(a, b, c);
  }

  private static Map<MeetingView, MeetingView.Entry> selves(List<MeetingView> views) {
    Map<MeetingView, MeetingView.Entry> m = new HashMap<>();
    for (MeetingView v : views) {
      String n = v.participantId().substring(1);
      m.put(v, MeetingCheck.self(v, "u" + n, "s" + n));
    }
    return m;
  }

  @Test
  void aCorrectMeetingHasNoViolations() {
    List<MeetingView> views = correctThree();
    MeetingCheck.Result r = MeetingCheck.check(views, selves(views));
    assertEquals(3, r.viewsChecked());
    assertEquals(0, r.violations(), r.examples().toString());
  }

  @Test
  void missingFanOutIsFound() {
    MeetingView a = new MeetingView("m");
    MeetingView b = new MeetingView("m");
    a.joined("p1", List.of());
    b.joined("p2", List.of(e("1")));
    // a never gets participant-joined about b
    MeetingCheck.Result r = MeetingCheck.check(List.of(a, b), selves(List.of(a, b)));
    assertEquals(1, r.missing());
    assertEquals(1, r.violations());
  }

  @Test
  void duplicatesAndSelfAreFound() {
    MeetingView a = new MeetingView("m");
    MeetingView b = new MeetingView("m");
    b.joined("p2", List.of());
    a.joined("p1", List.of(e("2"), e("1")));   // lists itself
    a.participantJoined(e("2"));                // and hears of b again
    b.participantJoined(e("1"));
    MeetingCheck.Result r = MeetingCheck.check(List.of(a, b), selves(List.of(a, b)));
    assertEquals(1, r.duplicates());
    assertEquals(1, r.selfListed());
    assertEquals(0, r.missing());
  }

  @Test
  void wrongIdsAndStrangersAreFound() {
    MeetingView a = new MeetingView("m");
    MeetingView b = new MeetingView("m");
    a.joined("p1", List.of(new MeetingView.Entry("p2", "u2", "wrong-socket"), e("9")));
    b.joined("p2", List.of(e("1")));
    MeetingCheck.Result r = MeetingCheck.check(List.of(a, b), selves(List.of(a, b)));
    assertEquals(1, r.wrongFields());
    assertEquals(1, r.unexpected());
  }

  @Test
  void leavesAreFollowed() {
    List<MeetingView> views = correctThree();
    MeetingView a = views.get(0);
    MeetingView b = views.get(1);
    MeetingView c = views.get(2);
    c.left();
    a.participantLeft("p3");
    b.participantLeft("p3");
    MeetingCheck.Result r = MeetingCheck.check(views, selves(views));
    assertEquals(2, r.viewsChecked());
    assertEquals(0, r.violations(), r.examples().toString());

    b.participantLeft("p3"); // told twice
    assertEquals(1, MeetingCheck.check(views, selves(views)).unknownLeft());
  }

  @Test
  void aMissedLeaveLeavesAStranger() {
    List<MeetingView> views = correctThree();
    views.get(2).left();
    views.get(0).participantLeft("p3");
    // b never hears that c left
    MeetingCheck.Result r = MeetingCheck.check(views, selves(views));
    assertEquals(1, r.unexpected());
  }

  @Test
  void separateMeetingsDoNotMix() {
    MeetingView a = new MeetingView("m1");
    MeetingView b = new MeetingView("m2");
    a.joined("p1", List.of());
    b.joined("p2", List.of());
    assertEquals(0, MeetingCheck.check(List.of(a, b), selves(List.of(a, b))).violations());
  }

  @Test
  void eventsWhileOutAreCountedNotApplied() {
    MeetingView a = new MeetingView("m");
    a.participantJoined(e("2"));
    a.participantLeft("p2");
    assertEquals(2, a.eventsWhileOut());
    assertEquals(0, a.known().size());
  }
}
