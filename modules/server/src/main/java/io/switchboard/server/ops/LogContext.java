package io.switchboard.server.ops;

import org.slf4j.MDC;

/**
 * Structured fields for one log line. The code logs through {@link System.Logger}; in the packaged
 * server that reaches SLF4J on the calling thread, so fields put in the MDC around the call become
 * fields of the JSON line ({@code socket}, {@code user}, {@code meeting}, ...). The node id is not
 * here: it is a field of every line ({@link Logging#nodeId}).
 */
public final class LogContext {
  public static final String SOCKET = "socket";
  public static final String USER = "user";
  public static final String MEETING = "meeting";
  public static final String ROOM = "room";
  public static final String EVENT = "event";

  /** Longest value put in a field (ids are bounded by the limits anyway; this guards odd input). */
  private static final int MAX_VALUE = 256;

  private LogContext() {}

  /**
   * Logs {@code message} (and {@code thrown}, may be null) with the given fields, as key, value
   * pairs; null values are left out. Costs nothing when the level is off.
   */
  public static void log(System.Logger logger, System.Logger.Level level, String message, Throwable thrown,
      String... keyValues) {
    if (!logger.isLoggable(level)) {
      return;
    }
    int put = 0;
    String[] keys = new String[keyValues.length / 2];
    try {
      for (int i = 0; i + 1 < keyValues.length; i += 2) {
        String value = keyValues[i + 1];
        if (value != null) {
          MDC.put(keyValues[i], value.length() > MAX_VALUE ? value.substring(0, MAX_VALUE) : value);
          keys[put++] = keyValues[i];
        }
      }
      if (thrown == null) {
        logger.log(level, message);
      } else {
        logger.log(level, message, thrown);
      }
    } finally {
      for (int i = 0; i < put; i++) {
        MDC.remove(keys[i]);
      }
    }
  }
}
