package io.switchboard.signaling.store;

import io.switchboard.signaling.store.memory.InMemoryRoomStore;

class InMemoryRoomStoreTest extends RoomStoreContract {
  @Override
  protected RoomStore newStore() {
    return new InMemoryRoomStore();
  }
}
