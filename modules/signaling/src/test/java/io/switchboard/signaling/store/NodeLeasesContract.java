package io.switchboard.signaling.store;

import static io.switchboard.signaling.store.StoreContractSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.signaling.ids.NodeId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import io.vertx.core.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link NodeLeases} contract: every implementation runs it. Lease expiry is real time (the
 * leases are short), so these tests wait a few hundred milliseconds.
 */
public abstract class NodeLeasesContract {
  private static final NodeId A = NodeId.of("node-a");
  private static final NodeId B = NodeId.of("node-b");
  private static final NodeId C = NodeId.of("node-c");

  protected NodeLeases leases;

  protected abstract NodeLeases newLeases();

  @BeforeEach
  void fresh() {
    leases = newLeases();
  }

  @Test
  void aRenewedNodeIsKnownAndAlive() {
    assertEquals(Set.of(), await(leases.known()));
    await(leases.renew(A, Duration.ofSeconds(10)));
    assertEquals(Set.of(A), await(leases.known()));
    assertTrue(await(leases.alive(A)));
    assertFalse(await(leases.alive(B)));
  }

  @Test
  void aLeaseNotRenewedExpiresButTheNodeStaysKnown() throws Exception {
    await(leases.renew(A, Duration.ofMillis(200)));
    Thread.sleep(450);
    assertFalse(await(leases.alive(A)), "expired");
    assertEquals(Set.of(A), await(leases.known()), "still known, so a survivor can clean it up");
    await(leases.renew(A, Duration.ofSeconds(10)));
    assertTrue(await(leases.alive(A)), "a renewal brings it back");
  }

  @Test
  void exactlyOneClaimantWinsTheCleanup() throws Exception {
    List<Callable<Future<Boolean>>> calls = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      NodeId claimant = NodeId.of("survivor-" + i);
      calls.add(() -> leases.claimCleanup(C, claimant, Duration.ofSeconds(10)));
    }
    long winners = StoreContractSupport.allAtOnce(8, calls).stream().filter(o -> Boolean.TRUE.equals(o.value())).count();
    assertEquals(1, winners);
  }

  @Test
  void theHolderMayClaimAgainOthersMayNot() {
    assertTrue(await(leases.claimCleanup(C, A, Duration.ofSeconds(10))));
    assertTrue(await(leases.claimCleanup(C, A, Duration.ofSeconds(10))), "renewing its own claim");
    assertFalse(await(leases.claimCleanup(C, B, Duration.ofSeconds(10))));
  }

  @Test
  void anExpiredClaimCanBeTakenOver() throws Exception {
    assertTrue(await(leases.claimCleanup(C, A, Duration.ofMillis(200))));
    Thread.sleep(450);
    assertTrue(await(leases.claimCleanup(C, B, Duration.ofSeconds(10))), "the first claimant died mid-cleanup");
  }

  @Test
  void forgetRemovesLeaseClaimAndMembership() {
    await(leases.renew(A, Duration.ofSeconds(10)));
    await(leases.renew(B, Duration.ofSeconds(10)));
    assertTrue(await(leases.claimCleanup(A, B, Duration.ofSeconds(10))));
    await(leases.forget(A));
    assertEquals(Set.of(B), await(leases.known()));
    assertFalse(await(leases.alive(A)));
    assertTrue(await(leases.claimCleanup(A, C, Duration.ofSeconds(10))), "no stale claim left");
  }
}
