package io.switchboard.signaling.store.memory;

import io.switchboard.signaling.store.Stores;

/** Builds the in-memory stores: the single-node default, not a test double. */
public final class InMemoryStores {
  private InMemoryStores() {}

  public static Stores create() {
    return new Stores(
        new InMemoryMeetingStore(),
        new InMemoryRoomStore(),
        new InMemoryPresenceStore(),
        new InMemoryGroupStore(),
        new InMemoryCallStore());
  }
}
