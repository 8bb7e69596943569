package io.switchboard.cluster;

import io.switchboard.signaling.ids.NodeId;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

/**
 * Starts a clustered Vert.x on Hazelcast from {@link ClusterSettings}. The node's id is the
 * cluster manager's node id (the Hazelcast member's {@code __vertx.nodeId} attribute), so a
 * member that leaves maps straight to the Switchboard node that died.
 */
public final class ClusterNode {
  /** Hazelcast reports every join probe at INFO; kept (strongly referenced) at WARNING. */
  private static final java.util.logging.Logger HAZELCAST_LOG = java.util.logging.Logger.getLogger("com.hazelcast");

  private ClusterNode() {}

  public static Future<Vertx> start(VertxOptions options, ClusterSettings settings) {
    if (HAZELCAST_LOG.getLevel() == null) {
      HAZELCAST_LOG.setLevel(java.util.logging.Level.WARNING);
    }
    HazelcastClusterManager manager = new HazelcastClusterManager(HazelcastConfigs.build(settings));
    VertxOptions clustered = new VertxOptions(options).setEventBusOptions(new EventBusOptions(options.getEventBusOptions())
        .setHost(settings.host())
        .setPort(settings.eventBusPort())
        .setClusterPublicHost(settings.host()));
    return Vertx.builder().with(clustered).withClusterManager(manager).buildClustered();
  }

  /** This node's id in the cluster. */
  public static NodeId nodeId(Vertx vertx) {
    return NodeId.of(((VertxInternal) vertx).clusterManager().getNodeId());
  }

  /** Whether this Vert.x was started clustered (it has a cluster manager). */
  public static boolean clustered(Vertx vertx) {
    return ((VertxInternal) vertx).clusterManager() != null;
  }

  /**
   * Whether this Vert.x is a working member of its cluster: its cluster manager is active and
   * lists this node among the members. A Vert.x that is not clustered at all counts as healthy
   * (nothing to reach). Cheap (Hazelcast's local member list), never blocks.
   */
  public static boolean healthy(Vertx vertx) {
    io.vertx.core.spi.cluster.ClusterManager manager = ((VertxInternal) vertx).clusterManager();
    if (manager == null) {
      return true;
    }
    try {
      return manager.isActive() && manager.getNodes().contains(manager.getNodeId());
    } catch (RuntimeException e) {
      // Hazelcast shut down under us (HazelcastInstanceNotActiveException): not a member any more.
      return false;
    }
  }

  /** The ids of the current cluster members, this node included. */
  public static java.util.List<NodeId> members(Vertx vertx) {
    return ((VertxInternal) vertx).clusterManager().getNodes().stream().map(NodeId::of).toList();
  }
}
