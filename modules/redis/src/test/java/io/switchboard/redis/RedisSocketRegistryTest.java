package io.switchboard.redis;

import io.switchboard.signaling.store.SocketRegistry;
import io.switchboard.signaling.store.SocketRegistryContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The SocketRegistry contract against a real Redis. */
class RedisSocketRegistryTest extends SocketRegistryContract {
  @RegisterExtension
  static final RedisFixture redis = RedisFixture.standalone();

  @Override
  protected SocketRegistry newRegistry() {
    return redis.freshRegistry();
  }
}
