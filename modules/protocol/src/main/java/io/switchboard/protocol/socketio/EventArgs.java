package io.switchboard.protocol.socketio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;

/** The arguments of an incoming event (the event name excluded), as JSON trees. */
public final class EventArgs {
  private final ArrayNode raw;
  private final int offset;

  EventArgs(ArrayNode raw, int offset) {
    this.raw = raw;
    this.offset = offset;
  }

  public int size() {
    return raw.size() - offset;
  }

  /** The i-th argument, or null when there is none. */
  public JsonNode get(int i) {
    return i < 0 ? null : raw.get(i + offset);
  }

  /** A new array with the arguments. */
  public ArrayNode toArray() {
    ArrayNode copy = raw.arrayNode(size());
    for (int i = offset; i < raw.size(); i++) {
      copy.add(raw.get(i));
    }
    return copy;
  }

  /** The arguments as an array, ready to pass on to {@code emit} or an {@link Ack}. */
  public Object[] values() {
    Object[] values = new Object[size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = raw.get(i + offset);
    }
    return values;
  }

  @Override
  public String toString() {
    return toArray().toString();
  }
}
