package io.switchboard.protocol.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.protocol.ProtocolException;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Engine.IO v4 packet and polling-payload encoding, as tables. */
class EngineCodecTest {
  private static final char RS = EngineCodec.SEPARATOR;

  private static EnginePacket text(EnginePacketType type, String data) {
    return new EnginePacket(type, data, null);
  }

  private static EnginePacket bin(int... bytes) {
    byte[] b = new byte[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      b[i] = (byte) bytes[i];
    }
    return EnginePacket.message(Buffer.buffer(b));
  }

  private static void assertPacket(EnginePacket expected, EnginePacket actual) {
    assertEquals(expected.type(), actual.type(), "type");
    assertEquals(expected.isBinary(), actual.isBinary(), "binary");
    if (expected.isBinary()) {
      assertArrayEquals(expected.binary().getBytes(), actual.binary().getBytes(), "binary data");
      assertNull(actual.text(), "a binary packet has no text");
    } else {
      assertEquals(expected.text(), actual.text(), "text");
    }
  }

  // ---- every packet type, one WebSocket text frame ------------------------------------------------

  static Stream<Arguments> textFrames() {
    return Stream.of(
        Arguments.of("0{\"sid\":\"lv_VI97HAXpY6yYWAAAC\",\"upgrades\":[\"websocket\"],\"pingInterval\":25000,"
            + "\"pingTimeout\":20000,\"maxPayload\":1000000}",
            text(EnginePacketType.OPEN, "{\"sid\":\"lv_VI97HAXpY6yYWAAAC\",\"upgrades\":[\"websocket\"],"
                + "\"pingInterval\":25000,\"pingTimeout\":20000,\"maxPayload\":1000000}")),
        Arguments.of("1", EnginePacket.CLOSE),
        Arguments.of("2", EnginePacket.PING),
        Arguments.of("2probe", text(EnginePacketType.PING, "probe")),
        Arguments.of("3", EnginePacket.PONG),
        Arguments.of("3probe", EnginePacket.PROBE_PONG),
        Arguments.of("4", EnginePacket.message("")),
        Arguments.of("4HelloWorld", EnginePacket.message("HelloWorld")),
        Arguments.of("40", EnginePacket.message("0")),
        Arguments.of("40/admin,{\"token\":\"123\"}", EnginePacket.message("0/admin,{\"token\":\"123\"}")),
        Arguments.of("42[\"hello\",\"h\u00e9llo \u20ac \ud83d\ude00\"]",
            EnginePacket.message("2[\"hello\",\"h\u00e9llo \u20ac \ud83d\ude00\"]")),
        Arguments.of("4 leading and trailing space ", EnginePacket.message(" leading and trailing space ")),
        Arguments.of("44", EnginePacket.message("4")),
        Arguments.of("5", text(EnginePacketType.UPGRADE, "")),
        Arguments.of("6", EnginePacket.NOOP));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("textFrames")
  void decodesTextFrame(String frame, EnginePacket expected) {
    assertPacket(expected, EngineCodec.decodeText(frame));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("textFrames")
  void encodesTextFrame(String frame, EnginePacket packet) {
    assertEquals(frame, EngineCodec.encodeText(packet));
  }

  @Test
  void everyTypeHasItsDigit() {
    String digits = "0123456";
    for (EnginePacketType type : EnginePacketType.values()) {
      assertEquals(digits.charAt(type.ordinal()), type.digit());
      assertEquals(type, EnginePacketType.fromDigit(type.digit()));
      assertPacket(text(type, "x"), EngineCodec.decodeText(EngineCodec.encodeText(text(type, "x"))));
    }
  }

  // ---- binary WebSocket frames ------------------------------------------------------------------

  static Stream<Arguments> binaryFrames() {
    return Stream.of(
        Arguments.of((Object) new byte[] {}),
        Arguments.of((Object) new byte[] {1, 2, 3, 4}),
        Arguments.of((Object) new byte[] {'4', '2', '['}),
        Arguments.of((Object) new byte[] {0, (byte) 0xff, 0x1e, (byte) 0x80}));
  }

  @ParameterizedTest
  @MethodSource("binaryFrames")
  void binaryFrameIsARawMessage(byte[] bytes) {
    EnginePacket packet = EngineCodec.decodeBinary(Buffer.buffer(bytes));
    assertEquals(EnginePacketType.MESSAGE, packet.type());
    assertTrue(packet.isBinary());
    assertArrayEquals(bytes, packet.binary().getBytes(), "v4 binary frames carry no type byte");
  }

  @Test
  void binaryPacketsDoNotGoInTextFrames() {
    assertThrows(IllegalArgumentException.class, () -> EngineCodec.encodeText(bin(1, 2)));
  }

  // ---- HTTP long-polling payloads ---------------------------------------------------------------

  static Stream<Arguments> payloads() {
    return Stream.of(
        Arguments.of("single text", "4hello", List.of(EnginePacket.message("hello"))),
        Arguments.of("single ping", "2", List.of(EnginePacket.PING)),
        Arguments.of("open", "0{\"sid\":\"abc\"}", List.of(text(EnginePacketType.OPEN, "{\"sid\":\"abc\"}"))),
        Arguments.of("two events (spec sample)", "42[\"hello\"]" + RS + "42[\"world\"]",
            List.of(EnginePacket.message("2[\"hello\"]"), EnginePacket.message("2[\"world\"]"))),
        Arguments.of("mixed types", "4hello" + RS + "2" + RS + "4" + RS + "6" + RS + "1",
            List.of(EnginePacket.message("hello"), EnginePacket.PING, EnginePacket.message(""), EnginePacket.NOOP,
                EnginePacket.CLOSE)),
        Arguments.of("single binary", "bAQIDBA==", List.of(bin(1, 2, 3, 4))),
        Arguments.of("empty binary", "b", List.of(bin())),
        Arguments.of("binary without padding need", "bAQID", List.of(bin(1, 2, 3))),
        Arguments.of("binary with all byte ranges", "bAP8egA==", List.of(bin(0, 0xff, 0x1e, 0x80))),
        Arguments.of("text then binary (event with attachment)",
            "451-[\"hello\",{\"_placeholder\":true,\"num\":0}]" + RS + "bAQIDBA==",
            List.of(EnginePacket.message("51-[\"hello\",{\"_placeholder\":true,\"num\":0}]"), bin(1, 2, 3, 4))),
        Arguments.of("two attachments between texts",
            "4hello" + RS + "bAQI=" + RS + "bAwQ=" + RS + "4world",
            List.of(EnginePacket.message("hello"), bin(1, 2), bin(3, 4), EnginePacket.message("world"))),
        Arguments.of("unicode text", "4h\u00e9llo \ud83d\ude00" + RS + "4\u65e5\u672c",
            List.of(EnginePacket.message("h\u00e9llo \ud83d\ude00"), EnginePacket.message("\u65e5\u672c"))),
        Arguments.of("message text that begins with b", "4b" + RS + "4bAQID",
            List.of(EnginePacket.message("b"), EnginePacket.message("bAQID"))));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("payloads")
  void decodesPayload(String name, String body, List<EnginePacket> expected) {
    List<EnginePacket> actual = EngineCodec.decodePayload(body);
    assertEquals(expected.size(), actual.size(), "packet count");
    for (int i = 0; i < expected.size(); i++) {
      assertPacket(expected.get(i), actual.get(i));
    }
  }

  /** Java/Android clients wrap base64 at 76 characters (MIME); line breaks are not data. */
  static Stream<Arguments> wrappedBase64() {
    return Stream.of(
        Arguments.of("LF", "bAQID\nBA==", bin(1, 2, 3, 4)),
        Arguments.of("CRLF", "bAQID\r\nBA==", bin(1, 2, 3, 4)),
        Arguments.of("trailing CRLF", "bAQIDBA==\r\n", bin(1, 2, 3, 4)));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("wrappedBase64")
  void decodesMimeWrappedBase64(String name, String element, EnginePacket expected) {
    List<EnginePacket> packets = EngineCodec.decodePayload("4a" + RS + element + RS + "4b");
    assertEquals(3, packets.size());
    assertPacket(expected, packets.get(1));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("payloads")
  void encodesPayload(String name, String body, List<EnginePacket> packets) {
    assertEquals(body, EngineCodec.encodePayload(packets));
  }

  @Test
  void payloadOfManyPacketsRoundTrips() {
    List<EnginePacket> packets = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      packets.add(i % 3 == 0 ? bin(i, i + 1) : EnginePacket.message("2[\"n\"," + i + "]"));
    }
    String body = EngineCodec.encodePayload(packets);
    assertEquals(99, body.chars().filter(c -> c == RS).count());
    List<EnginePacket> back = EngineCodec.decodePayload(body);
    assertEquals(packets.size(), back.size());
    for (int i = 0; i < packets.size(); i++) {
      assertPacket(packets.get(i), back.get(i));
    }
  }

  @Test
  void encodedPayloadIsSafeToSendAsUtf8() {
    String body = EngineCodec.encodePayload(List.of(EnginePacket.message("\u00e9"), bin(0xff)));
    assertEquals("4\u00e9" + RS + "b/w==", body);
    assertEquals(body, new String(body.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8));
  }

  // ---- malformed input ------------------------------------------------------------------------

  static Stream<Arguments> malformedFrames() {
    return Stream.of(
        Arguments.of("empty", ""),
        Arguments.of("type 7", "7"),
        Arguments.of("type 9", "9hello"),
        Arguments.of("letter", "a"),
        Arguments.of("base64 marker in a WebSocket text frame", "bAQID"),
        Arguments.of("leading space", " 4hello"),
        Arguments.of("separator", String.valueOf(RS)),
        Arguments.of("char below '0'", "/"),
        Arguments.of("non-ASCII digit", "\u0664hello"));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("malformedFrames")
  void rejectsMalformedFrame(String name, String frame) {
    assertThrows(ProtocolException.class, () -> EngineCodec.decodeText(frame));
  }

  static Stream<Arguments> malformedPayloads() {
    return Stream.of(
        Arguments.of("empty body", ""),
        Arguments.of("only a separator", String.valueOf(RS)),
        Arguments.of("trailing separator", "4hello" + RS),
        Arguments.of("leading separator", RS + "4hello"),
        Arguments.of("empty element in the middle", "4a" + RS + RS + "4b"),
        Arguments.of("unknown type", "4a" + RS + "7"),
        Arguments.of("letter type", "x4"),
        Arguments.of("invalid base64 character", "bAQ*D"),
        Arguments.of("base64 with whitespace", "bAQ ID"),
        Arguments.of("truncated base64", "bA"),
        Arguments.of("invalid base64 after valid packets", "4a" + RS + "bAQID" + RS + "b!!!!"));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("malformedPayloads")
  void rejectsMalformedPayload(String name, String body) {
    assertThrows(ProtocolException.class, () -> EngineCodec.decodePayload(body));
  }

  @Test
  void packetsOnlyMessagesCarryBinary() {
    for (EnginePacketType type : EnginePacketType.values()) {
      if (type != EnginePacketType.MESSAGE) {
        assertThrows(IllegalArgumentException.class, () -> new EnginePacket(type, null, Buffer.buffer(new byte[] {1})));
      }
    }
    assertFalse(EnginePacket.message("x").isBinary());
    assertEquals("", new EnginePacket(EnginePacketType.PING, null, null).text());
  }
}
