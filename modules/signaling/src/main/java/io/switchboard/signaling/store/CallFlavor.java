package io.switchboard.signaling.store;

/** Which family of events a call speaks: the seeds use two. */
public enum CallFlavor {
  /** Seeds 002/003: initiateVideoCall, acceptVideoCall, videoCallEnded, ... */
  VIDEO_CALL,
  /** Seed 004: call-request, call-answer, call-end, ... */
  WEBRTC
}
