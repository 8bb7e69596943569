package io.switchboard.cluster;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BinaryNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Binary values of a payload across the JSON text of a {@link Deliver}: lifted out (each replaced
 * by {@code null} and listed with its JSON Pointer) by the sender, put back by the receiver, so a
 * relayed payload with Socket.IO attachments reaches sockets on other nodes as it reaches local
 * ones (as binary, not as base64 text).
 */
final class Binaries {
  private Binaries() {}

  /** Whether the payload holds a binary value anywhere. */
  static boolean contains(JsonNode node) {
    if (node == null) {
      return false;
    }
    if (node.isBinary()) {
      return true;
    }
    if (node.isContainerNode()) {
      for (JsonNode child : node) {
        if (contains(child)) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Replaces every binary value of {@code node} (a copy the caller owns) by null, adding it to
   * {@code out}; returns the node to serialize (null when the payload itself was binary).
   */
  static JsonNode lift(JsonNode node, List<Deliver.Binary> out) {
    if (node.isBinary()) {
      out.add(new Deliver.Binary("", binaryValue(node)));
      return NullNode.getInstance();
    }
    liftChildren(node, "", out);
    return node;
  }

  private static void liftChildren(JsonNode node, String pointer, List<Deliver.Binary> out) {
    if (node instanceof ObjectNode object) {
      for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String at = pointer + "/" + escape(e.getKey());
        if (e.getValue().isBinary()) {
          out.add(new Deliver.Binary(at, binaryValue(e.getValue())));
          e.setValue(NullNode.getInstance());
        } else {
          liftChildren(e.getValue(), at, out);
        }
      }
    } else if (node instanceof ArrayNode array) {
      for (int i = 0; i < array.size(); i++) {
        String at = pointer + "/" + i;
        if (array.get(i).isBinary()) {
          out.add(new Deliver.Binary(at, binaryValue(array.get(i))));
          array.set(i, NullNode.getInstance());
        } else {
          liftChildren(array.get(i), at, out);
        }
      }
    }
  }

  /** Puts the binary values back where they were; returns the payload (binary itself when its pointer is empty). */
  static JsonNode restore(JsonNode payload, List<Deliver.Binary> binaries) {
    JsonNode root = payload;
    for (Deliver.Binary b : binaries) {
      BinaryNode value = BinaryNode.valueOf(b.data());
      if (b.pointer().isEmpty()) {
        root = value;
        continue;
      }
      JsonPointer at = JsonPointer.compile(b.pointer());
      JsonNode parent = root.at(at.head());
      JsonPointer last = at.last();
      if (parent instanceof ObjectNode object) {
        object.set(last.getMatchingProperty(), value);
      } else if (parent instanceof ArrayNode array && last.getMatchingIndex() >= 0 && last.getMatchingIndex() < array.size()) {
        array.set(last.getMatchingIndex(), value);
      } else {
        throw new IllegalArgumentException("no place for a binary value at " + b.pointer());
      }
    }
    return root;
  }

  private static byte[] binaryValue(JsonNode node) {
    try {
      return node.binaryValue();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** RFC 6901: {@code ~} as {@code ~0}, {@code /} as {@code ~1}. */
  private static String escape(String key) {
    return key.replace("~", "~0").replace("/", "~1");
  }
}
