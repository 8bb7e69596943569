package io.switchboard.loadtest.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class WireTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void encodesEventsWithAndWithoutAck() {
    assertEquals("42[\"userOnline\",\"u1\"]", Wire.event("userOnline", "\"u1\"", -1));
    assertEquals("4217[\"join-meeting\",{\"meetingId\":\"m\"}]", Wire.event("join-meeting", "{\"meetingId\":\"m\"}", 17));
    assertEquals("42[\"ping-me\"]", Wire.event("ping-me", null, -1));
    assertEquals("420[\"a\",1]", Wire.event("a", "1", 0));
  }

  @Test
  void encodedEventsAreValidJsonArrays() throws Exception {
    String frame = Wire.event("we\"ird\\name\n", "{\"x\":1}", 5);
    assertTrue(frame.startsWith("425["));
    JsonNode a = JSON.readTree(frame.substring(3));
    assertEquals("we\"ird\\name\n", a.get(0).asText());
    assertEquals(1, a.get(1).get("x").asInt());
  }

  @Test
  void quotesControlCharacters() throws Exception {
    String q = Wire.quote("a\u0001b\tc");
    assertEquals("a\u0001b\tc", JSON.readTree(q).asText());
  }

  @Test
  void connectPackets() {
    assertEquals("40", Wire.connect("/", null));
    assertEquals("40{\"token\":\"t\"}", Wire.connect("/", "{\"token\":\"t\"}"));
    assertEquals("40/admin,", Wire.connect("/admin", null));
  }

  @Test
  void parsesEngineIoPackets() {
    Wire.Frame open = Wire.parse("0{\"sid\":\"abc\",\"pingInterval\":25000}");
    assertEquals('0', open.engineType());
    assertEquals("{\"sid\":\"abc\",\"pingInterval\":25000}", open.data());
    assertEquals('2', Wire.parse("2").engineType());
    assertEquals('?', Wire.parse("").engineType());
    assertEquals('?', Wire.parse("9x").engineType());
    assertEquals('?', Wire.parse("4").engineType());
    assertEquals('?', Wire.parse("4x").engineType());
  }

  @Test
  void parsesSocketIoPackets() {
    Wire.Frame connect = Wire.parse("40{\"sid\":\"Xy_1\"}");
    assertEquals(0, connect.sioType());
    assertEquals("/", connect.namespace());
    assertEquals(-1, connect.ackId());
    assertEquals("Xy_1", Wire.stringField(connect.data(), "sid"));

    Wire.Frame ev = Wire.parse("42[\"meeting-joined\",{\"a\":1}]");
    assertTrue(ev.isEvent());
    assertEquals("[\"meeting-joined\",{\"a\":1}]", ev.data());
    assertEquals("meeting-joined", Wire.eventName(ev.data()));

    Wire.Frame ack = Wire.parse("4312[{\"ok\":true}]");
    assertTrue(ack.isAck());
    assertEquals(12, ack.ackId());
    assertEquals("[{\"ok\":true}]", ack.data());

    Wire.Frame nsp = Wire.parse("42/admin,7[\"x\"]");
    assertEquals("/admin", nsp.namespace());
    assertEquals(7, nsp.ackId());
    assertEquals("[\"x\"]", nsp.data());

    Wire.Frame nspOnly = Wire.parse("40/admin");
    assertEquals("/admin", nspOnly.namespace());

    Wire.Frame err = Wire.parse("44{\"message\":\"Unauthorized\"}");
    assertEquals(4, err.sioType());
  }

  @Test
  void eventNames() {
    assertEquals("ice-candidate", Wire.eventName("[\"ice-candidate\",{}]"));
    assertEquals("x", Wire.eventName("[\"x\"]"));
    assertNull(Wire.eventName("[1,2]"));
    assertNull(Wire.eventName("{}"));
    assertNull(Wire.eventName("[\"a\\\"b\",1]"));
    assertTrue(Wire.isEvent("[\"call-answer\",{}]", "call-answer"));
    assertFalse(Wire.isEvent("[\"call-answered\",{}]", "call-answer"));
    assertFalse(Wire.isEvent("[\"call\"]", "call-answer"));
  }

  @Test
  void scansFields() {
    String json = "[\"ice-candidate\",{\"candidate\":{\"sdpMLineIndex\":0},\"callId\":\"c1\",\"to\":\"u2\",\"ph\":3,"
        + "\"sentUs\":123456789}]";
    assertEquals(3, Wire.longField(json, "ph", -1));
    assertEquals(123456789, Wire.longField(json, "sentUs", -1));
    assertEquals(-1, Wire.longField(json, "missing", -1));
    assertEquals(-1, Wire.longField(json, "callId", -1)); // a string, not a number
    assertEquals("c1", Wire.stringField(json, "callId"));
    assertNull(Wire.stringField(json, "ph"));
    assertEquals(-42, Wire.longField("{\"a\" : -42}", "a", 0));
    // A key that also appears as a value is skipped until it is followed by a colon.
    assertEquals(5, Wire.longField("{\"k\":\"ph\",\"ph\":5}", "ph", -1));
    assertEquals("rate_limited", Wire.stringField("[{\"ok\":false,\"code\":\"rate_limited\"}]", "code"));
  }
}
