package io.switchboard.redis;

import io.switchboard.signaling.store.PresenceStore;
import io.switchboard.signaling.store.PresenceStoreContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The PresenceStore contract against a real Redis. */
class RedisPresenceStoreTest extends PresenceStoreContract {
  @RegisterExtension
  static final RedisFixture redis = RedisFixture.standalone();

  @Override
  protected PresenceStore newStore() {
    return redis.fresh().presence();
  }
}
