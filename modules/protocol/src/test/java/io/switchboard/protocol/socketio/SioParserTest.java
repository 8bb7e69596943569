package io.switchboard.protocol.socketio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.BinaryNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.protocol.ProtocolException;
import io.switchboard.protocol.engine.EngineCodec;
import io.switchboard.protocol.engine.EnginePacket;
import io.switchboard.protocol.engine.EnginePacketType;
import io.vertx.core.buffer.Buffer;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Socket.IO v5 packet encoding and decoding (with binary attachments), as tables. */
class SioParserTest {
  private static final int MAX_ATTACHMENTS = 10;
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private static JsonNode json(String text) {
    try {
      return Json.parse(text);
    } catch (JsonProcessingException e) {
      throw new AssertionError(e);
    }
  }

  private static SioPacket packet(SioPacketType type, String nsp, long id, String data) {
    return new SioPacket(type, nsp, id, data == null ? null : json(data));
  }

  private static SioPacket decode(String text) {
    return new SioParser.Decoder(MAX_ATTACHMENTS).decodeText(text);
  }

  private static byte[] bytes(int... values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      b[i] = (byte) values[i];
    }
    return b;
  }

  // ---- every packet type: the spec's examples and a few more ------------------------------------

  static Stream<Arguments> textPackets() {
    return Stream.of(
        // CONNECT
        Arguments.of("0", packet(SioPacketType.CONNECT, "/", -1, null)),
        Arguments.of("0{\"sid\":\"wZX3oN0bSVIhsaknAAAI\"}",
            packet(SioPacketType.CONNECT, "/", -1, "{\"sid\":\"wZX3oN0bSVIhsaknAAAI\"}")),
        Arguments.of("0/admin,", packet(SioPacketType.CONNECT, "/admin", -1, null)),
        Arguments.of("0/admin,{\"sid\":\"oSO0OpakMV_3jnilAAAA\"}",
            packet(SioPacketType.CONNECT, "/admin", -1, "{\"sid\":\"oSO0OpakMV_3jnilAAAA\"}")),
        Arguments.of("0/admin,{\"token\":\"123\"}", packet(SioPacketType.CONNECT, "/admin", -1, "{\"token\":\"123\"}")),
        Arguments.of("0{}", packet(SioPacketType.CONNECT, "/", -1, "{}")),
        Arguments.of("0/a/b-c_d.e,", packet(SioPacketType.CONNECT, "/a/b-c_d.e", -1, null)),
        // DISCONNECT
        Arguments.of("1", packet(SioPacketType.DISCONNECT, "/", -1, null)),
        Arguments.of("1/admin,", packet(SioPacketType.DISCONNECT, "/admin", -1, null)),
        // EVENT
        Arguments.of("2[\"foo\"]", packet(SioPacketType.EVENT, "/", -1, "[\"foo\"]")),
        Arguments.of("2/admin,[\"bar\"]", packet(SioPacketType.EVENT, "/admin", -1, "[\"bar\"]")),
        Arguments.of("212[\"foo\"]", packet(SioPacketType.EVENT, "/", 12, "[\"foo\"]")),
        Arguments.of("2/admin,13[\"foo\"]", packet(SioPacketType.EVENT, "/admin", 13, "[\"foo\"]")),
        Arguments.of("20[\"zero id\"]", packet(SioPacketType.EVENT, "/", 0, "[\"zero id\"]")),
        Arguments.of("2999999999999999[\"max id\"]", packet(SioPacketType.EVENT, "/", 999_999_999_999_999L, "[\"max id\"]")),
        Arguments.of("2[\"hey\",\"Jude\"]", packet(SioPacketType.EVENT, "/", -1, "[\"hey\",\"Jude\"]")),
        Arguments.of("2[1,\"numeric event name\"]", packet(SioPacketType.EVENT, "/", -1, "[1,\"numeric event name\"]")),
        Arguments.of("2[\"connection\"]", packet(SioPacketType.EVENT, "/", -1, "[\"connection\"]")),
        Arguments.of("2[\"offer\",{\"roomId\":\"r1\",\"offer\":{\"type\":\"offer\",\"sdp\":\"v=0\\r\\no=- 1 2 IN IP4 127.0.0.1\\r\\n\"},"
            + "\"targetUserId\":\"u2\"}]",
            packet(SioPacketType.EVENT, "/", -1, "[\"offer\",{\"roomId\":\"r1\",\"offer\":{\"type\":\"offer\","
                + "\"sdp\":\"v=0\\r\\no=- 1 2 IN IP4 127.0.0.1\\r\\n\"},\"targetUserId\":\"u2\"}]")),
        // ACK
        Arguments.of("312[]", packet(SioPacketType.ACK, "/", 12, "[]")),
        Arguments.of("3/admin,13[\"bar\"]", packet(SioPacketType.ACK, "/admin", 13, "[\"bar\"]")),
        Arguments.of("314[\"bar\"]", packet(SioPacketType.ACK, "/", 14, "[\"bar\"]")),
        Arguments.of("30[null,{\"ok\":true}]", packet(SioPacketType.ACK, "/", 0, "[null,{\"ok\":true}]")),
        // CONNECT_ERROR
        Arguments.of("4{\"message\":\"Not authorized\"}",
            packet(SioPacketType.CONNECT_ERROR, "/", -1, "{\"message\":\"Not authorized\"}")),
        Arguments.of("4/admin,{\"message\":\"Invalid namespace\",\"data\":{\"code\":4}}",
            packet(SioPacketType.CONNECT_ERROR, "/admin", -1, "{\"message\":\"Invalid namespace\",\"data\":{\"code\":4}}")),
        Arguments.of("4\"v4-style string\"", packet(SioPacketType.CONNECT_ERROR, "/", -1, "\"v4-style string\"")));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("textPackets")
  void decodesPacket(String wire, SioPacket expected) {
    assertEquals(expected, decode(wire));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("textPackets")
  void encodesPacket(String wire, SioPacket packet) {
    EncodedPacket encoded = SioParser.encode(packet);
    assertEquals(wire, encoded.text());
    assertEquals(List.of(), encoded.attachments());
  }

  @Test
  void namespaceWithoutCommaAtTheEnd() {
    assertEquals(packet(SioPacketType.CONNECT, "/admin", -1, null), decode("0/admin"));
    assertEquals(packet(SioPacketType.DISCONNECT, "/admin", -1, null), decode("1/admin"));
  }

  @Test
  void explicitMainNamespaceIsTheMainNamespace() {
    assertEquals(packet(SioPacketType.EVENT, "/", 3, "[\"a\"]"), decode("2/,3[\"a\"]"));
  }

  @Test
  void everyTypeHasItsDigit() {
    for (SioPacketType type : SioPacketType.values()) {
      assertEquals((char) ('0' + type.ordinal()), type.digit());
      assertEquals(type, SioPacketType.fromDigit(type.digit()));
    }
    assertNull(SioPacketType.fromDigit('7'));
    assertNull(SioPacketType.fromDigit('/'));
  }

  // ---- Engine.IO framing around Socket.IO ------------------------------------------------------

  static Stream<Arguments> framed() {
    return Stream.of(
        Arguments.of("40", packet(SioPacketType.CONNECT, "/", -1, null)),
        Arguments.of("40/admin,", packet(SioPacketType.CONNECT, "/admin", -1, null)),
        Arguments.of("41", packet(SioPacketType.DISCONNECT, "/", -1, null)),
        Arguments.of("42[\"hello\"]", packet(SioPacketType.EVENT, "/", -1, "[\"hello\"]")),
        Arguments.of("42/admin,1[\"tellme\"]", packet(SioPacketType.EVENT, "/admin", 1, "[\"tellme\"]")),
        Arguments.of("43/admin,1[\"told\"]", packet(SioPacketType.ACK, "/admin", 1, "[\"told\"]")),
        Arguments.of("44{\"message\":\"no\"}", packet(SioPacketType.CONNECT_ERROR, "/", -1, "{\"message\":\"no\"}")));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("framed")
  void engineMessageCarriesOneSocketIoPacket(String frame, SioPacket expected) {
    EnginePacket engine = EngineCodec.decodeText(frame);
    assertEquals(EnginePacketType.MESSAGE, engine.type());
    assertEquals(expected, decode(engine.text()));
    assertEquals(frame, EngineCodec.encodeText(EnginePacket.message(SioParser.encode(expected).text())));
  }

  // ---- binary packets: placeholders and attachments -------------------------------------------

  /**
   * One binary packet on the wire: the header text, its attachments, where the binaries end up
   * (JSON pointer to attachment index), and what the encoder writes for the reconstructed packet
   * (null: the same header and attachments).
   */
  record BinaryCase(String header, List<byte[]> attachments, SioPacketType type, String nsp, long id,
      Map<String, Integer> binaries, String reencoded) {
    @Override
    public String toString() {
      return header;
    }
  }

  private static BinaryCase bc(String header, List<byte[]> attachments, SioPacketType type, String nsp, long id,
      Map<String, Integer> binaries) {
    return new BinaryCase(header, attachments, type, nsp, id, binaries, null);
  }

  static Stream<BinaryCase> binaryPackets() {
    byte[] b1234 = bytes(1, 2, 3, 4);
    byte[] b12 = bytes(1, 2);
    byte[] b34 = bytes(3, 4);
    byte[] high = bytes(0, 0xff, 0x80, 0x1e, '"', '\\');
    byte[] empty = bytes();
    return Stream.of(
        bc("5" + "1-[\"baz\",{\"_placeholder\":true,\"num\":0}]", List.of(b1234),
            SioPacketType.EVENT, "/", -1, Map.of("/1", 0)),
        bc("52-/admin,[\"baz\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]", List.of(b12, b34),
            SioPacketType.EVENT, "/admin", -1, Map.of("/1", 0, "/2", 1)),
        bc("51-14[\"foo\",{\"_placeholder\":true,\"num\":0}]", List.of(b1234),
            SioPacketType.EVENT, "/", 14, Map.of("/1", 0)),
        bc("52-/admin,12[\"x\",{\"_placeholder\":true,\"num\":0},{\"a\":[{\"_placeholder\":true,\"num\":1}]}]",
            List.of(b12, high), SioPacketType.EVENT, "/admin", 12, Map.of("/1", 0, "/2/a/0", 1)),
        bc("51-[\"upload\",{\"file\":{\"name\":\"a.bin\",\"data\":{\"_placeholder\":true,\"num\":0},\"size\":4}}]",
            List.of(b1234), SioPacketType.EVENT, "/", -1, Map.of("/1/file/data", 0)),
        bc("53-[\"m\",[[{\"_placeholder\":true,\"num\":0}],{\"_placeholder\":true,\"num\":1}],"
                + "{\"k\":[1,{\"_placeholder\":true,\"num\":2}]}]",
            List.of(b12, b34, high), SioPacketType.EVENT, "/", -1, Map.of("/1/0/0", 0, "/1/1", 1, "/2/k/1", 2)),
        bc("51-[\"empty\",{\"_placeholder\":true,\"num\":0}]", List.of(empty),
            SioPacketType.EVENT, "/", -1, Map.of("/1", 0)),
        bc("51-[\"not a placeholder\",{\"_placeholder\":false,\"num\":0},{\"_placeholder\":true,\"num\":0}]",
            List.of(b12), SioPacketType.EVENT, "/", -1, Map.of("/2", 0)),
        bc("510-[\"ten\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1},{\"_placeholder\":true,\"num\":2},"
                + "{\"_placeholder\":true,\"num\":3},{\"_placeholder\":true,\"num\":4},{\"_placeholder\":true,\"num\":5},"
                + "{\"_placeholder\":true,\"num\":6},{\"_placeholder\":true,\"num\":7},{\"_placeholder\":true,\"num\":8},"
                + "{\"_placeholder\":true,\"num\":9}]",
            List.of(bytes(0), bytes(1), bytes(2), bytes(3), bytes(4), bytes(5), bytes(6), bytes(7), bytes(8), bytes(9)),
            SioPacketType.EVENT, "/", -1,
            Map.of("/1", 0, "/2", 1, "/3", 2, "/4", 3, "/5", 4, "/6", 5, "/7", 6, "/8", 7, "/9", 8, "/10", 9)),
        // BINARY_ACK
        bc("61-15[\"bar\",{\"_placeholder\":true,\"num\":0}]", List.of(b1234),
            SioPacketType.ACK, "/", 15, Map.of("/1", 0)),
        bc("61-/admin,1[{\"_placeholder\":true,\"num\":0}]", List.of(b1234),
            SioPacketType.ACK, "/admin", 1, Map.of("/0", 0)),
        bc("62-/admin,7[{\"_placeholder\":true,\"num\":0},\"ok\",{\"nested\":{\"_placeholder\":true,\"num\":1}}]",
            List.of(b12, b34), SioPacketType.ACK, "/admin", 7, Map.of("/0", 0, "/2/nested", 1)),
        bc("61-0[{\"_placeholder\":true,\"num\":0}]", List.of(high), SioPacketType.ACK, "/", 0, Map.of("/0", 0)),
        // Not in encoder order: the encoder renumbers in document order.
        new BinaryCase("52-[\"swap\",{\"_placeholder\":true,\"num\":1},{\"_placeholder\":true,\"num\":0}]",
            List.of(b12, b34), SioPacketType.EVENT, "/", -1, Map.of("/1", 1, "/2", 0),
            "52-[\"swap\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]"),
        // An attachment referenced twice is sent twice.
        new BinaryCase("51-[\"dup\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":0}]",
            List.of(b12), SioPacketType.EVENT, "/", -1, Map.of("/1", 0, "/2", 0),
            "52-[\"dup\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]"),
        // An attachment nobody references is dropped on re-encoding.
        new BinaryCase("52-/admin,12[\"x\",{\"_placeholder\":true,\"num\":0}]", List.of(b12, b34),
            SioPacketType.EVENT, "/admin", 12, Map.of("/1", 0),
            "51-/admin,12[\"x\",{\"_placeholder\":true,\"num\":0}]"),
        // A binary type without attachments is a plain packet.
        new BinaryCase("50-[\"none\"]", List.of(), SioPacketType.EVENT, "/", -1, Map.of(), "2[\"none\"]"),
        new BinaryCase("60-/admin,5[]", List.of(), SioPacketType.ACK, "/admin", 5, Map.of(), "3/admin,5[]"));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("binaryPackets")
  void reconstructsBinaryPacket(BinaryCase c) {
    SioParser.Decoder decoder = new SioParser.Decoder(MAX_ATTACHMENTS);
    SioPacket packet = decoder.decodeText(c.header());
    for (int i = 0; i < c.attachments().size(); i++) {
      assertNull(packet, "the packet completes with its last attachment");
      packet = decoder.decodeBinary(Buffer.buffer(c.attachments().get(i)));
    }
    assertNotNull(packet);
    assertEquals(c.type(), packet.type());
    assertEquals(c.nsp(), packet.nsp());
    assertEquals(c.id(), packet.id());
    for (Map.Entry<String, Integer> e : c.binaries().entrySet()) {
      JsonNode node = packet.data().at(e.getKey());
      BinaryNode binary = assertInstanceOf(BinaryNode.class, node, e.getKey());
      assertArrayEquals(c.attachments().get(e.getValue()), binary.binaryValue(), e.getKey());
    }
    assertEquals(c.binaries().size(), countBinaries(packet.data()), "no other binaries");

    // The decoder is ready for the next packet.
    assertEquals(packet(SioPacketType.EVENT, "/", -1, "[\"next\"]"), decoder.decodeText("2[\"next\"]"));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("binaryPackets")
  void reencodesReconstructedBinaryPacket(BinaryCase c) {
    SioParser.Decoder decoder = new SioParser.Decoder(MAX_ATTACHMENTS);
    SioPacket packet = decoder.decodeText(c.header());
    for (byte[] a : c.attachments()) {
      packet = decoder.decodeBinary(Buffer.buffer(a));
    }
    EncodedPacket encoded = SioParser.encode(packet);
    if (c.reencoded() == null) {
      assertEquals(c.header(), encoded.text());
      assertEquals(c.attachments().size(), encoded.attachments().size());
      for (int i = 0; i < c.attachments().size(); i++) {
        assertArrayEquals(c.attachments().get(i), encoded.attachments().get(i).getBytes());
      }
    } else {
      assertEquals(c.reencoded(), encoded.text());
      // Whatever the numbering, decoding the re-encoded packet gives the same packet back.
      SioParser.Decoder again = new SioParser.Decoder(MAX_ATTACHMENTS);
      SioPacket back = again.decodeText(encoded.text());
      for (Buffer a : encoded.attachments()) {
        back = again.decodeBinary(a);
      }
      assertEquals(packet, back);
    }
  }

  private static int countBinaries(JsonNode node) {
    if (node == null) {
      return 0;
    }
    if (node instanceof BinaryNode) {
      return 1;
    }
    int n = 0;
    for (JsonNode child : node) {
      n += countBinaries(child);
    }
    return n;
  }

  @Test
  void encoderPicksTheBinaryTypeFromTheData() {
    ObjectNode file = NODES.objectNode();
    file.put("name", "x");
    file.set("data", NODES.binaryNode(bytes(9, 8)));
    ArrayNode args = NODES.arrayNode().add("upload").add(file).add(NODES.binaryNode(bytes(7)));

    EncodedPacket event = SioParser.encode(new SioPacket(SioPacketType.EVENT, "/admin", 3, args));
    assertEquals("52-/admin,3[\"upload\",{\"name\":\"x\",\"data\":{\"_placeholder\":true,\"num\":0}},"
        + "{\"_placeholder\":true,\"num\":1}]", event.text());
    assertArrayEquals(bytes(9, 8), event.attachments().get(0).getBytes());
    assertArrayEquals(bytes(7), event.attachments().get(1).getBytes());

    EncodedPacket ack = SioParser.encode(new SioPacket(SioPacketType.ACK, "/", 4, NODES.arrayNode().add(NODES.binaryNode(bytes(1)))));
    assertEquals("61-4[{\"_placeholder\":true,\"num\":0}]", ack.text());

    // The caller's tree is not changed by encoding.
    assertInstanceOf(BinaryNode.class, file.get("data"));
    assertInstanceOf(BinaryNode.class, args.get(2));

    // A binary type whose data holds no binary goes out as the plain type.
    assertEquals("2[\"a\"]", SioParser.encode(packet(SioPacketType.BINARY_EVENT, "/", -1, "[\"a\"]")).text());
    assertEquals("31[]", SioParser.encode(packet(SioPacketType.BINARY_ACK, "/", 1, "[]")).text());
  }

  // ---- JSON: what comes in goes out, byte for byte --------------------------------------------

  /** JSON values that must cross the wire unchanged: numbers of every size and precision, key order, escapes. */
  static Stream<String> relayedJson() {
    return Stream.of("0", "1", "-1", "2147483647", "2147483648", "-2147483649", "9007199254740993", "9223372036854775807",
        "9223372036854775808", "123456789012345678901234567890", "-123456789012345678901234567890",
        "0.1", "1.0", "1.50", "100.000", "-0.000001", "3.141592653589793238462643383279502884197",
        "0.30000000000000004", "1.7976931348623157", "12345678901234567890.123456789012345678901",
        "{\"b\":1,\"a\":2,\"c\":{\"z\":0,\"y\":[],\"x\":{}}}",
        "{\"z\":1,\"_placeholder\":true,\"num\":0}",
        "{\"sdp\":\"v=0\\r\\no=- 4611731400430051336 2 IN IP4 127.0.0.1\\r\\ns=-\\r\\n\",\"type\":\"offer\"}",
        "\"h\u00e9llo w\u00f6rld \u65e5\u672c\u8a9e \ud83d\ude00 \u0645\u0631\u062d\u0628\u0627\"",
        "\"tab\\tnew\\nline\\r\\nquote\\\"backslash\\\\\"",
        "\"slash / and </script>\"",
        "\"\\u0000\\u0001\u007f\u2028\u2029\"",
        "\"\"", "true", "false", "null", "[]", "{}", "[[[[]]]]", "[1,[2,[3,{\"a\":[4]}]]]",
        "{\"candidate\":\"candidate:842163049 1 udp 1677729535 203.0.113.7 46154 typ srflx raddr 0.0.0.0 rport 0\","
            + "\"sdpMid\":\"0\",\"sdpMLineIndex\":0,\"usernameFragment\":\"WsZA\"}");
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("relayedJson")
  void jsonArgumentIsRelayedByteForByte(String json) {
    for (String wire : List.of("2[\"e\"," + json + "]", "2/admin,77[\"e\"," + json + "]", "3/admin,77[" + json + "]",
        "3[" + json + "," + json + "]")) {
      assertEquals(wire, SioParser.encode(decode(wire)).text());
    }
  }

  @Test
  void aLoneSurrogateIsWrittenAsAnEscapeThatReadsBackTheSame() throws JsonProcessingException {
    // JSON may carry one (an escape); a packet written straight to UTF-8 bytes must still go out.
    SioPacket in = decode("2[\"e\",\"a\\ud800b\",{\"\\udc00\":1}]");
    String out = SioParser.encode(in).text();
    assertEquals(in.data(), Json.parse(out.substring(1)), out);
  }

  @Test
  void aNamespaceOutsideAsciiIsEncodedInUtf8() {
    SioPacket p = packet(SioPacketType.EVENT, "/\u00fcn\u00ef", 5, "[\"x\",\"\u4e2d\"]");
    assertEquals("2/\u00fcn\u00ef,5[\"x\",\"\u4e2d\"]", SioParser.encode(p).text());
    assertEquals(p, decode(SioParser.encode(p).text()));
  }

  /** A payload that crossed nodes as JSON text goes out as if it had been parsed and encoded here. */
  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("relayedJson")
  void eventFromPayloadTextIsTheEncodedEvent(String json) throws JsonProcessingException {
    JsonNode payload = Json.parse(json);
    for (String nsp : List.of("/", "/admin")) {
      for (String event : List.of("ice-candidate", "qu\"ote\\ \u00fc\n")) {
        ArrayNode data = JsonNodeFactory.instance.arrayNode().add(event).add(payload);
        String expected = SioParser.encode(new SioPacket(SioPacketType.EVENT, nsp, SioPacket.NO_ID, data)).text();
        assertEquals(expected, SioParser.encodeEvent(nsp, event, Json.write(payload)).text());
      }
    }
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"{\"token\":\"abc\",\"n\":1.10,\"big\":123456789012345678901234567890}", "{}",
      "{\"z\":{\"\u00e9\":[1,2.0]},\"a\":null}"})
  void connectPayloadIsKeptByteForByte(String json) {
    assertEquals("0/admin," + json, SioParser.encode(decode("0/admin," + json)).text());
    assertEquals("0" + json, SioParser.encode(decode("0" + json)).text());
  }

  @Test
  void numbersKeepTheirKind() {
    JsonNode args = decode("2[\"n\",42,9007199254740993,123456789012345678901234567890,1.50,0.1]").data();
    assertTrue(args.get(1).isInt());
    assertTrue(args.get(2).isLong());
    assertEquals(9007199254740993L, args.get(2).longValue());
    assertInstanceOf(BigIntegerNode.class, args.get(3));
    assertEquals(new BigInteger("123456789012345678901234567890"), args.get(3).bigIntegerValue());
    assertInstanceOf(DecimalNode.class, args.get(4));
    assertEquals(new BigDecimal("1.50"), args.get(4).decimalValue(), "scale kept: 1.50, not 1.5");
    assertEquals(new BigDecimal("0.1"), args.get(5).decimalValue(), "no binary floating point");
  }

  @Test
  void keyOrderIsKept() {
    JsonNode obj = decode("2[\"o\",{\"z\":1,\"a\":2,\"m\":3}]").data().get(1);
    List<String> keys = new ArrayList<>();
    obj.fieldNames().forEachRemaining(keys::add);
    assertEquals(List.of("z", "a", "m"), keys);
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"1e21", "1E21", "1e-7", "1.5e+10", "-2.5E-3"})
  void exponentNumbersKeepTheirValue(String number) {
    // Node's JSON.stringify writes 1e+21 / 1e-7; the value survives a relay, the spelling may not.
    JsonNode n = decode("2[\"n\"," + number + "]").data().get(1);
    assertEquals(0, new BigDecimal(number).compareTo(n.decimalValue()));
    JsonNode back = decode(SioParser.encode(decode("2[\"n\"," + number + "]")).text()).data().get(1);
    assertEquals(0, new BigDecimal(number).compareTo(back.decimalValue()));
  }

  // ---- malformed input --------------------------------------------------------------------------

  static Stream<Arguments> malformedText() {
    return Stream.of(
        Arguments.of("empty", ""),
        Arguments.of("unknown type 7", "7"),
        Arguments.of("unknown type 9", "9[\"a\"]"),
        Arguments.of("letter type", "x[\"a\"]"),
        Arguments.of("leading space", " 2[\"a\"]"),
        Arguments.of("JSON without a type", "[\"a\"]"),
        // attachment count
        Arguments.of("binary without count", "5[\"a\",{\"_placeholder\":true,\"num\":0}]"),
        Arguments.of("binary count without '-'", "51[\"a\",{\"_placeholder\":true,\"num\":0}]"),
        Arguments.of("binary '-' without count", "5-[\"a\",{\"_placeholder\":true,\"num\":0}]"),
        Arguments.of("binary count not a number", "5x-[\"a\"]"),
        Arguments.of("binary count negative", "5-1-[\"a\"]"),
        Arguments.of("binary count then end", "51"),
        Arguments.of("binary type only", "5"),
        Arguments.of("binary ack type only", "6"),
        Arguments.of("binary count and '-' only", "51-"),
        Arguments.of("binary ack count without '-'", "613[{\"_placeholder\":true,\"num\":0}]"),
        Arguments.of("binary count too long", "51234567-[\"a\"]"),
        Arguments.of("too many attachments", "511-[\"a\"]"),
        Arguments.of("far too many attachments", "5999999-[\"a\"]"),
        Arguments.of("too many attachments in ack", "611-1[]"),
        // invalid JSON
        Arguments.of("unterminated array", "2[\"a\""),
        Arguments.of("unquoted string", "2[a]"),
        Arguments.of("single quotes", "2['a']"),
        Arguments.of("missing value", "0{\"a\":}"),
        Arguments.of("trailing comma", "2[\"a\",]"),
        Arguments.of("leading zero", "2[\"a\",01]"),
        Arguments.of("NaN", "2[\"a\",NaN]"),
        Arguments.of("Infinity", "2[\"a\",Infinity]"),
        Arguments.of("comment", "2[\"a\"/*x*/]"),
        Arguments.of("unterminated string", "2[\"a]"),
        Arguments.of("raw control char in string", "2[\"a\u0001\"]"),
        Arguments.of("bad escape", "2[\"\\x41\"]"),
        Arguments.of("whitespace only payload", "2 "),
        Arguments.of("exponent BigDecimal cannot hold", "2[\"a\",1e99999999999]"),
        Arguments.of("exponent overflow", "2[\"a\",1e2147483648]"),
        Arguments.of("scale out of range", "2[\"a\",1e-2147483648]"),
        Arguments.of("exponent overflow in connect auth", "0{\"n\":-1E-2147483649}"),
        Arguments.of("number longer than the parser allows", "2[\"a\"," + "9".repeat(1001) + "]"),
        Arguments.of("nesting deeper than the parser allows", "2[\"a\"," + "[".repeat(5000) + "]".repeat(5000) + "]"),
        // trailing garbage
        Arguments.of("garbage after array", "2[\"a\"]x"),
        Arguments.of("extra bracket", "2[\"a\"]]"),
        Arguments.of("two arrays", "2[\"a\"][\"b\"]"),
        Arguments.of("two objects", "0{}{}"),
        Arguments.of("garbage after ack", "3/admin,1[]x"),
        Arguments.of("garbage after binary header", "51-[\"a\",{\"_placeholder\":true,\"num\":0}]}"),
        // reserved event names
        Arguments.of("reserved connect", "2[\"connect\"]"),
        Arguments.of("reserved connect_error", "2[\"connect_error\",{}]"),
        Arguments.of("reserved disconnect", "2[\"disconnect\"]"),
        Arguments.of("reserved disconnecting", "2/admin,[\"disconnecting\"]"),
        Arguments.of("reserved newListener", "21[\"newListener\",\"x\"]"),
        Arguments.of("reserved removeListener", "2[\"removeListener\"]"),
        Arguments.of("reserved in binary event", "51-[\"disconnect\",{\"_placeholder\":true,\"num\":0}]"),
        // EVENT payload
        Arguments.of("event without payload", "2"),
        Arguments.of("event with nsp only", "2/admin,"),
        Arguments.of("event with id only", "212"),
        Arguments.of("event with nsp and id only", "2/admin,12"),
        Arguments.of("event empty array", "2[]"),
        Arguments.of("event object", "2{\"a\":1}"),
        Arguments.of("event string", "2\"a\""),
        Arguments.of("event true", "2true"),
        Arguments.of("event null", "2null"),
        Arguments.of("event name null", "2[null]"),
        Arguments.of("event name object", "2[{}]"),
        Arguments.of("event name array", "2[[\"a\"]]"),
        Arguments.of("event name boolean", "2[true]"),
        Arguments.of("binary event empty array", "51-[]"),
        Arguments.of("binary event object", "51-{\"a\":{\"_placeholder\":true,\"num\":0}}"),
        Arguments.of("namespace without comma before data", "2/admin[\"a\"]"),
        // ACK payload
        Arguments.of("ack without payload", "31"),
        Arguments.of("ack object", "31{}"),
        Arguments.of("ack string", "31\"a\""),
        Arguments.of("binary ack object", "61-1{\"a\":{\"_placeholder\":true,\"num\":0}}"),
        // DISCONNECT with payload
        Arguments.of("disconnect with object", "1{}"),
        Arguments.of("disconnect with array", "1[]"),
        Arguments.of("disconnect with string", "1\"bye\""),
        Arguments.of("disconnect nsp with object", "1/admin,{\"reason\":\"x\"}"),
        Arguments.of("disconnect with ack id", "112"),
        Arguments.of("disconnect nsp with ack id", "1/admin,12"),
        // CONNECT
        Arguments.of("connect with array", "0[]"),
        Arguments.of("connect with string", "0\"token\""),
        Arguments.of("connect with null", "0null"),
        Arguments.of("connect with ack id", "012"),
        Arguments.of("connect single-digit ack id", "01"),
        Arguments.of("connect with ack id and payload", "012{\"token\":\"x\"}"),
        Arguments.of("connect nsp with ack id", "0/admin,12"),
        Arguments.of("connect nsp with ack id and payload", "0/admin,12{\"token\":\"x\"}"),
        // CONNECT_ERROR
        Arguments.of("connect_error without payload", "4"),
        Arguments.of("connect_error with array", "4[]"),
        Arguments.of("connect_error with number", "4/admin,42"),
        Arguments.of("connect_error with ack id", "41{\"message\":\"x\"}"),
        // ack id
        Arguments.of("ack id too long", "21234567890123456[\"a\"]"));
  }

  @ParameterizedTest(name = "[{index}] {0}: {1}")
  @MethodSource("malformedText")
  void rejectsMalformedText(String name, String text) {
    assertThrows(ProtocolException.class, () -> decode(text));
  }

  /** A header and then attachments; the last step must fail. */
  static Stream<Arguments> malformedSequences() {
    String one = "51-[\"a\",{\"_placeholder\":true,\"num\":0}]";
    return Stream.of(
        Arguments.of("binary when none expected", List.of(bytes(1))),
        Arguments.of("binary after a complete binary packet", List.of(one, bytes(1), bytes(2))),
        Arguments.of("binary after a plain event", List.of("2[\"a\"]", bytes(1))),
        Arguments.of("binary after a zero-attachment binary packet", List.of("50-[\"a\"]", bytes(1))),
        Arguments.of("text while an attachment is pending", List.of(one, "2[\"b\"]")),
        Arguments.of("text while the second attachment is pending",
            List.of("52-[\"a\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]", bytes(1), "2[\"b\"]")),
        Arguments.of("placeholder index out of range",
            List.of("51-[\"a\",{\"_placeholder\":true,\"num\":1}]", bytes(1))),
        Arguments.of("placeholder index far out of range",
            List.of("51-[\"a\",{\"_placeholder\":true,\"num\":4294967296}]", bytes(1))),
        Arguments.of("placeholder index negative",
            List.of("51-[\"a\",{\"_placeholder\":true,\"num\":-1}]", bytes(1))),
        Arguments.of("placeholder index not an integer",
            List.of("51-[\"a\",{\"_placeholder\":true,\"num\":0.5}]", bytes(1))),
        Arguments.of("placeholder index a string",
            List.of("51-[\"a\",{\"_placeholder\":true,\"num\":\"0\"}]", bytes(1))),
        Arguments.of("placeholder without index", List.of("51-[\"a\",{\"_placeholder\":true}]", bytes(1))),
        Arguments.of("nested placeholder out of range",
            List.of("52-[\"a\",{\"x\":[{\"_placeholder\":true,\"num\":2}]}]", bytes(1), bytes(2))),
        Arguments.of("placeholder in ack out of range",
            List.of("61-/admin,3[{\"_placeholder\":true,\"num\":1}]", bytes(1))),
        Arguments.of("placeholder with zero attachments", List.of("50-[\"a\",{\"_placeholder\":true,\"num\":0}]")));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("malformedSequences")
  void rejectsMalformedSequence(String name, List<Object> steps) {
    SioParser.Decoder decoder = new SioParser.Decoder(MAX_ATTACHMENTS);
    for (int i = 0; i < steps.size() - 1; i++) {
      feed(decoder, steps.get(i));
    }
    assertThrows(ProtocolException.class, () -> feed(decoder, steps.get(steps.size() - 1)));
  }

  private static SioPacket feed(SioParser.Decoder decoder, Object step) {
    return step instanceof String s ? decoder.decodeText(s) : decoder.decodeBinary(Buffer.buffer((byte[]) step));
  }

  @Test
  void attachmentLimitIsConfigurable() {
    assertThrows(ProtocolException.class, () -> new SioParser.Decoder(0).decodeText("51-[\"a\",{\"_placeholder\":true,\"num\":0}]"));
    assertNull(new SioParser.Decoder(1).decodeText("51-[\"a\",{\"_placeholder\":true,\"num\":0}]"));
  }

  @Test
  void placeholderInAPlainEventIsJustAnObject() {
    SioPacket packet = decode("2[\"a\",{\"_placeholder\":true,\"num\":0}]");
    assertTrue(packet.data().get(1).isObject());
  }
}
