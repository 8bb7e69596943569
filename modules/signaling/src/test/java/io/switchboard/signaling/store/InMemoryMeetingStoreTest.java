package io.switchboard.signaling.store;

import io.switchboard.signaling.store.memory.InMemoryMeetingStore;

class InMemoryMeetingStoreTest extends MeetingStoreContract {
  @Override
  protected MeetingStore newStore() {
    return new InMemoryMeetingStore();
  }
}
