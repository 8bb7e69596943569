package io.switchboard.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import io.switchboard.signaling.ids.NodeId;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The Hazelcast membership of a clustered Vert.x, in Switchboard node ids. vertx-hazelcast gives
 * every member a random Vert.x node id (not the Hazelcast member UUID) and publishes it as the
 * member attribute {@value #NODE_ID_ATTRIBUTE}; that id is what {@link ClusterNode#nodeId} returns
 * and what the shared state records as a socket's owner.
 *
 * <p>Everything here reads Hazelcast's local view (no remote call), so it is safe on an event loop.
 * Vert.x's own {@code ClusterManager.nodeListener} is left to Vert.x: this registers a separate
 * Hazelcast {@link MembershipListener}.
 */
public final class HazelcastMembership {
  /** The member attribute vertx-hazelcast (5.1) sets to the Vert.x node id. */
  public static final String NODE_ID_ATTRIBUTE = "__vertx.nodeId";

  private final HazelcastInstance hazelcast;

  public HazelcastMembership(HazelcastInstance hazelcast) {
    this.hazelcast = hazelcast;
  }

  /** The membership of a Vert.x clustered with {@link HazelcastClusterManager}. */
  public static HazelcastMembership of(Vertx vertx) {
    ClusterManager manager = vertx instanceof VertxInternal internal ? internal.clusterManager() : null;
    if (!(manager instanceof HazelcastClusterManager hazelcastManager)) {
      throw new IllegalArgumentException("node liveness needs a Vert.x clustered with the Hazelcast cluster manager");
    }
    return new HazelcastMembership(hazelcastManager.getHazelcastInstance());
  }

  public HazelcastInstance hazelcast() {
    return hazelcast;
  }

  /**
   * The Vert.x node id of a member: its {@value #NODE_ID_ATTRIBUTE} attribute, or, for a member that
   * has none (not started by vertx-hazelcast), its Hazelcast UUID, which matches no Vert.x node.
   */
  public static NodeId nodeIdOf(Member member) {
    String id = member.getAttribute(NODE_ID_ATTRIBUTE);
    return NodeId.of(id != null ? id : member.getUuid().toString());
  }

  /** Whether this node's own Hazelcast member runs (a stopped one knows nothing about the others). */
  public boolean running() {
    return hazelcast.getLifecycleService().isRunning();
  }

  /** The current members' node ids, this node included. */
  public Set<NodeId> members() {
    Set<NodeId> ids = new HashSet<>();
    for (Member m : hazelcast.getCluster().getMembers()) {
      ids.add(nodeIdOf(m));
    }
    return ids;
  }

  /**
   * Calls {@code removed} with the node id of every member that leaves the cluster (gracefully or
   * declared dead), on a Hazelcast event thread; returns the registration for {@link #unlisten}.
   */
  public UUID listen(Consumer<NodeId> removed) {
    return hazelcast.getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent event) {
      }

      @Override
      public void memberRemoved(MembershipEvent event) {
        removed.accept(nodeIdOf(event.getMember()));
      }
    });
  }

  public void unlisten(UUID registration) {
    hazelcast.getCluster().removeMembershipListener(registration);
  }
}
