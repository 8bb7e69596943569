package io.switchboard.cluster;

import io.switchboard.signaling.ids.NodeId;
import io.switchboard.signaling.ids.SocketRef;
import io.switchboard.signaling.store.NodeLeases;
import io.switchboard.signaling.store.SocketRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * This node's part in the cluster's liveness rules (DESIGN.md, "Rules that keep it correct across
 * nodes").
 *
 * <ul>
 *   <li><b>Lease</b>: renewed on start and every {@code leaseTtl/3}. A failed renewal (shared state
 *       down) is logged and retried by the next tick; it never makes this node drop its sockets.
 *   <li><b>Death</b>, two triggers leading to the same cleanup: a Hazelcast member removal (the
 *       cleanup starts at once, so a killed node's ghosts are gone about {@code maxNoHeartbeat} after
 *       the crash), and a scan every {@code leaseTtl/2} for nodes the shared state knows that are
 *       not cluster members and whose lease expired (nodes that died while nobody watched, e.g. a
 *       whole cluster restarted). A current member is never declared dead because its lease lapsed.
 *   <li><b>Cleanup by exactly one survivor</b>: the one whose {@link NodeLeases#claimCleanup} wins
 *       runs {@code socketGone} then {@link SocketRegistry#remove} for each of the dead node's
 *       sockets, {@value #DEFAULT_CONCURRENCY} at a time, then {@link NodeLeases#forget}s the node.
 *       The claim is renewed while the cleanup runs; any failure leaves the node (and the failed
 *       sockets) for a later scan, after the claim expires (or at once by the same claimant).
 * </ul>
 *
 * <p>All state lives on one event-loop context of its own; nothing here blocks.
 */
public final class NodeLiveness {
  private static final System.Logger log = System.getLogger(NodeLiveness.class.getName());

  public static final Duration DEFAULT_CLAIM_TTL = Duration.ofSeconds(30);
  public static final int DEFAULT_CONCURRENCY = 16;

  /** How one cleanup attempt ended. */
  enum Outcome {
    /** Won the claim and cleaned the node up (sockets and all). */
    CLEANED,
    /** Won the claim but another survivor had already cleaned the node up. */
    NOTHING_LEFT,
    /** Another survivor holds the claim. */
    CLAIMED_ELSEWHERE,
    /** This node is already cleaning it up, or is stopped. */
    SKIPPED
  }

  private final Vertx vertx;
  private final NodeId self;
  private final NodeLeases leases;
  private final SocketRegistry registry;
  private final Function<SocketRef, Future<Void>> socketGone;
  private final HazelcastMembership membership;
  private final Duration leaseTtl;
  private final Duration claimTtl;
  private final int concurrency;
  private final Duration storeDeadline;

  private final AtomicLong deadNodesCleaned = new AtomicLong();
  private final AtomicLong socketsCleaned = new AtomicLong();
  private final AtomicLong socketCleanupFailures = new AtomicLong();
  private final AtomicLong cleanupFailures = new AtomicLong();
  private final AtomicLong renewals = new AtomicLong();
  private final AtomicLong renewalFailures = new AtomicLong();

  // Confined to `context`.
  private volatile Context context;
  private volatile boolean running;
  private volatile boolean stopRequested;
  private long renewTimer = -1;
  private long scanTimer = -1;
  private UUID listener;
  private boolean renewing;
  private volatile java.util.function.Consumer<Boolean> onForgotten;
  private volatile boolean renewedOnce;
  private volatile long lastTick;
  private volatile long frozenUntil;
  private boolean renewFailing;
  private boolean scanning;
  private final Set<NodeId> cleaning = new HashSet<>();
  /** Nodes the membership declared dead whose cleanup has not completed here or elsewhere yet. */
  private final Set<NodeId> removedMembers = new LinkedHashSet<>();

  /**
   * @param vertx a Vert.x clustered with Hazelcast ({@link ClusterNode#start})
   * @param self this node's id ({@link ClusterNode#nodeId})
   * @param socketGone cleans up one socket of a dead node as if it had disconnected (the server
   *     passes {@code signaling::socketGone}); must be idempotent enough to be retried
   * @param leaseTtl how long a lease lasts ({@link ClusterSettings#leaseTtl()})
   */
  public NodeLiveness(Vertx vertx, NodeId self, NodeLeases leases, SocketRegistry registry,
      Function<SocketRef, Future<Void>> socketGone, Duration leaseTtl) {
    this(vertx, self, leases, registry, socketGone, leaseTtl, DEFAULT_CLAIM_TTL, DEFAULT_CONCURRENCY);
  }

  public NodeLiveness(Vertx vertx, NodeId self, NodeLeases leases, SocketRegistry registry,
      Function<SocketRef, Future<Void>> socketGone, Duration leaseTtl, Duration claimTtl, int concurrency) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.self = Objects.requireNonNull(self, "self");
    this.leases = Objects.requireNonNull(leases, "leases");
    this.registry = Objects.requireNonNull(registry, "registry");
    this.socketGone = Objects.requireNonNull(socketGone, "socketGone");
    this.leaseTtl = Objects.requireNonNull(leaseTtl, "leaseTtl");
    this.claimTtl = Objects.requireNonNull(claimTtl, "claimTtl");
    if (leaseTtl.toMillis() < 300 || claimTtl.toMillis() < 300 || concurrency < 1) {
      throw new IllegalArgumentException("leaseTtl and claimTtl >= 300 ms, concurrency >= 1");
    }
    this.concurrency = concurrency;
    this.storeDeadline = leaseTtl.dividedBy(2);
    this.membership = HazelcastMembership.of(vertx);
  }

  public NodeId self() {
    return self;
  }

  /** Dead nodes this node cleaned up (won the claim and finished). */
  public long deadNodesCleaned() {
    return deadNodesCleaned.get();
  }

  /** Sockets of dead nodes this node cleaned up. */
  public long socketsCleaned() {
    return socketsCleaned.get();
  }

  /** Sockets whose cleanup failed (left for a retry). */
  public long socketCleanupFailures() {
    return socketCleanupFailures.get();
  }

  /** Dead-node cleanups this node won but could not finish (left for a retry). */
  public long cleanupFailures() {
    return cleanupFailures.get();
  }

  /** Successful renewals of this node's lease. */
  public long renewals() {
    return renewals.get();
  }

  public long renewalFailures() {
    return renewalFailures.get();
  }

  public boolean running() {
    return running;
  }

  /**
   * Renews the lease once, listens to the membership and starts the timers; completes once the
   * first renewal was attempted (a failure is logged, not returned: the next tick retries). A
   * first scan runs at once, for nodes that died while no node watched.
   */
  public Future<Void> start() {
    if (context != null) {
      return Future.failedFuture(new IllegalStateException("already started"));
    }
    context = ((VertxInternal) vertx).createEventLoopContext();
    Promise<Void> started = Promise.promise();
    context.runOnContext(v -> {
      running = true;
      try {
        listener = membership.listen(dead -> {
          Context c = context;
          if (c != null) {
            c.runOnContext(x -> onMemberRemoved(dead));
          }
        });
      } catch (RuntimeException e) {
        running = false;
        started.fail(e);
        return;
      }
      renewTimer = vertx.setPeriodic(Math.max(100, leaseTtl.toMillis() / 3), id -> renew());
      scanTimer = vertx.setPeriodic(Math.max(150, leaseTtl.toMillis() / 2), id -> scan());
      renew().onComplete(ar -> {
        started.tryComplete();
        scan();
      });
    });
    return started.future();
  }

  /** Cancels the timers and the membership listener; a cleanup under way finishes its sockets in flight. */
  public Future<Void> stop() {
    Context c = context;
    if (c == null || stopRequested) {
      return Future.succeededFuture();
    }
    stopRequested = true;
    Promise<Void> stopped = Promise.promise();
    try {
      c.runOnContext(v -> stopOnContext(stopped));
    } catch (RuntimeException vertxClosed) {
      running = false; // its Vert.x is closed: timers and context are gone with it
      return Future.succeededFuture();
    }
    return stopped.future();
  }

  private void stopOnContext(Promise<Void> stopped) {
    running = false;
    vertx.cancelTimer(renewTimer);
    vertx.cancelTimer(scanTimer);
    if (listener != null) {
      try {
        membership.unlisten(listener);
      } catch (RuntimeException e) {
        log.log(Level.DEBUG, "membership listener not removed (Hazelcast already stopped): " + e);
      }
      listener = null;
    }
    stopped.complete();
  }

  // ---- lease ----

  /**
   * Called when this node finds the shared state no longer knows it: with {@code true} when it had
   * just been frozen (the others declared it dead and cleaned up its sockets: the server closes its
   * connections so the clients reconnect and rebuild their state), with {@code false} otherwise
   * (Redis lost its data, e.g. restarted empty: the server records its live sockets again, so a
   * survivor can still clean them up if this node dies later).
   */
  public NodeLiveness onForgotten(java.util.function.Consumer<Boolean> handler) {
    this.onForgotten = handler;
    return this;
  }

  /** Whether this node was frozen recently (a timer fired far later than due). */
  private boolean recentlyFrozen() {
    long now = System.nanoTime();
    long period = Math.max(100, leaseTtl.toMillis() / 3) * 1_000_000L;
    long last = lastTick;
    if (last != 0 && now - last > 2 * period + 1_000_000_000L) {
      frozenUntil = now + 2 * leaseTtl.toNanos();
    }
    return now < frozenUntil;
  }

  private Future<Void> renew() {
    boolean frozen = recentlyFrozen();
    lastTick = System.nanoTime();
    if (!running || renewing) {
      return Future.succeededFuture(); // a renewal still waits for a hung shared state: no pile-up
    }
    renewing = true;
    // Before renewing (which records this node as known again): a node that renewed before and is
    // no longer known was forgotten by a survivor that cleaned up its sockets.
    Future<Void> checked = !renewedOnce
        ? Future.succeededFuture()
        : store(leases::known).map(known -> {
          if (!known.contains(self)) {
            log.log(Level.WARNING, frozen
                ? "node " + self + " was frozen, declared dead and cleaned up by the others: closing its connections"
                : "node " + self + " is no longer known to the shared state (Redis lost its data?): recording its sockets again");
            java.util.function.Consumer<Boolean> handler = onForgotten;
            if (handler != null) {
              handler.accept(frozen);
            }
          }
          return null;
        });
    return checked.otherwiseEmpty().compose(v -> store(() -> leases.renew(self, leaseTtl))).andThen(ar -> {
      renewing = false;
      if (ar.succeeded()) {
        renewedOnce = true;
        renewals.incrementAndGet();
        if (renewFailing) {
          renewFailing = false;
          log.log(Level.INFO, "lease of node " + self + " renewed again");
        }
      } else {
        renewalFailures.incrementAndGet();
        renewFailing = true;
        log.log(Level.WARNING, "lease of node " + self + " not renewed (retried in "
            + leaseTtl.toMillis() / 3 + " ms): " + ar.cause());
      }
    }).otherwiseEmpty().mapEmpty();
  }

  // ---- death detection ----

  private void onMemberRemoved(NodeId dead) {
    if (!running || dead.equals(self) || !membership.running()) {
      return;
    }
    if (recentlyFrozen()) {
      // This node was frozen: the others did not stop, it did, and Hazelcast now reports them
      // removed. Their removal alone is no proof here; the scan cleans them only once their lease
      // also lapsed (a node that is really gone stops renewing).
      log.log(Level.WARNING, "node " + dead + " removed from the cluster right after this node was frozen: "
          + "cleaning it up only if its lease lapses");
      return;
    }
    log.log(Level.INFO, "node " + dead + " removed from the cluster: cleaning up its sockets");
    removedMembers.add(dead);
    cleanup(dead, "removed from the cluster");
  }

  private void scan() {
    if (!running || scanning) {
      return;
    }
    if (!membership.running()) {
      return; // this node is out of the cluster: it cannot tell who else is alive
    }
    scanning = true;
    store(leases::known).compose(known -> {
      Set<NodeId> members = membership.members();
      removedMembers.removeAll(members); // came back (e.g. after a split brain healed)
      Set<NodeId> candidates = new LinkedHashSet<>(known);
      candidates.addAll(removedMembers);
      candidates.remove(self);
      candidates.removeAll(members);
      Future<Void> chain = Future.succeededFuture();
      for (NodeId node : candidates) {
        chain = chain.compose(v -> checkAndClean(node));
      }
      return chain;
    }).onComplete(ar -> {
      scanning = false;
      if (ar.failed()) {
        log.log(Level.WARNING, "dead-node scan failed (retried in " + leaseTtl.toMillis() / 2 + " ms): " + ar.cause());
      }
    });
  }

  /** A non-member: dead if the membership removed it or its lease expired; then cleaned up. */
  private Future<Void> checkAndClean(NodeId node) {
    if (!running) {
      return Future.succeededFuture();
    }
    Future<Boolean> dead = removedMembers.contains(node)
        ? Future.succeededFuture(true)
        : store(() -> leases.alive(node)).map(alive -> !alive);
    return dead.compose(isDead -> {
      if (!isDead || !running || membership.members().contains(node)) {
        return Future.<Void>succeededFuture();
      }
      return cleanup(node, "lease expired").<Void>mapEmpty();
    }).recover(err -> {
      log.log(Level.WARNING, "liveness of node " + node + " not checked (retried by the next scan): " + err);
      return Future.succeededFuture();
    });
  }

  // ---- cleanup ----

  /** Claims and cleans up a dead node; never fails (a failure is logged and left for a later scan). */
  Future<Outcome> cleanup(NodeId dead, String why) {
    if (!running || dead.equals(self) || !cleaning.add(dead)) {
      return Future.succeededFuture(Outcome.SKIPPED);
    }
    long start = System.nanoTime();
    return store(() -> leases.claimCleanup(dead, self, claimTtl))
        .compose(won -> won ? cleanClaimed(dead) : Future.succeededFuture(Outcome.CLAIMED_ELSEWHERE))
        .andThen(ar -> {
          cleaning.remove(dead);
          long ms = (System.nanoTime() - start) / 1_000_000;
          if (ar.succeeded()) {
            removedMembers.remove(dead);
            if (ar.result() == Outcome.CLEANED) {
              deadNodesCleaned.incrementAndGet();
              log.log(Level.INFO, "dead node " + dead + " (" + why + ") cleaned up in " + ms + " ms");
            } else {
              log.log(Level.DEBUG, "dead node " + dead + " (" + why + "): " + ar.result());
            }
          } else {
            cleanupFailures.incrementAndGet();
            log.log(Level.WARNING, "cleanup of dead node " + dead + " (" + why + ") failed after " + ms
                + " ms, retried by a later scan: " + ar.cause());
          }
        })
        .recover(err -> Future.succeededFuture(Outcome.SKIPPED));
  }

  private Future<Outcome> cleanClaimed(NodeId dead) {
    boolean[] lost = {false};
    long keepClaim = vertx.setPeriodic(Math.max(100, claimTtl.toMillis() / 3), id ->
        store(() -> leases.claimCleanup(dead, self, claimTtl)).onSuccess(still -> {
          if (!still) {
            lost[0] = true;
          }
        }));
    return store(() -> registry.socketsOf(dead)).compose(refs -> {
      if (refs.isEmpty()) {
        // Nothing to do: cleaned by another survivor already unless the node is still known.
        return store(leases::known).compose(known -> store(() -> leases.forget(dead))
            .map(v -> known.contains(dead) ? Outcome.CLEANED : Outcome.NOTHING_LEFT));
      }
      log.log(Level.INFO, "cleaning up " + refs.size() + " sockets of dead node " + dead);
      return Bounded.forEach(refs, concurrency, () -> running && !lost[0], this::cleanSocket).compose(result -> {
        if (!result.complete()) {
          return Future.failedFuture(result.failed() + " of " + refs.size() + " sockets failed"
              + (lost[0] ? ", claim lost" : "") + (result.skipped() > 0 ? ", " + result.skipped() + " not started" : ""));
        }
        return store(() -> leases.forget(dead)).map(Outcome.CLEANED);
      });
    }).andThen(ar -> vertx.cancelTimer(keepClaim));
  }

  private Future<Void> cleanSocket(SocketRef ref) {
    Future<Void> done = here(call(() -> socketGone.apply(ref)))
        .compose(v -> here(call(() -> registry.remove(ref))))
        .mapEmpty();
    return withDeadline(done, claimTtl).andThen(ar -> {
      if (ar.succeeded()) {
        socketsCleaned.incrementAndGet();
      } else {
        socketCleanupFailures.incrementAndGet();
        log.log(Level.WARNING, "cleanup of socket " + ref.id() + " of dead node " + ref.node() + " failed: " + ar.cause());
      }
    });
  }

  // ---- helpers ----

  /** The operation's future, or a failed one if it throws or returns null. */
  private static <T> Future<T> call(Supplier<Future<T>> op) {
    try {
      Future<T> f = op.get();
      return f != null ? f : Future.failedFuture(new NullPointerException("operation returned no future"));
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  /**
   * A shared-state operation: its result on this component's context, failed if it throws or has
   * not answered within {@code leaseTtl/2} (the stores have deadlines of their own; this one keeps a
   * store without them from stalling the renewals or the scans for good).
   */
  private <T> Future<T> store(Supplier<Future<T>> op) {
    return withDeadline(here(call(op)), storeDeadline);
  }

  /** The same result, delivered on this component's context (inline when already there). */
  private <T> Future<T> here(Future<T> f) {
    if (f.isComplete() && Vertx.currentContext() == context) {
      return f;
    }
    Promise<T> p = Promise.promise();
    f.onComplete(ar -> {
      if (Vertx.currentContext() == context) {
        p.handle(ar);
      } else {
        context.runOnContext(v -> p.handle(ar));
      }
    });
    return p.future();
  }

  /** Fails after {@code deadline} if {@code f} has not completed by then (f must complete on this context). */
  private <T> Future<T> withDeadline(Future<T> f, Duration deadline) {
    if (f.isComplete()) {
      return f;
    }
    Promise<T> p = Promise.promise();
    long timer = vertx.setTimer(deadline.toMillis(), id ->
        p.tryFail(new TimeoutException("no answer within " + deadline.toMillis() + " ms")));
    f.onComplete(ar -> {
      vertx.cancelTimer(timer);
      if (ar.succeeded()) {
        p.tryComplete(ar.result());
      } else {
        p.tryFail(ar.cause());
      }
    });
    return p.future();
  }
}
