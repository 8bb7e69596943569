package io.switchboard.server.binding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** At most N tasks at once; the rest start in arrival order as running ones finish, however they finish. */
class SlotsTest {

  @Test
  void tasksBeyondTheSlotsWaitAndStartInOrderAsOthersFinish() {
    Slots slots = new Slots(2);
    List<String> started = new ArrayList<>();
    List<Promise<String>> ends = new ArrayList<>();
    List<Future<String>> results = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      String name = "t" + i;
      Promise<String> end = Promise.promise();
      ends.add(end);
      results.add(slots.run(() -> {
        started.add(name);
        return end.future();
      }));
    }
    assertEquals(List.of("t0", "t1"), started);
    assertEquals(2, slots.running());
    assertEquals(3, slots.waiting());

    ends.get(1).complete("one");
    assertEquals(List.of("t0", "t1", "t2"), started, "a finished task frees its slot for the first waiting");
    assertEquals("one", results.get(1).result());

    ends.get(0).fail("boom");
    assertEquals(List.of("t0", "t1", "t2", "t3"), started, "a failed task frees its slot too");
    assertTrue(results.get(0).failed());

    ends.get(2).complete("two");
    ends.get(3).complete("three");
    ends.get(4).complete("four");
    assertEquals(List.of("t0", "t1", "t2", "t3", "t4"), started);
    assertEquals(0, slots.running());
    assertEquals(0, slots.waiting());
    assertEquals("four", results.get(4).result());
  }

  @Test
  void aTaskThatThrowsFailsItsFutureAndFreesItsSlot() {
    Slots slots = new Slots(1);
    Future<Void> thrown = slots.run(() -> {
      throw new IllegalStateException("bad task");
    });
    assertTrue(thrown.failed());
    assertEquals("bad task", thrown.cause().getMessage());
    Future<String> next = slots.run(() -> Future.succeededFuture("ran"));
    assertEquals("ran", next.result(), "the slot was given back");
    assertEquals(0, slots.running());
  }
}
