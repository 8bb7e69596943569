package io.switchboard.redis;

import io.switchboard.signaling.store.CallStore;
import io.switchboard.signaling.store.CallStoreContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The CallStore contract against a real Redis. */
class RedisCallStoreTest extends CallStoreContract {
  @RegisterExtension
  static final RedisFixture redis = RedisFixture.standalone();

  @Override
  protected CallStore store() {
    return redis.fresh().calls();
  }
}
