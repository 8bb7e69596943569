package io.switchboard.signaling;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;

/** Cheap upper-bound size of a JSON tree as text, stopping as soon as a limit is passed. */
final class JsonSize {
  private JsonSize() {}

  static boolean exceeds(JsonNode node, long limit) {
    return size(node, limit) > limit;
  }

  private static long size(JsonNode node, long limit) {
    if (node.isTextual()) {
      return node.textValue().length() + 2L;
    }
    if (node instanceof com.fasterxml.jackson.databind.node.BinaryNode bin) {
      return bin.binaryValue().length;
    }
    if (node.isArray()) {
      long total = 2;
      for (JsonNode child : node) {
        total += size(child, limit) + 1;
        if (total > limit) {
          return total;
        }
      }
      return total;
    }
    if (node.isObject()) {
      long total = 2;
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        total += e.getKey().length() + 4 + size(e.getValue(), limit);
        if (total > limit) {
          return total;
        }
      }
      return total;
    }
    return node.asText().length();
  }
}
