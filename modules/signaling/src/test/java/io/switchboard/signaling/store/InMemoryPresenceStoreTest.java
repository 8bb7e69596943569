package io.switchboard.signaling.store;

import io.switchboard.signaling.store.memory.InMemoryPresenceStore;

class InMemoryPresenceStoreTest extends PresenceStoreContract {
  @Override
  protected PresenceStore newStore() {
    return new InMemoryPresenceStore();
  }
}
