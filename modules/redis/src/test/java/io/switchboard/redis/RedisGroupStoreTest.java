package io.switchboard.redis;

import io.switchboard.signaling.store.GroupStore;
import io.switchboard.signaling.store.GroupStoreContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The GroupStore contract against a real Redis. */
class RedisGroupStoreTest extends GroupStoreContract {
  @RegisterExtension
  static final RedisFixture redis = RedisFixture.standalone();

  @Override
  protected GroupStore newStore() {
    return redis.fresh().groups();
  }
}
