package io.switchboard.redis;

import io.switchboard.signaling.ids.NodeId;
import io.switchboard.signaling.store.NodeLeases;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Node leases in Redis: a key with a TTL per node ({@link RedisKeys#nodeLease}), the set of known
 * nodes, and a cleanup claim per dead node taken atomically by one script.
 */
final class RedisNodeLeases implements NodeLeases {
  private final RedisCommands commands;
  private final RedisKeys keys;

  RedisNodeLeases(RedisCommands commands, RedisKeys keys) {
    this.commands = commands;
    this.keys = keys;
  }

  @Override
  public Future<Void> renew(NodeId node, Duration ttl) {
    // Known first: the set of known nodes is always a superset of the nodes holding a lease.
    return commands.send(Request.cmd(Command.SADD).arg(keys.knownNodes()).arg(node.value()))
        .compose(v -> commands.send(Request.cmd(Command.SET).arg(keys.nodeLease(node)).arg("1")
            .arg("PX").arg(Math.max(1, ttl.toMillis()))))
        .mapEmpty();
  }

  @Override
  public Future<Set<NodeId>> known() {
    return commands.send(Request.cmd(Command.SMEMBERS).arg(keys.knownNodes())).map(r -> {
      Set<NodeId> nodes = new HashSet<>();
      if (r != null) {
        for (Response id : r) {
          nodes.add(NodeId.of(id.toString()));
        }
      }
      return nodes;
    });
  }

  @Override
  public Future<Boolean> alive(NodeId node) {
    return commands.send(Request.cmd(Command.EXISTS).arg(keys.nodeLease(node))).map(r -> r.toInteger() == 1);
  }

  @Override
  public Future<Boolean> claimCleanup(NodeId dead, NodeId claimant, Duration ttl) {
    return commands.eval(RedisScripts.NODE_CLAIM, List.of(keys.nodeCleanupClaim(dead)), claimant.value(),
        String.valueOf(Math.max(1, ttl.toMillis()))).map(r -> r.toInteger() == 1);
  }

  @Override
  public Future<Void> forget(NodeId node) {
    // The node's own keys first (one slot), then the known set: a crash in between leaves a known
    // node without a lease, which the next scan finds and forgets again.
    return commands.send(Request.cmd(Command.DEL).arg(keys.nodeLease(node)).arg(keys.nodeCleanupClaim(node))
            .arg(keys.nodeSockets(node)))
        .compose(v -> commands.send(Request.cmd(Command.SREM).arg(keys.knownNodes()).arg(node.value())))
        .mapEmpty();
  }
}
