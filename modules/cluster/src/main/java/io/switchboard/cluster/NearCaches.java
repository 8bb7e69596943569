package io.switchboard.cluster;

import io.switchboard.signaling.ids.CallId;
import io.switchboard.signaling.ids.MeetingId;
import io.switchboard.signaling.ids.ParticipantId;
import io.switchboard.signaling.ids.SocketId;
import io.switchboard.signaling.ids.SocketRef;
import io.switchboard.signaling.ids.UserId;
import io.switchboard.signaling.store.Call;
import io.switchboard.signaling.store.CallState;
import io.switchboard.signaling.store.CallStore;
import io.switchboard.signaling.store.MediaPatch;
import io.switchboard.signaling.store.Meeting;
import io.switchboard.signaling.store.MeetingEnd;
import io.switchboard.signaling.store.MeetingJoin;
import io.switchboard.signaling.store.MeetingLeave;
import io.switchboard.signaling.store.MeetingStatus;
import io.switchboard.signaling.store.MeetingStore;
import io.switchboard.signaling.store.Participant;
import io.switchboard.signaling.store.PresenceStore;
import io.switchboard.signaling.store.Stores;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import java.time.Duration;
import java.util.List;

/**
 * Node-local copies of what every relayed message reads from Redis: the recipient's sockets and
 * the connected call it belongs to; and, for joins, the live meeting's record. Without them an {@code ice-candidate} costs three Redis reads
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
  private static final char MEETING = 'm';

  private final Vertx vertx;
  private final String address;
  private final long ttlMillis;
  private final NearCache<UserId, List<SocketRef>> sockets;
  private final NearCache<CallId, Call> calls;
  private final NearCache<MeetingId, Meeting> meetings;
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
    this.meetings = new NearCache<>(ttlMillis, maxEntries);
  }

  /** {@code stores} with the presence and call stores read through the copies. */
  public Stores wrap(Stores stores) {
    return new Stores(new Meetings(stores.meetings()), stores.rooms(), new Presence(stores.presence()), stores.groups(),
        new Calls(stores.calls()));
  }

  /** Listens for other nodes' changes (on the clustered event bus) and sweeps expired copies. */
  public Future<Void> start() {
    consumer = vertx.eventBus().consumer(address, m -> invalidated(m.body()));
    sweeper = vertx.setPeriodic(Math.max(1_000, ttlMillis), t -> {
      sockets.sweep();
      calls.sweep();
      meetings.sweep();
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
    meetings.clear();
  }

  /** Copies served, reads that went to Redis, and invalidations received, per kind. */
  public Stats stats() {
    return new Stats(sockets.size(), sockets.hits(), sockets.misses(), calls.size(), calls.hits(), calls.misses(),
        meetings.size(), meetings.hits(), meetings.misses(),
        sockets.invalidations() + calls.invalidations() + meetings.invalidations());
  }

  public record Stats(int users, long userHits, long userMisses, int calls, long callHits, long callMisses,
      int meetings, long meetingHits, long meetingMisses, long invalidations) {}

  private void invalidated(String key) {
    if (key == null || key.length() < 2) {
      return;
    }
    try {
      switch (key.charAt(0)) {
        case USER -> sockets.invalidate(UserId.of(key.substring(1)));
        case CALL -> calls.invalidate(CallId.of(key.substring(1)));
        case MEETING -> meetings.invalidate(MeetingId.of(key.substring(1)));
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

  private void meetingChanged(MeetingId id) {
    meetings.invalidate(id);
    publish(MEETING + id.value());
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

  /** Live meetings for joins; the record changes only when the meeting ends (or is created). */
  private final class Meetings implements MeetingStore {
    private final MeetingStore store;

    Meetings(MeetingStore store) {
      this.store = store;
    }

    @Override
    public Future<Meeting> create(Meeting meeting) {
      return store.create(meeting).andThen(ar -> meetingChanged(meeting.id()));
    }

    @Override
    public Future<Meeting> createIfAbsent(Meeting meeting) {
      // Only a meeting this call created is news; an existing one (the common race of several
      // first joiners) changed nothing.
      return store.createIfAbsent(meeting).andThen(ar -> {
        if (ar.failed() || meeting.equals(ar.result())) {
          meetingChanged(meeting.id());
        }
      });
    }

    @Override
    public Future<Meeting> get(MeetingId id) {
      return store.get(id);
    }

    @Override
    public Future<Meeting> getForJoin(MeetingId id) {
      return meetings.get(id, () -> store.get(id), m -> m.status() == MeetingStatus.LIVE);
    }

    @Override
    public Future<MeetingJoin> join(MeetingId id, Participant candidate) {
      return store.join(id, candidate);
    }

    @Override
    public Future<MeetingLeave> leave(MeetingId id, SocketId socket) {
      return store.leave(id, socket);
    }

    @Override
    public Future<MeetingLeave> remove(MeetingId id, ParticipantId participant) {
      return store.remove(id, participant);
    }

    @Override
    public Future<List<Participant>> participants(MeetingId id) {
      return store.participants(id);
    }

    @Override
    public Future<Participant> participant(MeetingId id, SocketId socket) {
      return store.participant(id, socket);
    }

    @Override
    public Future<Participant> updateMedia(MeetingId id, SocketId socket, MediaPatch patch) {
      return store.updateMedia(id, socket, patch);
    }

    @Override
    public Future<MeetingEnd> end(MeetingId id) {
      return store.end(id).andThen(ar -> meetingChanged(id));
    }

    @Override
    public Future<List<MeetingLeave>> removeSocket(SocketId socket) {
      return store.removeSocket(socket);
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
