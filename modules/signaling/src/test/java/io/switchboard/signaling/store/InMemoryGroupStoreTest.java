package io.switchboard.signaling.store;

import io.switchboard.signaling.store.memory.InMemoryGroupStore;

class InMemoryGroupStoreTest extends GroupStoreContract {
  @Override
  protected GroupStore newStore() {
    return new InMemoryGroupStore();
  }
}
