package io.switchboard.redis;

import io.switchboard.signaling.store.CallStore;
import io.switchboard.signaling.store.CallStoreContract;
import io.switchboard.signaling.store.GroupStore;
import io.switchboard.signaling.store.GroupStoreContract;
import io.switchboard.signaling.store.MeetingStore;
import io.switchboard.signaling.store.MeetingStoreContract;
import io.switchboard.signaling.store.PresenceStore;
import io.switchboard.signaling.store.PresenceStoreContract;
import io.switchboard.signaling.store.RoomStore;
import io.switchboard.signaling.store.RoomStoreContract;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every store contract against a Redis Cluster of three masters: the scripts touch one slot
 * each (Redis refuses CROSSSLOT otherwise), the scripts are loaded on every master, and the
 * index bookkeeping spreads over the nodes.
 */
class RedisClusterStoresTest {
  @RegisterExtension
  static final RedisFixture redis = RedisFixture.cluster(3);

  @Nested
  class Meetings extends MeetingStoreContract {
    @Override
    protected MeetingStore newStore() {
      return redis.fresh().meetings();
    }
  }

  @Nested
  class Rooms extends RoomStoreContract {
    @Override
    protected RoomStore newStore() {
      return redis.fresh().rooms();
    }
  }

  @Nested
  class Presence extends PresenceStoreContract {
    @Override
    protected PresenceStore newStore() {
      return redis.fresh().presence();
    }
  }

  @Nested
  class Groups extends GroupStoreContract {
    @Override
    protected GroupStore newStore() {
      return redis.fresh().groups();
    }
  }

  @Nested
  class Calls extends CallStoreContract {
    @Override
    protected CallStore store() {
      return redis.fresh().calls();
    }
  }
}
