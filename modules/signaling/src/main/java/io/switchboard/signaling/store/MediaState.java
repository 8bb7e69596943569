package io.switchboard.signaling.store;

/** A participant's media: microphone, camera, screen share. */
public record MediaState(boolean audio, boolean video, boolean screen) {
  /** What a participant starts with (seed 001). */
  public static final MediaState INITIAL = new MediaState(true, true, false);

  /** This state with the given fields replaced; null fields stay as they are. */
  public MediaState merge(Boolean newAudio, Boolean newVideo, Boolean newScreen) {
    return new MediaState(
        newAudio == null ? audio : newAudio,
        newVideo == null ? video : newVideo,
        newScreen == null ? screen : newScreen);
  }
}
