package io.switchboard.signaling;

/**
 * The closed catalogue of error codes clients see, in {@code error} events
 * ({@code {message, code, event}}), failed acks ({@code {ok:false, code, message}}) and HTTP
 * errors ({@code {"error":{code,message}}}). The wire word never changes once published.
 */
public enum ErrorCode {
  /** Missing field, wrong type, malformed value. */
  BAD_REQUEST("bad_request", 400),
  /** A string, SDP, candidate or payload over its cap. */
  TOO_LARGE("too_large", 400),
  NOT_FOUND("not_found", 404),
  BAD_PASSWORD("bad_password", 403),
  UNAUTHORIZED("unauthorized", 403),
  ROOM_FULL("room_full", 409),
  MEETING_FULL("meeting_full", 409),
  MEETING_ENDED("meeting_ended", 410),
  /** The sender (or the target) is not in the room or meeting it named. */
  NOT_MEMBER("not_member", 403),
  CONFLICT("conflict", 409),
  /** The callee is in a connected call. */
  BUSY("busy", 409),
  RATE_LIMITED("rate_limited", 429),
  /** An event this server does not implement (only answered when the client asked for an ack). */
  UNKNOWN_EVENT("unknown_event", 400),
  /** The shared state (Redis) cannot be reached now; retry later. */
  UNAVAILABLE("unavailable", 503),
  INTERNAL("internal", 500);

  private final String wire;
  private final int httpStatus;

  ErrorCode(String wire, int httpStatus) {
    this.wire = wire;
    this.httpStatus = httpStatus;
  }

  /** The machine word clients see. */
  public String wire() {
    return wire;
  }

  public int httpStatus() {
    return httpStatus;
  }
}
