package io.switchboard.redis;

import io.switchboard.signaling.store.RoomStore;
import io.switchboard.signaling.store.RoomStoreContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The RoomStore contract against a real Redis. */
class RedisRoomStoreTest extends RoomStoreContract {
  @RegisterExtension
  static final RedisFixture redis = RedisFixture.standalone();

  @Override
  protected RoomStore newStore() {
    return redis.fresh().rooms();
  }
}
