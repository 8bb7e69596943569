package io.switchboard.signaling.store;

import io.switchboard.signaling.store.memory.InMemoryStores;
import java.util.Objects;

/** The state a node works on: in memory on one node, in Redis in a cluster. */
public record Stores(
    MeetingStore meetings, RoomStore rooms, PresenceStore presence, GroupStore groups, CallStore calls) {

  public Stores {
    Objects.requireNonNull(meetings);
    Objects.requireNonNull(rooms);
    Objects.requireNonNull(presence);
    Objects.requireNonNull(groups);
    Objects.requireNonNull(calls);
  }

  /** The single-node default: everything in this process's memory. */
  public static Stores inMemory() {
    return InMemoryStores.create();
  }
}
