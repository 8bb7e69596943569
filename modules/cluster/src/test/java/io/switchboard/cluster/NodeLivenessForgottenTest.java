package io.switchboard.cluster;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.signaling.ids.NodeId;
import io.switchboard.signaling.store.memory.InMemoryNodeLeases;
import io.switchboard.signaling.store.memory.InMemorySocketRegistry;
import io.switchboard.testkit.TestVertx;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A live node that the others declared dead and cleaned up (it was frozen past the dead-member
 * timeout, or cut off) finds out at its next renewal and is told, so the server can close its
 * connections and let its clients rebuild their state.
 */
class NodeLivenessForgottenTest {

  @Test
  void aNodeForgottenByTheOthersIsToldAtItsNextRenewal() throws Exception {
    Vertx vertx = TestVertx.await(ClusterNode.start(new VertxOptions().setEventLoopPoolSize(1),
        ClusterSettings.loopback().withClusterName("forgotten-" + UUID.randomUUID())), 60_000);
    try {
      NodeId self = ClusterNode.nodeId(vertx);
      InMemoryNodeLeases leases = new InMemoryNodeLeases();
      CountDownLatch told = new CountDownLatch(1);
      NodeLiveness liveness = new NodeLiveness(vertx, self, leases, new InMemorySocketRegistry(),
          ref -> Future.succeededFuture(), Duration.ofSeconds(1)).onForgotten(frozen -> told.countDown());
      TestVertx.await(liveness.start());
      Thread.sleep(800); // a few renewals while known: nothing to tell
      assertTrue(told.getCount() == 1, "not told while it is known");
      TestVertx.await(leases.forget(self)); // what a survivor does after cleaning it up
      assertTrue(told.await(5, TimeUnit.SECONDS), "told within a renewal period");
      TestVertx.await(liveness.stop());
    } finally {
      TestVertx.await(vertx.close(), 30_000);
    }
  }
}
