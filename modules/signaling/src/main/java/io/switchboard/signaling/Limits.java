package io.switchboard.signaling;

/**
 * Caps on what clients may send, checked before any state changes. All sizes in characters of
 * JSON text (close to bytes for the ASCII that SDP and ids are made of).
 *
 * @param maxIdLength ids: meeting, room, user, group, call, participant, socket
 * @param maxNameLength display names
 * @param maxPasswordLength meeting passwords
 * @param maxSdpLength one SDP (offer or answer)
 * @param maxCandidateLength one ICE candidate, serialised
 * @param maxEventLength one event's whole payload, serialised (chat messages, call data)
 */
public record Limits(
    int maxIdLength, int maxNameLength, int maxPasswordLength, int maxSdpLength, int maxCandidateLength, int maxEventLength) {

  /**
   * Mesh rooms plus group rooms one socket may join itself ({@code join-room}, {@code joinGroup}):
   * a client cannot grow the shared state without bound.
   */
  public static final int MAX_ROOMS_PER_SOCKET = 256;

  public static Limits defaults() {
    return new Limits(128, 256, 256, 65_536, 4_096, 262_144);
  }

  public Limits {
    if (maxIdLength < 1 || maxNameLength < 1 || maxPasswordLength < 1 || maxSdpLength < 1
        || maxCandidateLength < 1 || maxEventLength < 1) {
      throw new IllegalArgumentException("limits must be positive");
    }
  }
}
