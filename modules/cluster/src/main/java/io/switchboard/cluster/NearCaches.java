package io.switchboard.cluster;

import io.switchboard.signaling.ids.CallId;
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
import io.vertx.core.eventbus.MessageConsumer;
import java.time.Duration;
import java.util.List;

/**
 * Node-local copies of what every relayed message reads from Redis: the recipient's sockets and
 * the connected call it belongs to. Without them an {@code ice-candidate} costs three Redis reads
 * (the call, the user's socket index, each socket's owner); with them, none while nothing changes.
 *
 * <p>Every change goes through the stores this wraps, on some node: that node drops its copy and
 * publishes the key on the clustered event bus, and every node drops its copy when the message
 * arrives. A copy may therefore lag a change made on another node by the time the message takes
 * (a relay may still reach a socket that just left, or miss one that just joined, for that long);
 * a lost message is bounded by the time to live. Only relays read the copies
 * ({@link PresenceStore#socketsToDeliver}, {@link CallStore#getToRelay}); presence answers and
 * call state changes always read Redis. Only connected calls are kept: they change once more, when
 * they end, and {@link CallStore#end} is the only way they do.
 */
public final class NearCaches {
  private static final System.Logger log = System.getLogger(NearCaches.class.getName());
  private static final char USER = 'u';
  private static final char CALL = 'c';

  private final Vertx vertx;
  private final String address;
  private final long ttlMillis;
  private final NearCache<UserId, List<SocketRef>> sockets;
  private final NearCache<CallId, Call> calls;
  private MessageConsumer<String> consumer;
  private long sweeper = -1;

  /**
   * @param clusterName the cluster's name (the invalidations stay within it)
   * @param ttl how long a copy lives at most
   * @param maxEntries copies per kind (users, calls) at most
   */
  public NearCaches(Vertx vertx, String clusterName, Duration ttl, int maxEntries) {
    this.vertx = vertx;
    this.address = Addresses.invalidations(clusterName);
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
    consumer = vertx.eventBus().consumer(address, m -> invalidated(m.body()));
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

  private void userChanged(UserId user) {
    sockets.invalidate(user);
    publish(USER + user.value());
  }

  private void callChanged(CallId id) {
    calls.invalidate(id);
    publish(CALL + id.value());
  }

  private void publish(String key) {
    try {
      vertx.eventBus().publish(address, key);
    } catch (RuntimeException e) {
      // The event bus is closing (shutdown): the other nodes' copies expire by themselves.
      log.log(System.Logger.Level.DEBUG, "invalidation of " + key + " not published: " + e.getMessage());
    }
  }

  private final class Presence implements PresenceStore {
    private final PresenceStore store;

    Presence(PresenceStore store) {
      this.store = store;
    }

    @Override
    public Future<UserId> register(UserId user, SocketRef socket) {
      return store.register(user, socket).andThen(ar -> {
        userChanged(user);
        if (ar.succeeded() && ar.result() != null && !ar.result().equals(user)) {
          userChanged(ar.result());
        }
      });
    }

    @Override
    public Future<Boolean> unregister(UserId user, SocketId socket) {
      return store.unregister(user, socket).andThen(ar -> userChanged(user));
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
      return store.removeSocket(socket).andThen(ar -> {
        if (ar.succeeded() && ar.result() != null) {
          userChanged(ar.result());
        }
      });
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
      return store.end(id).andThen(ar -> callChanged(id));
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
