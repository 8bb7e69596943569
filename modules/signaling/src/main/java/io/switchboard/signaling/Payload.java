package io.switchboard.signaling;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Typed, bounded reads of one event payload. Every failed check throws a
 * {@link SignalingException} ({@code bad_request} or {@code too_large}) naming the field, so
 * handlers read fields before they change anything and bad input never changes state.
 */
public final class Payload {
  private final JsonNode node;
  private final Limits limits;

  private Payload(JsonNode node, Limits limits) {
    this.node = node;
    this.limits = limits;
  }

  /** The payload must be a JSON object no larger than the event cap. */
  public static Payload object(JsonNode node, Limits limits) {
    if (node == null || !node.isObject()) {
      throw SignalingException.badRequest("payload must be an object");
    }
    checkSize("payload", node, limits.maxEventLength());
    return new Payload(node, limits);
  }

  /** A payload that is a bare string id, as in {@code userOnline(userId)}; an object with {@code field} is accepted too. */
  public static String idOrField(JsonNode node, String field, Limits limits) {
    if (node != null && node.isObject()) {
      return object(node, limits).requiredId(field);
    }
    if (node == null || (!node.isTextual() && !node.isIntegralNumber())) {
      throw SignalingException.badRequest(field + " is required (a string)");
    }
    return checkId(field, node.asText(), limits);
  }

  /** Whether a payload is larger than {@code max} JSON characters (a cheap bound, stops early). */
  public static boolean exceeds(JsonNode node, int max) {
    return node != null && JsonSize.exceeds(node, max);
  }

  public JsonNode raw() {
    return node;
  }

  public boolean has(String field) {
    JsonNode v = node.get(field);
    return v != null && !v.isNull();
  }

  public String requiredId(String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      throw SignalingException.badRequest(field + " is required");
    }
    if (!v.isTextual() && !v.isIntegralNumber()) {
      throw SignalingException.badRequest(field + " must be a string");
    }
    return checkId(field, v.asText(), limits);
  }

  public String optionalId(String field) {
    return has(field) ? requiredId(field) : null;
  }

  public String requiredName(String field) {
    String s = requiredString(field);
    if (s.length() > limits.maxNameLength()) {
      throw new SignalingException(ErrorCode.TOO_LARGE, field + " is longer than " + limits.maxNameLength() + " characters");
    }
    return s;
  }

  public String optionalName(String field) {
    return has(field) ? requiredName(field) : null;
  }

  public String optionalPassword(String field) {
    if (!has(field)) {
      return null;
    }
    JsonNode v = node.get(field);
    if (!v.isTextual()) {
      throw SignalingException.badRequest(field + " must be a string");
    }
    if (v.textValue().length() > limits.maxPasswordLength()) {
      throw new SignalingException(ErrorCode.TOO_LARGE, field + " is longer than " + limits.maxPasswordLength() + " characters");
    }
    return v.textValue();
  }

  public boolean optionalBoolean(String field, boolean otherwise) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return otherwise;
    }
    if (!v.isBoolean()) {
      throw SignalingException.badRequest(field + " must be a boolean");
    }
    return v.booleanValue();
  }

  /** A required object field, within the event cap. */
  public JsonNode requiredObject(String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      throw SignalingException.badRequest(field + " is required");
    }
    if (!v.isObject()) {
      throw SignalingException.badRequest(field + " must be an object");
    }
    return v;
  }

  /** An SDP: an RTCSessionDescription-like object ({@code sdp} a string) or a bare SDP string, within the SDP cap. */
  public JsonNode sdp(String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      throw SignalingException.badRequest(field + " is required");
    }
    if (v.isObject()) {
      JsonNode sdp = v.get("sdp");
      if (sdp != null && !sdp.isNull() && !sdp.isTextual()) {
        throw SignalingException.badRequest(field + ".sdp must be a string");
      }
    } else if (!v.isTextual()) {
      throw SignalingException.badRequest(field + " must be an object or a string");
    }
    checkSize(field, v, limits.maxSdpLength());
    return v;
  }

  /** An ICE candidate: an RTCIceCandidate-like object, a string, or null (end of candidates), within its cap. */
  public JsonNode candidate(String field) {
    if (!node.has(field)) {
      throw SignalingException.badRequest(field + " is required");
    }
    JsonNode v = node.get(field);
    if (!v.isNull() && !v.isObject() && !v.isTextual()) {
      throw SignalingException.badRequest(field + " must be an object");
    }
    checkSize(field, v, limits.maxCandidateLength());
    return v;
  }

  /** A required array of ids. */
  public List<String> requiredIds(String field, int maxItems) {
    JsonNode v = node.get(field);
    if (v == null || !v.isArray()) {
      throw SignalingException.badRequest(field + " must be an array of ids");
    }
    if (v.size() > maxItems) {
      throw new SignalingException(ErrorCode.TOO_LARGE, field + " has more than " + maxItems + " items");
    }
    List<String> out = new ArrayList<>(v.size());
    for (JsonNode item : v) {
      if (!item.isTextual() && !item.isIntegralNumber()) {
        throw SignalingException.badRequest(field + " must be an array of ids");
      }
      out.add(checkId(field, item.asText(), limits));
    }
    return out;
  }

  private String requiredString(String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      throw SignalingException.badRequest(field + " is required");
    }
    if (!v.isTextual()) {
      throw SignalingException.badRequest(field + " must be a string");
    }
    String s = v.textValue().strip();
    if (s.isEmpty()) {
      throw SignalingException.badRequest(field + " must not be empty");
    }
    return s;
  }

  static String checkId(String field, String value, Limits limits) {
    if (value.isBlank()) {
      throw SignalingException.badRequest(field + " must not be empty");
    }
    if (value.length() > limits.maxIdLength()) {
      throw new SignalingException(ErrorCode.TOO_LARGE, field + " is longer than " + limits.maxIdLength() + " characters");
    }
    return value;
  }

  static void checkSize(String field, JsonNode value, int max) {
    if (JsonSize.exceeds(value, max)) {
      throw new SignalingException(ErrorCode.TOO_LARGE, field + " is larger than " + max + " characters");
    }
  }
}
