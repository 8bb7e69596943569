package io.switchboard.signaling.store.memory;

import io.switchboard.signaling.ids.NodeId;
import io.switchboard.signaling.store.NodeLeases;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/** Leases in this process's memory, against a millisecond clock; one lock, held for microseconds. */
public final class InMemoryNodeLeases implements NodeLeases {
  private final LongSupplier clock;
  private final Map<NodeId, Long> leases = new HashMap<>();
  private final Map<NodeId, Long> claims = new HashMap<>();
  private final Map<NodeId, NodeId> claimants = new HashMap<>();

  public InMemoryNodeLeases(LongSupplier clock) {
    this.clock = clock;
  }

  public InMemoryNodeLeases() {
    this(System::currentTimeMillis);
  }

  @Override
  public synchronized Future<Void> renew(NodeId node, Duration ttl) {
    leases.put(node, clock.getAsLong() + ttl.toMillis());
    return Future.succeededFuture();
  }

  @Override
  public synchronized Future<Set<NodeId>> known() {
    return Future.succeededFuture(Set.copyOf(leases.keySet()));
  }

  @Override
  public synchronized Future<Boolean> alive(NodeId node) {
    Long until = leases.get(node);
    return Future.succeededFuture(until != null && until > clock.getAsLong());
  }

  @Override
  public synchronized Future<Boolean> claimCleanup(NodeId dead, NodeId claimant, Duration ttl) {
    long now = clock.getAsLong();
    Long until = claims.get(dead);
    if (until != null && until > now && !claimant.equals(claimants.get(dead))) {
      return Future.succeededFuture(false);
    }
    claims.put(dead, now + ttl.toMillis());
    claimants.put(dead, claimant);
    return Future.succeededFuture(true);
  }

  @Override
  public synchronized Future<Void> forget(NodeId node) {
    leases.remove(node);
    claims.remove(node);
    claimants.remove(node);
    return Future.succeededFuture();
  }
}
