package io.switchboard.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.BinaryNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.signaling.ids.NodeId;
import io.switchboard.signaling.ids.SocketId;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Binary values of a relayed payload cross nodes as binary: lifted out, carried by the codec, put back. */
class BinariesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  @Test
  void nestedBinariesSurviveTheWire() throws Exception {
    ObjectNode payload = F.objectNode();
    payload.put("to", "bob").put("text", "a file");
    payload.set("file", BinaryNode.valueOf(new byte[] {0, 1, 2, (byte) 250, (byte) 255}));
    payload.putArray("parts").add(BinaryNode.valueOf("x".getBytes())).add("y");
    payload.putObject("odd keys").set("a/b~c", BinaryNode.valueOf(new byte[] {7}));
    assertTrue(Binaries.contains(payload));

    List<Deliver.Binary> binaries = new ArrayList<>();
    JsonNode text = Binaries.lift(payload.deepCopy(), binaries);
    assertEquals(3, binaries.size());
    assertFalse(Binaries.contains(text));
    Deliver sent = new Deliver(NodeId.of("n1"), List.of(SocketId.of("s1"), SocketId.of("s2")), "receiveMessage",
        JSON.writeValueAsString(text), binaries);

    InterNodeCodec codec = new InterNodeCodec();
    Buffer wire = Buffer.buffer();
    codec.encodeToWire(wire, sent);
    Deliver got = (Deliver) codec.decodeFromWire(0, wire);
    assertEquals(sent.sockets(), got.sockets());
    assertEquals(sent.payloadJson(), got.payloadJson());
    JsonNode restored = Binaries.restore(JSON.readTree(got.payloadJson()), got.binaries());
    assertEquals(payload, restored);
    assertArrayEquals(new byte[] {0, 1, 2, (byte) 250, (byte) 255}, restored.get("file").binaryValue());
    assertTrue(restored.get("parts").get(0).isBinary());
    assertTrue(restored.get("odd keys").get("a/b~c").isBinary());
  }

  @Test
  void aPayloadWithoutBinariesIsUntouched() throws Exception {
    JsonNode payload = JSON.readTree("{\"roomId\":\"r\",\"candidate\":{\"candidate\":\"c\"},\"n\":[1,null,true]}");
    assertFalse(Binaries.contains(payload));
    Deliver sent = new Deliver(NodeId.of("n1"), List.of(SocketId.of("s1")), "ice-candidate", payload.toString());
    Buffer wire = Buffer.buffer();
    new InterNodeCodec().encodeToWire(wire, sent);
    Deliver got = (Deliver) new InterNodeCodec().decodeFromWire(0, wire);
    assertEquals(List.of(), got.binaries());
    assertEquals(payload, Binaries.restore(JSON.readTree(got.payloadJson()), got.binaries()));
  }

  @Test
  void aBinaryPayloadItself() {
    List<Deliver.Binary> binaries = new ArrayList<>();
    JsonNode text = Binaries.lift(BinaryNode.valueOf(new byte[] {9}), binaries);
    assertTrue(text.isNull());
    JsonNode back = Binaries.restore(text, binaries);
    assertTrue(back.isBinary());
  }
}
