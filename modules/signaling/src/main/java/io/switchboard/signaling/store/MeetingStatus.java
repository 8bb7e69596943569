package io.switchboard.signaling.store;

/** A meeting is live until it is ended; an ended meeting cannot be joined. */
public enum MeetingStatus {
  LIVE("live"),
  ENDED("ended");

  private final String wire;

  MeetingStatus(String wire) {
    this.wire = wire;
  }

  public String wire() {
    return wire;
  }

  public static MeetingStatus fromWire(String s) {
    for (MeetingStatus m : values()) {
      if (m.wire.equals(s)) {
        return m;
      }
    }
    throw new IllegalArgumentException("unknown meeting status " + s);
  }
}
