package io.switchboard.redis;

import io.switchboard.signaling.store.NodeLeases;
import io.switchboard.signaling.store.NodeLeasesContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The NodeLeases contract against a real Redis. */
class RedisNodeLeasesTest extends NodeLeasesContract {
  @RegisterExtension
  static final RedisFixture redis = RedisFixture.standalone();

  @Override
  protected NodeLeases newLeases() {
    return redis.freshLeases();
  }
}
