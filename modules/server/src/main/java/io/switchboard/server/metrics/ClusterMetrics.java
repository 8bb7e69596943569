package io.switchboard.server.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.switchboard.cluster.EventBusRouter;
import io.switchboard.cluster.NodeLiveness;
import io.switchboard.cluster.RouterStats;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;
import java.util.function.ToDoubleFunction;

/**
 * The cluster's meters, read from the cluster module's own counters at scrape time: cluster size,
 * inter-node messages by event and direction, dead-node cleanups, lease renewals.
 */
final class ClusterMetrics {
  private final MeterRegistry registry;
  private final BoundedNames events = new BoundedNames(Set.of("poll"), 96);
  private final Set<String> registered = ConcurrentHashMap.newKeySet();

  ClusterMetrics(MeterRegistry registry, IntSupplier size) {
    this.registry = registry;
    Gauge.builder("switchboard.cluster.size", size, s -> s.getAsInt())
        .description("members of the cluster this node sees, itself included (1: a single node)")
        .strongReference(true).register(registry);
  }

  void router(EventBusRouter router) {
    RouterStats stats = router.stats();
    FunctionCounter.builder("switchboard.cluster.messages.dropped", stats, RouterStats::dropped)
        .description("inter-node messages that could not be decoded or delivered").register(registry);
    // Present from the start for the common events; others are added when first seen (refresh()).
    refresh(stats);
  }

  /** Registers counters for events that got their first message since the last scrape. */
  void refresh(RouterStats stats) {
    for (String event : stats.events()) {
      String tag = events.of(event);
      if (!registered.add(tag)) {
        continue;
      }
      if (tag.equals(BoundedNames.OTHER)) {
        // Everything past the cap: summed at scrape time.
        messages("sent", tag, stats, s -> sumOther(s, true));
        messages("received", tag, stats, s -> sumOther(s, false));
      } else {
        messages("sent", tag, stats, s -> s.sentCount(tag));
        messages("received", tag, stats, s -> s.receivedCount(tag));
      }
    }
  }

  private double sumOther(RouterStats s, boolean sent) {
    long sum = 0;
    for (String e : s.events()) {
      if (events.of(e).equals(BoundedNames.OTHER)) {
        sum += sent ? s.sentCount(e) : s.receivedCount(e);
      }
    }
    return sum;
  }

  private void messages(String direction, String event, RouterStats stats, ToDoubleFunction<RouterStats> f) {
    FunctionCounter.builder("switchboard.cluster.messages." + direction, stats, f)
        .description("inter-node messages " + direction + " by this node, by event (one per target node)")
        .tag("event", event).register(registry);
  }

  void liveness(NodeLiveness liveness) {
    counter("switchboard.cluster.dead.nodes.cleaned", "dead nodes this node cleaned up (won the claim and finished)",
        liveness, NodeLiveness::deadNodesCleaned);
    counter("switchboard.cluster.dead.sockets.cleaned", "sockets of dead nodes this node cleaned up",
        liveness, NodeLiveness::socketsCleaned);
    counter("switchboard.cluster.dead.node.cleanup.failures", "dead-node cleanups that failed (retried later)",
        liveness, NodeLiveness::cleanupFailures);
    counter("switchboard.cluster.dead.socket.cleanup.failures", "dead-node socket cleanups that failed",
        liveness, NodeLiveness::socketCleanupFailures);
    counter("switchboard.cluster.lease.renewals", "renewals of this node's lease in Redis",
        liveness, NodeLiveness::renewals);
    counter("switchboard.cluster.lease.renewal.failures", "failed renewals of this node's lease (Redis unreachable)",
        liveness, NodeLiveness::renewalFailures);
  }

  private void counter(String name, String description, NodeLiveness liveness, ToDoubleFunction<NodeLiveness> f) {
    // FunctionCounters hold their object weakly: the node holds the router's stats and the liveness.
    FunctionCounter.builder(name, liveness, f).description(description).register(registry);
  }
}
