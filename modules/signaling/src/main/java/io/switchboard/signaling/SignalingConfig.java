package io.switchboard.signaling;

import java.time.Duration;
import java.util.Objects;

/**
 * What the domain needs to know.
 *
 * @param limits caps on client input
 * @param roomMaxSize how many sockets a mesh room holds ({@code SWITCHBOARD_ROOM_MAX_SIZE})
 * @param meetingMaxParticipants capacity of meetings created without one
 * @param ringTimeout an unanswered 1:1 call ends after this ({@code SWITCHBOARD_RING_TIMEOUT_MS})
 * @param meetingsAutoCreate unknown meeting ids are created live on first join
 * @param iceServers what {@code webrtcConfig.iceServers} holds
 */
public record SignalingConfig(
    Limits limits, int roomMaxSize, int meetingMaxParticipants, Duration ringTimeout, boolean meetingsAutoCreate,
    IceServers iceServers) {

  public static SignalingConfig defaults() {
    return new SignalingConfig(Limits.defaults(), 8, 100, Duration.ofSeconds(30), false, IceServers.none());
  }

  public SignalingConfig {
    Objects.requireNonNull(limits);
    Objects.requireNonNull(ringTimeout);
    Objects.requireNonNull(iceServers);
    if (roomMaxSize < 1 || meetingMaxParticipants < 1) {
      throw new IllegalArgumentException("capacities must be positive");
    }
  }

  public SignalingConfig withRingTimeout(Duration timeout) {
    return new SignalingConfig(limits, roomMaxSize, meetingMaxParticipants, timeout, meetingsAutoCreate, iceServers);
  }

  public SignalingConfig withAutoCreate(boolean autoCreate) {
    return new SignalingConfig(limits, roomMaxSize, meetingMaxParticipants, ringTimeout, autoCreate, iceServers);
  }

  public SignalingConfig withRoomMaxSize(int size) {
    return new SignalingConfig(limits, size, meetingMaxParticipants, ringTimeout, meetingsAutoCreate, iceServers);
  }
}
