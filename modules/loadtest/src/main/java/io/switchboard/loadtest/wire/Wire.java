package io.switchboard.loadtest.wire;

/**
 * The client side of Engine.IO v4 + Socket.IO v5 over WebSocket, text frames only: just what a
 * virtual user needs, written for speed (no JSON tree on the hot path).
 *
 * <p>A WebSocket text frame carries one Engine.IO packet: a type digit then data ({@code 0} open,
 * {@code 1} close, {@code 2} ping, {@code 3} pong, {@code 4} message, {@code 6} noop). A message
 * carries one Socket.IO packet: a type digit ({@code 0} CONNECT, {@code 1} DISCONNECT, {@code 2}
 * EVENT, {@code 3} ACK, {@code 4} CONNECT_ERROR), then an optional namespace ending in {@code ,}
 * (absent for {@code /}), an optional ack id (digits), then JSON. An event's JSON is an array whose
 * first element is the event name: {@code 42["name",{...}]}, {@code 4217["name",{...}]} (ack id 17),
 * and the ack for it {@code 4317[{...}]}.
 */
public final class Wire {
  public static final String PONG = "3";
  public static final String CONNECT = "40";
  public static final String DISCONNECT = "41";

  private Wire() {}

  /** The Socket.IO CONNECT packet for a namespace, with an optional auth JSON object. */
  public static String connect(String namespace, String authJson) {
    StringBuilder sb = new StringBuilder("40");
    if (namespace != null && !namespace.isEmpty() && !"/".equals(namespace)) {
      sb.append(namespace).append(',');
    }
    if (authJson != null) {
      sb.append(authJson);
    }
    return sb.toString();
  }

  /**
   * An EVENT frame: {@code 42[<name>,<argJson>]}, or {@code 42<ackId>[...]} when {@code ackId >= 0}.
   * {@code argJson} is one JSON value (already encoded), or null for an event without argument.
   */
  public static String event(String name, String argJson, long ackId) {
    StringBuilder sb = new StringBuilder(name.length() + (argJson == null ? 0 : argJson.length()) + 16);
    sb.append("42");
    if (ackId >= 0) {
      sb.append(ackId);
    }
    sb.append('[');
    appendString(sb, name);
    if (argJson != null) {
      sb.append(',').append(argJson);
    }
    return sb.append(']').toString();
  }

  /** Appends a JSON string literal. */
  public static StringBuilder appendString(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"');
  }

  /** A JSON string literal. */
  public static String quote(String s) {
    return appendString(new StringBuilder(s.length() + 2), s).toString();
  }

  /**
   * Parses one text frame. Never throws: a frame that is not understood comes back with {@link
   * Frame#engineType()} {@code '?'}.
   */
  public static Frame parse(String text) {
    if (text == null || text.isEmpty()) {
      return Frame.UNKNOWN;
    }
    char engine = text.charAt(0);
    if (engine != '4') {
      return switch (engine) {
        case '0', '1', '2', '3', '5', '6' -> new Frame(engine, -1, "/", -1, text.substring(1));
        default -> Frame.UNKNOWN;
      };
    }
    if (text.length() < 2) {
      return Frame.UNKNOWN;
    }
    int sio = text.charAt(1) - '0';
    if (sio < 0 || sio > 6) {
      return Frame.UNKNOWN;
    }
    int i = 2;
    int n = text.length();
    String nsp = "/";
    if (i < n && text.charAt(i) == '/') {
      int comma = text.indexOf(',', i);
      if (comma < 0) {
        return new Frame('4', sio, text.substring(i), -1, "");
      }
      nsp = text.substring(i, comma);
      i = comma + 1;
    }
    long ack = -1;
    int digitsStart = i;
    while (i < n && i - digitsStart < 18) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        break;
      }
      ack = (ack < 0 ? 0 : ack * 10) + (c - '0');
      i++;
    }
    return new Frame('4', sio, nsp, ack, text.substring(i));
  }

  /**
   * The event name of an EVENT packet's data ({@code ["name",...]}), without parsing the rest; null
   * when the data does not start with a plain string (escapes in names are not expected).
   */
  public static String eventName(String data) {
    if (data.length() < 4 || data.charAt(0) != '[' || data.charAt(1) != '"') {
      return null;
    }
    int end = data.indexOf('"', 2);
    if (end < 0) {
      return null;
    }
    String name = data.substring(2, end);
    return name.indexOf('\\') >= 0 ? null : name;
  }

  /** Whether an EVENT packet's data names {@code name}: {@code ["name"...}. */
  public static boolean isEvent(String data, String name) {
    int len = name.length();
    return data.length() >= len + 3 && data.charAt(0) == '[' && data.charAt(1) == '"'
        && data.startsWith(name, 2) && data.charAt(len + 2) == '"';
  }

  /**
   * The value of the first {@code "key":<integer>} in a JSON text, found by scanning (the key must
   * be unique in the text, as the fields the tool embeds are); {@code missing} when absent or not
   * an integer.
   */
  public static long longField(String json, String key, long missing) {
    int k = findKey(json, key);
    if (k < 0) {
      return missing;
    }
    int i = k;
    int n = json.length();
    while (i < n && json.charAt(i) == ' ') {
      i++;
    }
    boolean negative = false;
    if (i < n && json.charAt(i) == '-') {
      negative = true;
      i++;
    }
    int start = i;
    long v = 0;
    while (i < n) {
      char c = json.charAt(i);
      if (c < '0' || c > '9') {
        break;
      }
      v = v * 10 + (c - '0');
      i++;
    }
    if (i == start || i - start > 18) {
      return missing;
    }
    return negative ? -v : v;
  }

  /** The value of the first {@code "key":"<string without escapes>"}, or null. */
  public static String stringField(String json, String key) {
    int k = findKey(json, key);
    if (k < 0) {
      return null;
    }
    int i = k;
    int n = json.length();
    while (i < n && json.charAt(i) == ' ') {
      i++;
    }
    if (i >= n || json.charAt(i) != '"') {
      return null;
    }
    int end = json.indexOf('"', i + 1);
    if (end < 0) {
      return null;
    }
    String s = json.substring(i + 1, end);
    return s.indexOf('\\') >= 0 ? null : s;
  }

  /** Index just after {@code "key":} (spaces allowed before the colon), or -1. */
  private static int findKey(String json, String key) {
    String quoted = '"' + key + '"';
    int from = 0;
    while (true) {
      int at = json.indexOf(quoted, from);
      if (at < 0) {
        return -1;
      }
      int i = at + quoted.length();
      while (i < json.length() && json.charAt(i) == ' ') {
        i++;
      }
      if (i < json.length() && json.charAt(i) == ':') {
        return i + 1;
      }
      from = at + 1;
    }
  }

  /**
   * One parsed frame.
   *
   * @param engineType the Engine.IO type digit, or {@code '?'}
   * @param sioType the Socket.IO type (0..6) for messages, else -1
   * @param namespace the namespace ({@code /} when absent)
   * @param ackId the ack id, or -1
   * @param data what follows: the Engine.IO data, or the Socket.IO packet's JSON
   */
  public record Frame(char engineType, int sioType, String namespace, long ackId, String data) {
    static final Frame UNKNOWN = new Frame('?', -1, "/", -1, "");

    public boolean isEvent() {
      return engineType == '4' && sioType == 2;
    }

    public boolean isAck() {
      return engineType == '4' && sioType == 3;
    }
  }
}
