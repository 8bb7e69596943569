package io.switchboard.cluster;

import io.switchboard.signaling.ids.NodeId;

/**
 * Every clustered event-bus address Switchboard uses. One per node, never one per socket or user
 * (one clustered consumer per WebSocket took a production app down: vert.x issue 3797).
 */
public final class Addresses {
  private static final String NODE = "switchboard.node.";

  private Addresses() {}

  /**
   * The prefix of where nodes tell each other which users' sockets and calls changed, so
   * that each drops its copies ({@link NearCaches}); each node listens on this plus its node id.
   */
  public static String invalidations(String scope) {
    return "switchboard.invalidate." + scope;
  }

  /** The node's inbox: {@link InterNodeMessage}s for its sockets; lives as long as the node. */
  public static String node(NodeId node) {
    return NODE + node.value();
  }
}
