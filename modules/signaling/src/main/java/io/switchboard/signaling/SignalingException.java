package io.switchboard.signaling;

import java.util.Objects;

/**
 * A refused request: a code from the catalogue and a message worded for the client (as the seeds
 * word it where they do). Carries no stack trace: it is an answer, not a bug.
 */
public final class SignalingException extends RuntimeException {
  private final ErrorCode code;

  public SignalingException(ErrorCode code, String message) {
    super(message, null, false, false);
    this.code = Objects.requireNonNull(code);
  }

  public ErrorCode code() {
    return code;
  }

  public static SignalingException badRequest(String message) {
    return new SignalingException(ErrorCode.BAD_REQUEST, message);
  }

  public static SignalingException notFound(String message) {
    return new SignalingException(ErrorCode.NOT_FOUND, message);
  }

  public static SignalingException notMember(String message) {
    return new SignalingException(ErrorCode.NOT_MEMBER, message);
  }

  public static SignalingException unauthorized(String message) {
    return new SignalingException(ErrorCode.UNAUTHORIZED, message);
  }
}
