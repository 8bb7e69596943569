package io.switchboard.redis;

import io.switchboard.signaling.store.MeetingStore;
import io.switchboard.signaling.store.MeetingStoreContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The MeetingStore contract against a real Redis. */
class RedisMeetingStoreTest extends MeetingStoreContract {
  @RegisterExtension
  static final RedisFixture redis = RedisFixture.standalone();

  @Override
  protected MeetingStore newStore() {
    return redis.fresh().meetings();
  }
}
