package io.switchboard.signaling.store;

import io.switchboard.signaling.ids.NodeId;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.Set;

/**
 * Node liveness kept in the shared state, beside the cluster membership. Every node renews its
 * lease; a node whose lease expired and that is not a cluster member is dead, and its entries are
 * cleaned up by exactly one survivor: the one whose {@link #claimCleanup} succeeds. Same threading
 * and failure rules as {@link MeetingStore}.
 */
public interface NodeLeases {

  /** Records {@code node} as known and alive for {@code ttl} from now (call well within the ttl). */
  Future<Void> renew(NodeId node, Duration ttl);

  /** Every node ever recorded and not yet forgotten, alive or not. */
  Future<Set<NodeId>> known();

  /** Whether the node's lease is current. */
  Future<Boolean> alive(NodeId node);

  /**
   * Claims the cleanup of a dead node for {@code claimant}: true for exactly one claimant until the
   * claim expires after {@code ttl} (so a claimant that dies mid-cleanup is replaced); the holder
   * may claim again (renewing it).
   */
  Future<Boolean> claimCleanup(NodeId dead, NodeId claimant, Duration ttl);

  /** Forgets a node whose cleanup is complete (its lease, its claim, its membership in {@link #known}). */
  Future<Void> forget(NodeId node);
}
