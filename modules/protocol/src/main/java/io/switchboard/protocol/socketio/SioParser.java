package io.switchboard.protocol.socketio;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.BufferRecycler;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BinaryNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.protocol.ProtocolException;
import io.switchboard.protocol.engine.EncodedText;
import io.switchboard.protocol.engine.EnginePacketType;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Socket.IO v5 packet encoding: {@code <type>[<attachments>-][<nsp>,][<id>][<json>]}, binary
 * values replaced by {@code {"_placeholder":true,"num":n}} and sent as separate messages.
 */
public final class SioParser {
  private static final Set<String> RESERVED_EVENTS =
      Set.of("connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener");
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private SioParser() {}

  // ---- encoding --------------------------------------------------------------------------------

  public static EncodedPacket encode(SioPacket packet) {
    JsonNode data = packet.data();
    List<Buffer> attachments = List.of();
    SioPacketType type = packet.type();
    if (data != null && (type == SioPacketType.EVENT || type == SioPacketType.ACK
        || type == SioPacketType.BINARY_EVENT || type == SioPacketType.BINARY_ACK)) {
      if (hasBinary(data)) {
        attachments = new ArrayList<>(2);
        data = deconstruct(data, attachments);
        type = type == SioPacketType.EVENT || type == SioPacketType.BINARY_EVENT
            ? SioPacketType.BINARY_EVENT : SioPacketType.BINARY_ACK;
      } else {
        type = type == SioPacketType.BINARY_EVENT ? SioPacketType.EVENT
            : type == SioPacketType.BINARY_ACK ? SioPacketType.ACK : type;
      }
    }
    StringBuilder header = new StringBuilder(16);
    header.append(type.digit());
    if (type == SioPacketType.BINARY_EVENT || type == SioPacketType.BINARY_ACK) {
      header.append(attachments.size()).append('-');
    }
    if (!"/".equals(packet.nsp())) {
      header.append(packet.nsp()).append(',');
    }
    if (packet.hasId()) {
      header.append(packet.id());
    }
    return new EncodedPacket(frame(header, data), attachments);
  }

  /**
   * The Engine.IO MESSAGE frame of a packet: the digit, the header, then the JSON, which Jackson
   * writes straight into the same bytes (no text of the packet is made unless a polling session
   * asks for it).
   */
  private static EncodedText frame(CharSequence header, JsonNode data) {
    BufferRecycler recycler = Json.MAPPER.getFactory()._getBufferRecycler();
    try (ByteArrayBuilder out = new ByteArrayBuilder(recycler)) {
      out.write(EnginePacketType.MESSAGE.digit());
      out.write(header.toString().getBytes(StandardCharsets.UTF_8));
      if (data != null) {
        Json.MAPPER.writeValue(out, data);
      }
      return EncodedText.ofFrame(out.getClearAndRelease());
    } catch (IOException e) {
      throw new IllegalStateException("a JSON tree always serialises", e);
    } finally {
      recycler.releaseToPool();
    }
  }

  /**
   * The EVENT packet {@code [event, payload]} for {@code nsp}, from the payload's JSON text as
   * {@link Json#write} wrote it (no binary values): the same text {@link #encode} gives for the
   * parsed payload, without parsing it. For a payload that crossed nodes as text.
   */
  public static EncodedPacket encodeEvent(String nsp, String event, String payloadJson) {
    StringBuilder sb = new StringBuilder(event.length() + nsp.length() + 8);
    sb.append(SioPacketType.EVENT.digit());
    if (!"/".equals(nsp)) {
      sb.append(nsp).append(',');
    }
    sb.append('[');
    if (plainAscii(event)) {
      // Every event name of the contract: JSON writes it between quotes as it is.
      sb.append('"').append(event).append('"');
    } else {
      sb.append(Json.write(com.fasterxml.jackson.databind.node.TextNode.valueOf(event)));
    }
    return new EncodedPacket(EncodedText.of(sb.append(',').toString(), payloadJson, "]"), List.of());
  }

  /** Printable ASCII without a quote or a backslash: nothing JSON would escape. */
  private static boolean plainAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
        return false;
      }
    }
    return true;
  }

  static boolean hasBinary(JsonNode node) {
    if (node instanceof BinaryNode) {
      return true;
    }
    if (node.isContainerNode()) {
      for (JsonNode child : node) {
        if (hasBinary(child)) {
          return true;
        }
      }
    }
    return false;
  }

  private static JsonNode deconstruct(JsonNode node, List<Buffer> attachments) {
    if (node instanceof BinaryNode bin) {
      ObjectNode placeholder = NODES.objectNode();
      placeholder.put("_placeholder", true);
      placeholder.put("num", attachments.size());
      attachments.add(Buffer.buffer(bin.binaryValue()));
      return placeholder;
    }
    if (node instanceof ArrayNode array) {
      ArrayNode copy = NODES.arrayNode(array.size());
      for (JsonNode child : array) {
        copy.add(deconstruct(child, attachments));
      }
      return copy;
    }
    if (node instanceof ObjectNode object) {
      ObjectNode copy = NODES.objectNode();
      for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        copy.set(e.getKey(), deconstruct(e.getValue(), attachments));
      }
      return copy;
    }
    return node;
  }

  // ---- decoding --------------------------------------------------------------------------------

  /**
   * Decodes the packets of one connection. Stateful: a binary packet's header is followed by its
   * attachments as binary messages. Not thread-safe; one per connection.
   */
  public static final class Decoder {
    private final int maxAttachments;
    private SioPacket pending;
    private int expected;
    private List<byte[]> received;

    public Decoder(int maxAttachments) {
      this.maxAttachments = maxAttachments;
    }

    /** Decodes a text message; returns the packet, or null while attachments are awaited. */
    public SioPacket decodeText(String text) {
      if (pending != null) {
        throw new ProtocolException("got plaintext data when reconstructing a packet");
      }
      int len = text.length();
      if (len == 0) {
        throw new ProtocolException("empty packet");
      }
      SioPacketType type = SioPacketType.fromDigit(text.charAt(0));
      if (type == null) {
        throw new ProtocolException("unknown packet type " + text.charAt(0));
      }
      int i = 1;
      int attachments = 0;
      boolean binary = type == SioPacketType.BINARY_EVENT || type == SioPacketType.BINARY_ACK;
      if (binary) {
        int start = i;
        while (i < len && isDigit(text.charAt(i))) {
          i++;
        }
        if (i == start || i >= len || text.charAt(i) != '-' || i - start > 6) {
          throw new ProtocolException("illegal attachments");
        }
        attachments = Integer.parseInt(text, start, i, 10);
        if (attachments > maxAttachments) {
          throw new ProtocolException("too many attachments");
        }
        i++;
      }
      String nsp = "/";
      if (i < len && text.charAt(i) == '/') {
        int start = i;
        while (i < len && text.charAt(i) != ',') {
          i++;
        }
        nsp = text.substring(start, i);
        if (i < len) {
          i++;
        }
      }
      long id = SioPacket.NO_ID;
      if (i < len && isDigit(text.charAt(i))) {
        int start = i;
        while (i < len && isDigit(text.charAt(i))) {
          i++;
        }
        if (i - start > 15) {
          throw new ProtocolException("illegal ack id");
        }
        id = Long.parseLong(text, start, i, 10);
      }
      JsonNode data = null;
      if (i < len) {
        try {
          data = Json.parse(text, i);
        } catch (JsonProcessingException | NumberFormatException e) {
          // NumberFormatException: valid JSON numbers BigDecimal cannot hold (1e99999999999).
          throw new ProtocolException("invalid payload");
        }
      }
      if (!payloadValid(type, data)) {
        throw new ProtocolException("invalid payload");
      }
      if (id >= 0 && type != SioPacketType.EVENT && type != SioPacketType.BINARY_EVENT
          && type != SioPacketType.ACK && type != SioPacketType.BINARY_ACK) {
        throw new ProtocolException("unexpected ack id");
      }
      SioPacket packet = new SioPacket(type, nsp, id, data);
      if (binary && attachments > 0) {
        pending = packet;
        expected = attachments;
        received = new ArrayList<>(attachments);
        return null;
      }
      return binary ? reconstruct(packet, List.of()) : packet;
    }

    /** Decodes a binary message: the next attachment of the pending packet. */
    public SioPacket decodeBinary(Buffer data) {
      if (pending == null) {
        throw new ProtocolException("got binary data when not reconstructing a packet");
      }
      received.add(data.getBytes());
      if (received.size() < expected) {
        return null;
      }
      SioPacket packet = reconstruct(pending, received);
      pending = null;
      received = null;
      return packet;
    }

    private static SioPacket reconstruct(SioPacket packet, List<byte[]> attachments) {
      JsonNode data = packet.data() == null ? null : fill(packet.data(), attachments);
      SioPacketType type = packet.type() == SioPacketType.BINARY_EVENT ? SioPacketType.EVENT : SioPacketType.ACK;
      return new SioPacket(type, packet.nsp(), packet.id(), data);
    }

    private static JsonNode fill(JsonNode node, List<byte[]> attachments) {
      if (node instanceof ObjectNode object) {
        JsonNode marker = object.get("_placeholder");
        if (marker != null && marker.isBoolean() && marker.booleanValue()) {
          JsonNode num = object.get("num");
          if (num == null || !num.canConvertToInt() || !num.isIntegralNumber()
              || num.intValue() < 0 || num.intValue() >= attachments.size()) {
            throw new ProtocolException("illegal attachment index");
          }
          return NODES.binaryNode(attachments.get(num.intValue()));
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> e = it.next();
          e.setValue(fill(e.getValue(), attachments));
        }
        return object;
      }
      if (node instanceof ArrayNode array) {
        for (int k = 0; k < array.size(); k++) {
          array.set(k, fill(array.get(k), attachments));
        }
        return array;
      }
      return node;
    }
  }

  static boolean payloadValid(SioPacketType type, JsonNode data) {
    return switch (type) {
      case CONNECT -> data == null || data.isObject();
      case DISCONNECT -> data == null;
      case CONNECT_ERROR -> data != null && (data.isTextual() || data.isObject());
      case EVENT, BINARY_EVENT -> data != null && data.isArray() && !data.isEmpty()
          && (data.get(0).isNumber() || (data.get(0).isTextual() && !RESERVED_EVENTS.contains(data.get(0).textValue())));
      case ACK, BINARY_ACK -> data != null && data.isArray();
    };
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }
}
