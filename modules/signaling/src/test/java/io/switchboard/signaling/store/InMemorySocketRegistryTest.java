package io.switchboard.signaling.store;

import io.switchboard.signaling.store.memory.InMemorySocketRegistry;

class InMemorySocketRegistryTest extends SocketRegistryContract {
  @Override
  protected SocketRegistry newRegistry() {
    return new InMemorySocketRegistry();
  }
}
