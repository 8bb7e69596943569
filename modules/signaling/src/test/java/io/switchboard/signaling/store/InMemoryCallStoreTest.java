package io.switchboard.signaling.store;

import io.switchboard.signaling.store.memory.InMemoryCallStore;

class InMemoryCallStoreTest extends CallStoreContract {
  @Override
  protected CallStore store() {
    return new InMemoryCallStore();
  }
}
