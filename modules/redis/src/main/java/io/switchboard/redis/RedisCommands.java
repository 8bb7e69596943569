package io.switchboard.redis;

import io.switchboard.redis.RedisScripts.Script;
import io.switchboard.signaling.ErrorCode;
import io.switchboard.signaling.SignalingException;
import io.vertx.core.Future;
import io.netty.channel.EventLoop;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisCluster;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.RequestGrouping;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The one way the stores talk to Redis: every command gets the deadline, every failure to reach
 * Redis becomes {@code unavailable}, scripts go by EVALSHA with EVAL as the fallback, and
 * pipelines are split by node on a cluster. Never blocks; safe from any thread.
 *
 * <p>Commands are auto-pipelined: they go out on a few long-lived connections ({@link Lane}s)
 * without waiting for the replies of the commands before them, as node-redis does. The client's
 * own {@code Redis.send} leases a pooled connection per command and holds it until the reply,
 * which caps the commands in flight at the pool size (8 by default) and made every relayed
 * message queue for a connection under load. A lane whose connection fails (closed, reset, no
 * reply within the deadline) is dropped and reconnects on its next command.
 *
 * <p>Each event loop that sends commands has a lane of its own (up to the pool size less one;
 * past that, loops share lanes), whose connection is opened from that loop: a command, its reply
 * and the caller's continuation all run on the caller's thread. A connection of another loop
 * costs two hand-offs between threads per command (the client writes on the connection's loop,
 * and completes the caller's promise back on the caller's).
 *
 * <p>A lane admits as many commands in flight as the client's queue holds ({@code capacity}); a
 * burst beyond that (thousands of sockets closing at once, each cleanup a few commands) waits in
 * the lane, in order, for replies to make room, instead of failing as "waiting queue is full"
 * and turning Redis {@code unavailable} for every request of the node. A command still waiting
 * at its deadline fails and is never sent: its caller was told it failed, so it must not happen
 * later. Past {@value #PARKED_PER_CAPACITY} times the capacity waiting, commands fail at once.
 */
final class RedisCommands {
  private static final System.Logger log = System.getLogger(RedisCommands.class.getName());

  /** Commands per pipeline: well under the client's per-connection queue (2048 by default). */
  private static final int BATCH_CHUNK = 512;

  /**
   * Error replies that mean "Redis cannot serve now", not "this command is wrong"; the client
   * reports a connection that closed under a command as CONNECTION_CLOSED.
   */
  private static final List<String> TRANSIENT_REPLIES = List.of(
      "CONNECTION_CLOSED", "LOADING", "BUSY", "MASTERDOWN", "CLUSTERDOWN", "TRYAGAIN", "READONLY", "NOREPLICAS",
      "NOAUTH", "WRONGPASS", "MISCONF", "OOM", "MOVED", "ASK");

  /** How the client says a connection has too many commands in flight (the connection is fine). */
  private static final String QUEUE_FULL = "waiting queue is full";
  /** How the client says a connection was already closed when a command was handed to it (not sent). */
  private static final String NOT_SENT = "Connection is closed";

  /** Commands that may wait in one lane for room, in multiples of its capacity. */
  static final int PARKED_PER_CAPACITY = 16;

  private final Vertx vertx;
  private final Redis redis;
  /** At most this many lanes (each holds a pooled connection for the client's life). */
  private final int maxLanes;
  /** The lane of each event loop that has sent a command. */
  private final Map<EventLoop, Lane> laneByLoop = new ConcurrentHashMap<>();
  private final List<Lane> lanes = new CopyOnWriteArrayList<>();
  private final AtomicInteger loopsSeen = new AtomicInteger();
  private final RedisCluster cluster;
  private final long timeoutMs;
  private final int capacity;
  private final AtomicBoolean reachable = new AtomicBoolean(true);
  private volatile String lastFailure;
  private volatile RedisObserver observer = RedisObserver.NONE;

  /** {@code capacity}: commands in flight per connection, the client's {@code maxWaitingHandlers}. */
  RedisCommands(Vertx vertx, Redis redis, boolean isCluster, long timeoutMs, int poolSize, int capacity) {
    this.vertx = vertx;
    this.redis = redis;
    this.capacity = Math.max(1, capacity);
    // Keep one pooled connection free for what needs its own (cluster topology, script loading).
    this.maxLanes = Math.max(1, poolSize - 1);
    this.cluster = isCluster ? RedisCluster.create(redis) : null;
    this.timeoutMs = timeoutMs;
  }

  /** An error reply that is not about availability: a bug or a misuse, reported as internal. */
  static final class RedisReplyException extends IllegalStateException {
    RedisReplyException(String message) {
      super(message);
    }

    boolean is(String code) {
      String m = getMessage();
      return m != null && m.startsWith(code);
    }
  }

  static SignalingException unavailable() {
    return new SignalingException(ErrorCode.UNAVAILABLE, "Service unavailable, try again");
  }

  /** Reports every round trip from now on to {@code observer} (metrics). */
  void observe(RedisObserver observer) {
    this.observer = observer == null ? RedisObserver.NONE : observer;
  }

  /** Sends one command with the deadline. */
  Future<Response> send(Request request) {
    return send(request, String.valueOf(request.command()));
  }

  private Future<Response> send(Request request, String operation) {
    return onLane(c -> c.send(request), operation, 1);
  }

  /**
   * Runs {@code op} on this thread's lane. A connection found closed when the command was handed
   * to it (Redis restarted while the lane was idle) never sent it: the command goes again, once, on
   * a new connection.
   */
  private <T> Future<T> onLane(java.util.function.Function<RedisConnection, Future<T>> op, String operation,
      int commands) {
    ContextInternal context = (ContextInternal) vertx.getOrCreateContext();
    Lane lane = lane(context);
    AtomicReference<Future<RedisConnection>> used = new AtomicReference<>();
    // Bound to the caller's context, so that the deadline (within) is a timer of the caller's own
    // event loop. A promise without a context puts the timer, and its cancellation at every
    // reply, on Netty's GlobalEventExecutor: two hand-offs to another thread per command, and a
    // passed deadline failing the command on that thread.
    Promise<T> result = context.promise();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    lane.admission.admit(commands, deadline, refusal -> {
      if (refusal != null) {
        result.tryFail(refusal);
        return;
      }
      used.set(lane.connection());
      used.get().compose(op).recover(e -> {
        if (!(e instanceof Response) && String.valueOf(e.getMessage()).contains(NOT_SENT)) {
          lane.failed(used.get());
          used.set(lane.connection());
          return used.get().compose(op);
        }
        return Future.failedFuture(e);
      }).onComplete(ar -> {
        lane.admission.release(commands);
        result.handle(ar);
      });
    });
    return within(result.future(), operation, () -> {
      Future<RedisConnection> u = used.get();
      if (u != null) {
        lane.failed(u);
      }
    });
  }

  /**
   * The lane of the caller's event loop: one keeps to one connection, so its commands stay in
   * order. A loop seen first gets a new lane (opened from that loop) while there are fewer than
   * {@link #maxLanes}, else shares one.
   */
  private Lane lane(ContextInternal context) {
    EventLoop loop = context.nettyEventLoop();
    Lane lane = laneByLoop.get(loop);
    if (lane != null) {
      return lane;
    }
    return laneByLoop.computeIfAbsent(loop, l -> {
      int n = loopsSeen.getAndIncrement();
      if (n < maxLanes) {
        Lane fresh = new Lane(context.unwrap());
        lanes.add(fresh);
        return fresh;
      }
      return lanes.get(n % maxLanes);
    });
  }

  /** The loops that have a lane, and the lanes (for tests). */
  int lanes() {
    return lanes.size();
  }

  /**
   * One long-lived connection that commands are pipelined on. Connects lazily from its home
   * event loop (so that the connection lives there), shares one connect among concurrent
   * callers, and forgets a connection that failed so the next command gets a new one.
   */
  private final class Lane {
    private final ContextInternal home;
    private final AtomicReference<Future<RedisConnection>> current = new AtomicReference<>();
    private final Admission admission = new Admission(capacity, capacity * PARKED_PER_CAPACITY, System::nanoTime);

    Lane(ContextInternal home) {
      this.home = home;
    }

    Future<RedisConnection> connection() {
      while (true) {
        Future<RedisConnection> f = current.get();
        if (f != null && !f.failed()) {
          return f;
        }
        // The client opens a connection on the event loop of the context it is called from.
        Future<RedisConnection> fresh = home.nettyEventLoop().inEventLoop()
            ? redis.connect()
            : home.<Void>succeededFuture().compose(v -> redis.connect());
        if (current.compareAndSet(f, fresh)) {
          return fresh;
        }
        // Another caller replaced it first: use theirs; close the spare once it is there.
        fresh.onSuccess(RedisConnection::close);
      }
    }

    /** The command on {@code used} failed without a reply from Redis: do not use it again. */
    void failed(Future<RedisConnection> used) {
      if (current.compareAndSet(used, null)) {
        // Still connecting: close it when it gets there, or it would hold a pooled connection forever.
        used.onSuccess(RedisConnection::close);
      }
    }

    Future<Void> close() {
      Future<RedisConnection> f = current.getAndSet(null);
      return f != null && f.succeeded() ? f.result().close() : Future.succeededFuture();
    }
  }

  /**
   * How many commands a lane lets in flight, and the ones that wait for room: admitted in arrival
   * order as replies free room; one whose deadline passed while it waited is refused, never sent;
   * past {@code maxParked} waiting, a command is refused at once. Thread-safe.
   */
  static final class Admission {
    private final int capacity;
    private final int maxParked;
    private final java.util.function.LongSupplier clock;
    private int inFlight;
    private int parkedCommands;
    private final java.util.ArrayDeque<Parked> parked = new java.util.ArrayDeque<>();

    private record Parked(int commands, long deadline, java.util.function.Consumer<Throwable> start) {}

    Admission(int capacity, int maxParked, java.util.function.LongSupplier clock) {
      this.capacity = capacity;
      this.maxParked = maxParked;
      this.clock = clock;
    }

    /**
     * Calls {@code start} with null once {@code commands} more fit in flight (now, or when replies
     * made room), or with the reason they will not be sent.
     */
    void admit(int commands, long deadline, java.util.function.Consumer<Throwable> start) {
      Throwable refusal = null;
      synchronized (this) {
        if (parked.isEmpty() && (inFlight == 0 || inFlight + commands <= capacity)) {
          inFlight += commands;
        } else if (parkedCommands + commands <= maxParked) {
          parked.add(new Parked(commands, deadline, start));
          parkedCommands += commands;
          return;
        } else {
          // The connection is fine; the node asks more than Redis answers: not sent, and not a reason
          // to replace the connection (within() recognizes the message).
          refusal = new IllegalStateException("Redis " + QUEUE_FULL + ": " + parkedCommands + " commands wait for room");
        }
      }
      start.accept(refusal);
    }

    /** Replies came for {@code commands}: starts the waiting commands that now fit. */
    void release(int commands) {
      List<Parked> go = null;
      List<Parked> expired = null;
      synchronized (this) {
        inFlight -= commands;
        if (parked.isEmpty()) {
          // The usual case, once per reply: nothing waits.
          return;
        }
        go = new ArrayList<>();
        expired = new ArrayList<>();
        long now = clock.getAsLong();
        while (!parked.isEmpty()) {
          Parked p = parked.peek();
          if (now - p.deadline() >= 0) {
            parked.poll();
            parkedCommands -= p.commands();
            expired.add(p);
          } else if (inFlight == 0 || inFlight + p.commands() <= capacity) {
            parked.poll();
            parkedCommands -= p.commands();
            inFlight += p.commands();
            go.add(p);
          } else {
            break;
          }
        }
      }
      for (Parked p : expired) {
        p.start().accept(new IllegalStateException("deadline passed while waiting for room on the connection: not sent"));
      }
      for (Parked p : go) {
        p.start().accept(null);
      }
    }

    synchronized int inFlight() {
      return inFlight;
    }

    synchronized int waiting() {
      return parkedCommands;
    }
  }

  /** Runs a script by its SHA; loads it with EVAL when this Redis does not know it (NOSCRIPT). */
  Future<Response> eval(Script script, List<String> keys, List<String> args) {
    checkKeys(script, keys);
    String operation = "script:" + script.name();
    return send(scriptRequest(Command.EVALSHA, script.sha(), keys, args), operation).recover(e -> {
      if (e instanceof RedisReplyException r && r.is("NOSCRIPT")) {
        return send(scriptRequest(Command.EVAL, script.source(), keys, args), operation);
      }
      return Future.failedFuture(e);
    }).recover(e -> {
      if (e instanceof RedisReplyException r) {
        return Future.failedFuture(new RedisReplyException(script.name() + ": " + r.getMessage()));
      }
      return Future.failedFuture(e);
    });
  }

  Future<Response> eval(Script script, List<String> keys, String... args) {
    return eval(script, keys, Arrays.asList(args));
  }

  /**
   * Sends {@code first}, then runs the script, in that order. Where one connection serves both
   * (standalone, Sentinel) they go out pipelined, one round trip: Redis runs a connection's
   * commands in order. On a Redis Cluster (the keys may live on different nodes) the script waits
   * for {@code first}'s reply. Fails when either fails (pipelined, the script has run even when
   * {@code first} failed); the value is the script's reply. {@code first} must be idempotent:
   * when Redis no longer knows the script (NOSCRIPT), both go again, one after the other.
   */
  Future<Response> sendThenEval(Request first, Script script, List<String> keys, String... args) {
    if (cluster != null) {
      return send(first).compose(v -> eval(script, keys, args));
    }
    checkKeys(script, keys);
    Request evalsha = scriptRequest(Command.EVALSHA, script.sha(), keys, Arrays.asList(args));
    // An error reply fails the whole batch, as "ERR [<index>] <reply>".
    return onLane(c -> c.batch(List.of(first, evalsha)), "script:" + script.name(), 2)
        .map(replies -> replies.get(1))
        .recover(e -> {
          if (!(e instanceof RedisReplyException r)) {
            return Future.failedFuture(e);
          }
          // Only a script Redis does not know ran nothing: it goes again (loaded). Any other error
          // reply stands: Redis keeps what a failing script wrote before it failed.
          return r.getMessage().contains("[1] NOSCRIPT")
              ? send(first).compose(v -> eval(script, keys, args))
              : Future.failedFuture(new RedisReplyException(script.name() + ": " + r.getMessage()));
        });
  }

  private static void checkKeys(Script script, List<String> keys) {
    if (keys.size() != script.keys()) {
      throw new IllegalArgumentException(script.name() + " takes " + script.keys() + " keys, got " + keys);
    }
  }

  private static Request scriptRequest(Command command, String shaOrSource, List<String> keys, List<String> args) {
    Request r = Request.cmd(command).arg(shaOrSource).arg(keys.size());
    for (String k : keys) {
      r.arg(k);
    }
    for (String a : args) {
      r.arg(a);
    }
    return r;
  }

  /**
   * Pipelines independent commands (no atomicity between them) and returns their replies in
   * order. On a cluster they are grouped by node first, one pipeline per node.
   */
  Future<List<Response>> batch(List<Request> requests) {
    if (requests.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    if (cluster == null) {
      return pipelined(requests);
    }
    return within(cluster.groupByNodes(requests), "group-by-node").compose(grouping -> {
      Map<Request, Integer> at = new IdentityHashMap<>();
      for (int i = 0; i < requests.size(); i++) {
        at.put(requests.get(i), i);
      }
      Response[] out = new Response[requests.size()];
      List<Future<?>> all = new ArrayList<>();
      for (List<Request> group : groups(grouping)) {
        all.add(pipelined(group).onSuccess(replies -> {
          for (int i = 0; i < group.size(); i++) {
            out[at.get(group.get(i))] = replies.get(i);
          }
        }));
      }
      return Future.all(all).map(v -> Arrays.asList(out));
    });
  }

  private static List<List<Request>> groups(RequestGrouping grouping) {
    List<List<Request>> groups = new ArrayList<>(grouping.getKeyed());
    for (Request r : grouping.getUnkeyed()) {
      groups.add(List.of(r));
    }
    return groups;
  }

  private Future<List<Response>> pipelined(List<Request> requests) {
    if (requests.size() <= BATCH_CHUNK) {
      return batchOnLane(requests);
    }
    List<Future<List<Response>>> chunks = new ArrayList<>();
    for (int from = 0; from < requests.size(); from += BATCH_CHUNK) {
      chunks.add(batchOnLane(requests.subList(from, Math.min(requests.size(), from + BATCH_CHUNK))));
    }
    return Future.all(chunks).map(v -> {
      List<Response> out = new ArrayList<>(requests.size());
      for (Future<List<Response>> c : chunks) {
        out.addAll(c.result());
      }
      return out;
    });
  }

  private Future<List<Response>> batchOnLane(List<Request> requests) {
    return onLane(c -> c.batch(requests), "pipeline", requests.size());
  }

  /**
   * Runs index bookkeeping whose failure must not fail the operation it follows: the atomic
   * change already happened, and the index stays a superset (see {@link RedisKeys}).
   */
  static Future<Void> bestEffort(Future<?> cleanup, String what) {
    return cleanup.<Void>mapEmpty().recover(e -> {
      log.log(System.Logger.Level.DEBUG, "index cleanup failed (" + what + "), left for later: " + e.getMessage());
      return Future.succeededFuture();
    });
  }

  /** Writes an index entry (see {@link RedisKeys}): its value is the time it was written. */
  static Request indexPut(String index, String field) {
    return Request.cmd(Command.HSET).arg(index).arg(field).arg(System.currentTimeMillis());
  }

  /** Deletes one index entry by its exact field (which names its token). */
  static Request indexDelete(String index, String field) {
    return Request.cmd(Command.HDEL).arg(index).arg(field);
  }

  /** Loads every script into Redis (every master of a cluster), so EVALSHA finds them. */
  Future<Void> loadScripts(List<Script> scripts) {
    List<Future<?>> loads = new ArrayList<>();
    for (Script s : scripts) {
      Request load = Request.cmd(Command.SCRIPT).arg("LOAD").arg(s.source());
      if (cluster == null) {
        loads.add(send(load).compose(sha -> checkSha(s, sha)));
      } else {
        loads.add(within(cluster.onAllMasterNodes(load), "script").compose(shas -> {
          for (Response sha : shas) {
            Future<Void> checked = checkSha(s, sha);
            if (checked.failed()) {
              return checked;
            }
          }
          return Future.succeededFuture();
        }));
      }
    }
    return Future.all(loads).mapEmpty();
  }

  private static Future<Void> checkSha(Script s, Response sha) {
    if (sha == null || !s.sha().equals(sha.toString())) {
      return Future.failedFuture(new IllegalStateException(
          "Redis named script " + s.name() + " " + sha + ", expected " + s.sha()));
    }
    return Future.succeededFuture();
  }

  Future<Void> ping() {
    return send(Request.cmd(Command.PING)).mapEmpty();
  }

  private <T> Future<T> within(Future<T> f, String operation) {
    return within(f, operation, null);
  }

  /** {@code noReply}: what to do when the command got no reply (closed, reset, deadline passed). */
  private <T> Future<T> within(Future<T> f, String operation, Runnable noReply) {
    long start = System.nanoTime();
    return f.timeout(timeoutMs, TimeUnit.MILLISECONDS).transform(ar -> {
      if (ar.succeeded()) {
        markReachable();
        observed(operation, start, RedisObserver.Outcome.OK);
        return Future.succeededFuture(ar.result());
      }
      if (noReply != null && !(ar.cause() instanceof Response) && !String.valueOf(ar.cause().getMessage()).contains(QUEUE_FULL)) {
        // No reply (closed, reset, deadline passed): the connection is suspect, replace it.
        noReply.run();
      }
      Throwable failure = classify(ar.cause());
      observed(operation, start, failure instanceof RedisReplyException
          ? RedisObserver.Outcome.ERROR : RedisObserver.Outcome.UNAVAILABLE);
      return Future.failedFuture(failure);
    });
  }

  private void observed(String operation, long start, RedisObserver.Outcome outcome) {
    try {
      observer.completed(operation, System.nanoTime() - start, outcome);
    } catch (RuntimeException e) {
      log.log(System.Logger.Level.DEBUG, "Redis observer failed: " + e);
    }
  }

  private Throwable classify(Throwable e) {
    if (e instanceof SignalingException || e instanceof RedisReplyException) {
      return e;
    }
    if (e instanceof Response) {
      // An error reply: Redis answered, so it is reachable; some replies still mean "not now".
      String message = String.valueOf(e.getMessage());
      for (String code : TRANSIENT_REPLIES) {
        if (message.startsWith(code)) {
          markUnreachable(message);
          return unavailable();
        }
      }
      markReachable();
      return new RedisReplyException(message);
    }
    // Refused, reset, closed, deadline passed, pool queue full: Redis cannot be used now.
    markUnreachable(e.getClass().getSimpleName() + ": " + e.getMessage());
    return unavailable();
  }

  private void markUnreachable(String why) {
    lastFailure = why;
    if (reachable.compareAndSet(true, false)) {
      log.log(System.Logger.Level.WARNING, "Redis unavailable, requests fail with 'unavailable': " + why);
    }
  }

  private void markReachable() {
    if (reachable.compareAndSet(false, true)) {
      log.log(System.Logger.Level.INFO, "Redis reachable again");
    }
  }

  /** Why Redis was last unreachable, for error messages; empty when it never was. */
  String lastFailure() {
    String why = lastFailure;
    return why == null ? "" : " (" + why + ")";
  }

  /** Whether the last command reached Redis (for readiness). */
  boolean reachable() {
    return reachable.get();
  }

  Future<Void> close() {
    List<Future<Void>> closing = new ArrayList<>();
    for (Lane lane : lanes) {
      closing.add(lane.close().recover(e -> Future.succeededFuture()));
    }
    return Future.join(closing).transform(ar -> redis.close());
  }
}
