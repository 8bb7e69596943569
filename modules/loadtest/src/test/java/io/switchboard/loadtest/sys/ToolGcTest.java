package io.switchboard.loadtest.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ToolGcTest {
  @Test
  void aCollectionBetweenTwoReadingsIsCounted() {
    ToolGc.Reading before = ToolGc.read();
    ToolGc.collect();
    ToolGc.Reading during = ToolGc.read().since(before);
    assertTrue(during.count() >= 1, "collections counted: " + during);
    assertTrue(during.millis() >= 0, "time: " + during);
  }

  @Test
  void sinceSubtractsBothFigures() {
    assertEquals(new ToolGc.Reading(2, 15), new ToolGc.Reading(7, 40).since(new ToolGc.Reading(5, 25)));
    assertEquals(new ToolGc.Reading(12, 65), new ToolGc.Reading(7, 40).plus(new ToolGc.Reading(5, 25)));
  }
}
