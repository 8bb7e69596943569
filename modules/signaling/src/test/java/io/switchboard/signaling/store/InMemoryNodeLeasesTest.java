package io.switchboard.signaling.store;

import io.switchboard.signaling.store.memory.InMemoryNodeLeases;

class InMemoryNodeLeasesTest extends NodeLeasesContract {
  @Override
  protected NodeLeases newLeases() {
    return new InMemoryNodeLeases();
  }
}
