package io.switchboard.signaling.store;

/** A partial media change: null fields are left as they were. */
public record MediaPatch(Boolean audio, Boolean video, Boolean screen) {
  public MediaState applyTo(MediaState state) {
    return state.merge(audio, video, screen);
  }
}
