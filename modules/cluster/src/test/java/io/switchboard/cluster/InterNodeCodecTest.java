package io.switchboard.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.switchboard.signaling.ids.NodeId;
import io.switchboard.signaling.ids.SocketId;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The wire form of every inter-node message, read back where the event bus puts it: after bytes
 * of its own (headers, the address) in the same buffer.
 */
class InterNodeCodecTest {
  private static final InterNodeCodec CODEC = new InterNodeCodec();
  /** ASCII, two- and three-byte UTF-8, and a surrogate pair (four bytes). */
  private static final String TEXT = "{\"sdp\":\"v=0 é ü 漢字 😀\",\"n\":1}";

  /** Encodes after {@code prefix} bytes already in the buffer and decodes from that position. */
  private static InterNodeMessage roundTrip(InterNodeMessage m, int prefix) {
    Buffer wire = Buffer.buffer();
    for (int i = 0; i < prefix; i++) {
      wire.appendByte((byte) (0xA0 + i));
    }
    CODEC.encodeToWire(wire, m);
    wire.appendString("trailing bytes of the next frame");
    return CODEC.decodeFromWire(prefix, wire);
  }

  @Test
  void aDeliverComesBackWholeAfterBytesThatAreNotItsOwn() {
    Deliver sent = new Deliver(NodeId.of("node-ü"), List.of(SocketId.of("s1"), SocketId.of("s-漢")), "ice-candidate",
        TEXT, List.of(new Deliver.Binary("/file", new byte[] {0, 1, (byte) 255}), new Deliver.Binary("", new byte[0])));
    for (int prefix : new int[] {0, 1, 7, 300}) {
      Deliver got = (Deliver) roundTrip(sent, prefix);
      assertEquals(sent.origin(), got.origin());
      assertEquals(sent.sockets(), got.sockets());
      assertEquals(sent.event(), got.event());
      assertEquals(TEXT, got.payloadJson(), "prefix " + prefix);
      assertEquals("/file", got.binaries().get(0).pointer());
      assertArrayEquals(new byte[] {0, 1, (byte) 255}, got.binaries().get(0).data());
      assertEquals("", got.binaries().get(1).pointer(), "an empty string stays one");
      assertEquals(0, got.binaries().get(1).data().length);
    }
  }

  @Test
  void theLengthPrefixCountsUtf8BytesNotCharacters() {
    Buffer wire = Buffer.buffer();
    CODEC.encodeToWire(wire, new Deliver(NodeId.of("n"), List.of(), "e", TEXT));
    byte[] utf8 = TEXT.getBytes(StandardCharsets.UTF_8);
    // version, type, "n", "e", socket count 0: then the payload's length and bytes.
    int at = 2 + (4 + 1) + (4 + 1) + 4;
    assertEquals(utf8.length, wire.getInt(at));
    assertArrayEquals(utf8, wire.getBytes(at + 4, at + 4 + utf8.length));
  }

  @Test
  void pollingMessagesComeBackWhole() {
    PollRequest req = (PollRequest) roundTrip(new PollRequest(NodeId.of("n1"), "x-1", "sid-é", true,
        "4hello".getBytes(StandardCharsets.UTF_8), false), 5);
    assertEquals("x-1", req.exchangeId());
    assertEquals("sid-é", req.sid());
    assertArrayEquals("4hello".getBytes(StandardCharsets.UTF_8), req.body());

    PollResponse res = (PollResponse) roundTrip(new PollResponse(NodeId.of("n2"), 200, "text/plain; charset=UTF-8",
        TEXT, true), 3);
    assertEquals(200, res.status());
    assertEquals(TEXT, res.body());
    assertEquals(true, res.closeConnection());

    PollCancel cancel = (PollCancel) roundTrip(new PollCancel(NodeId.of("n3"), "sid", "x-2"), 0);
    assertEquals(new PollCancel(NodeId.of("n3"), "sid", "x-2"), cancel);
  }

  @Test
  void anotherVersionDecodesToNothing() {
    Buffer wire = Buffer.buffer().appendByte((byte) (InterNodeMessage.VERSION + 1)).appendByte((byte) 1);
    assertNull(CODEC.decodeFromWire(0, wire));
  }
}
