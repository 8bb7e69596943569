package io.switchboard.protocol.socketio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.vertx.core.buffer.Buffer;

/** Turns Java arguments into JSON trees: JsonNode as is, byte[]/Buffer as binary, the rest through Jackson. */
final class Values {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private Values() {}

  static JsonNode toNode(Object value) {
    if (value == null) {
      return NODES.nullNode();
    }
    if (value instanceof JsonNode node) {
      return node;
    }
    if (value instanceof String s) {
      return NODES.textNode(s);
    }
    if (value instanceof byte[] bytes) {
      return NODES.binaryNode(bytes);
    }
    if (value instanceof Buffer buffer) {
      return NODES.binaryNode(buffer.getBytes());
    }
    return Json.MAPPER.valueToTree(value);
  }

  static ArrayNode eventArray(String event, Object[] args) {
    ArrayNode array = NODES.arrayNode(args.length + 1);
    array.add(event);
    for (Object a : args) {
      array.add(toNode(a));
    }
    return array;
  }

  static ArrayNode array(Object[] args) {
    ArrayNode array = NODES.arrayNode(args.length);
    for (Object a : args) {
      array.add(toNode(a));
    }
    return array;
  }
}
