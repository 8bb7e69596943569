package io.switchboard.cluster;

import io.switchboard.signaling.ids.CallId;
import io.switchboard.signaling.ids.NodeId;
import io.switchboard.signaling.ids.SocketId;
import io.switchboard.signaling.ids.SocketRef;
import io.switchboard.signaling.ids.UserId;
import io.switchboard.signaling.store.Call;
import io.switchboard.signaling.store.CallState;
import io.switchboard.signaling.store.CallStore;
import io.switchboard.signaling.store.PresenceStore;
import io.switchboard.signaling.store.Stores;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import java.time.Duration;
import java.util.List;

/**
 * Node-local copies of what every relayed message reads from Redis: the recipient's sockets and
 * the connected call it belongs to. Without them an {@code ice-candidate} costs three Redis reads
 * (the call, the user's socket index, each socket's owner); with them, none while nothing changes.
 * (A join needs no copy: it is one script, which reads the meeting where it joins it.)
 *
 * <p>Every change goes through the stores this wraps, on some node: that node drops its copy,
 * sends the key to every other node over the clustered event bus, and the change completes only
 * once they confirmed they dropped theirs (1 s at most per node). So once a client sees a change
 * acknowledged (a device left, another registered), no node serves it an older copy; a relay
 * already under way on another node at that instant may still use the old one. A node that did
 * not confirm is bounded by the time to live. Only relays read the copies
 * ({@link PresenceStore#socketsToDeliver}, {@link CallStore#getToRelay}); presence answers and
 * call state changes always read Redis. Only connected calls are kept: they change once more, when
 * they end, and {@link CallStore#end} is the only way they do.
 */
public final class NearCaches {
  private static final System.Logger log = System.getLogger(NearCaches.class.getName());
  private static final char USER = 'u';
  private static final char CALL = 'c';
  /** How long a change waits at most for another node to confirm it dropped its copy. */
  private static final long ACK_TIMEOUT_MS = 1_000;
  private static final DeliveryOptions ACK_OPTIONS = new DeliveryOptions().setSendTimeout(ACK_TIMEOUT_MS);

  private final Vertx vertx;
  private final String address;
  private final long ttlMillis;
  private final NearCache<UserId, List<SocketRef>> sockets;
  private final NearCache<CallId, Call> calls;
  private final NodeId self;
  private MessageConsumer<String> consumer;
  private long sweeper = -1;

  /**
   * @param scope the nodes that share copies: the cluster's name and the shared state's (the
   *     invalidations stay within it; one node per Vert.x instance in a scope)
   * @param ttl how long a copy lives at most
   * @param maxEntries copies per kind (users, calls) at most
   */
  public NearCaches(Vertx vertx, String scope, Duration ttl, int maxEntries) {
    this.vertx = vertx;
    this.self = ClusterNode.nodeId(vertx);
    this.address = Addresses.invalidations(scope);
    this.ttlMillis = ttl.toMillis();
    this.sockets = new NearCache<>(ttlMillis, maxEntries);
    this.calls = new NearCache<>(ttlMillis, maxEntries);
  }

  /** {@code stores} with the presence and call stores read through the copies. */
  public Stores wrap(Stores stores) {
    return new Stores(stores.meetings(), stores.rooms(), new Presence(stores.presence()), stores.groups(),
        new Calls(stores.calls()));
  }

  /** Listens for other nodes' changes (on the clustered event bus) and sweeps expired copies. */
  public Future<Void> start() {
    consumer = vertx.eventBus().consumer(address + "." + self.value(), m -> {
      invalidated(m.body());
      m.reply(null);
    });
    sweeper = vertx.setPeriodic(Math.max(1_000, ttlMillis), t -> {
      sockets.sweep();
      calls.sweep();
    });
    return consumer.completion();
  }

  public Future<Void> stop() {
    if (sweeper >= 0) {
      vertx.cancelTimer(sweeper);
    }
    clear();
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }

  /** Drops every copy (e.g. when the shared state may have changed behind the stores' back). */
  public void clear() {
    sockets.clear();
    calls.clear();
  }

  /** Copies served, reads that went to Redis, and invalidations received, per kind. */
  public Stats stats() {
    return new Stats(sockets.size(), sockets.hits(), sockets.misses(), calls.size(), calls.hits(), calls.misses(),
        sockets.invalidations() + calls.invalidations());
  }

  public record Stats(int users, long userHits, long userMisses, int calls, long callHits, long callMisses,
      long invalidations) {}

  private void invalidated(String key) {
    if (key == null || key.length() < 2) {
      return;
    }
    try {
      switch (key.charAt(0)) {
        case USER -> sockets.invalidate(UserId.of(key.substring(1)));
        case CALL -> calls.invalidate(CallId.of(key.substring(1)));
        default -> log.log(System.Logger.Level.DEBUG, "unknown invalidation " + key);
      }
    } catch (RuntimeException e) {
      log.log(System.Logger.Level.DEBUG, "bad invalidation " + key + ": " + e.getMessage());
    }
  }

  private Future<Void> userChanged(UserId user) {
    sockets.invalidate(user);
    return tellOthers(USER + user.value());
  }

  private Future<Void> callChanged(CallId id) {
    calls.invalidate(id);
    return tellOthers(CALL + id.value());
  }

  /**
   * Tells every other node to drop its copy, and completes when they all confirmed (or
   * {@value #ACK_TIMEOUT_MS} ms passed: a node that does not answer is leaving, and its copies
   * expire anyway). The change that caused it completes only then, so a client that saw it
   * acknowledged (left a room, registered a device) is never served an older copy by any node.
   */
  private Future<Void> tellOthers(String key) {
    List<NodeId> members;
    try {
      members = ClusterNode.members(vertx);
    } catch (RuntimeException e) {
      // Not (or no longer) in a cluster: nobody else holds copies.
      return Future.succeededFuture();
    }
    List<Future<?>> acks = new java.util.ArrayList<>(members.size());
    for (NodeId member : members) {
      if (member.equals(self)) {
        continue;
      }
      acks.add(vertx.eventBus().request(address + "." + member.value(), key, ACK_OPTIONS).recover(e -> {
        log.log(System.Logger.Level.DEBUG, "invalidation of " + key + " not confirmed by " + member + ": " + e.getMessage());
        return Future.succeededFuture();
      }));
    }
    return acks.isEmpty() ? Future.succeededFuture() : Future.join(acks).mapEmpty();
  }

  /**
   * The change's own result, once the other nodes dropped their copies. A change that failed (its
   * outcome unknown) drops the local copy too, without waiting.
   */
  private static <T> Future<T> after(Future<T> change, java.util.function.Function<T, Future<Void>> invalidate,
      Runnable onFailure) {
    return change.compose(result -> invalidate.apply(result).map(result), e -> {
      onFailure.run();
      return Future.failedFuture(e);
    });
  }

  private final class Presence implements PresenceStore {
    private final PresenceStore store;

    Presence(PresenceStore store) {
      this.store = store;
    }

    @Override
    public Future<UserId> register(UserId user, SocketRef socket) {
      return after(store.register(user, socket), previous -> previous != null && !previous.equals(user)
          ? Future.join(userChanged(user), userChanged(previous)).mapEmpty()
          : userChanged(user), () -> userChanged(user));
    }

    @Override
    public Future<Boolean> unregister(UserId user, SocketId socket) {
      return after(store.unregister(user, socket), removed -> userChanged(user), () -> userChanged(user));
    }

    @Override
    public Future<List<SocketRef>> sockets(UserId user) {
      return store.sockets(user);
    }

    @Override
    public Future<List<SocketRef>> socketsToDeliver(UserId user) {
      return sockets.get(user, () -> store.sockets(user).map(List::copyOf), list -> true);
    }

    @Override
    public Future<UserId> userOf(SocketId socket) {
      return store.userOf(socket);
    }

    @Override
    public Future<UserId> removeSocket(SocketId socket) {
      return after(store.removeSocket(socket), user -> user == null ? Future.succeededFuture() : userChanged(user),
          () -> { });
    }
  }

  private final class Calls implements CallStore {
    private final CallStore store;

    Calls(CallStore store) {
      this.store = store;
    }

    @Override
    public Future<Call> ring(Call call) {
      return store.ring(call);
    }

    @Override
    public Future<Call> get(CallId id) {
      return store.get(id);
    }

    @Override
    public Future<Call> getToRelay(CallId id) {
      return calls.get(id, () -> store.get(id), call -> call.state() == CallState.CONNECTED);
    }

    @Override
    public Future<Call> connect(CallId id, SocketRef answeredBy) {
      // Ringing calls are never copied, and a connected call does not connect again.
      return store.connect(id, answeredBy);
    }

    @Override
    public Future<Call> endIfRinging(CallId id) {
      return store.endIfRinging(id);
    }

    @Override
    public Future<Call> end(CallId id) {
      return after(store.end(id), ended -> callChanged(id), () -> callChanged(id));
    }

    @Override
    public Future<List<Call>> callsOf(UserId user) {
      return store.callsOf(user);
    }

    @Override
    public Future<Boolean> isBusy(UserId user) {
      return store.isBusy(user);
    }
  }
}
