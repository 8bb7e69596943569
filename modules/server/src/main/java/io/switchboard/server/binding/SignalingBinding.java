package io.switchboard.server.binding;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.protocol.socketio.Ack;
import io.switchboard.protocol.socketio.ConnectError;
import io.switchboard.protocol.socketio.EventArgs;
import io.switchboard.protocol.socketio.Namespace;
import io.switchboard.protocol.socketio.SioSocket;
import io.switchboard.signaling.Client;
import io.switchboard.signaling.ErrorCode;
import io.switchboard.signaling.Identity;
import io.switchboard.signaling.Payload;
import io.switchboard.signaling.Signaling;
import io.switchboard.signaling.SignalingException;
import io.switchboard.signaling.ids.NodeId;
import io.switchboard.signaling.ids.SocketId;
import io.switchboard.signaling.ids.SocketRef;
import io.switchboard.signaling.store.SocketRegistry;
import io.switchboard.server.ops.LogContext;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Binds the signaling domain to a Socket.IO namespace: identity at handshake, then every event of
 * a socket handed to {@link Signaling} one at a time, in arrival order (an event starts when the
 * previous one of the same socket finished, so a join is complete before the relay that follows
 * it), with a per-socket rate limit. Refusals become an {@code error} event
 * {@code {message, code, event}} and a failed ack {@code {ok:false, code, message}}; successes ack
 * {@code {ok:true, ...}}. A disconnect is queued behind the socket's in-flight event, so nothing
 * it joined survives it.
 */
public final class SignalingBinding {
  private static final System.Logger log = System.getLogger(SignalingBinding.class.getName());
  private static final String IDENTITY = "switchboard.identity";

  private final Signaling signaling;
  private final NodeId node;
  private final IdentityProvider identities;
  private final RateLimit rateLimit;
  private final SocketRegistry registry;
  private final SignalingObserver observer;
  private final AtomicInteger live = new AtomicInteger();
  /** Retries of a failed socket cleanup (after 1, 2, 4, 8, 16 s). */
  private static final int CLEANUP_RETRIES = 5;
  /** A second cleanup pass this long after the first, when a command of the socket missed its deadline. */
  private static final long LATE_WRITE_PASS_MS = 10_000;
  private final int maxEventLength;
  private volatile Promise<Void> drained;

  public SignalingBinding(Signaling signaling, NodeId node, IdentityProvider identities, RateLimit rateLimit,
      SocketRegistry registry) {
    this(signaling, node, identities, rateLimit, registry, SignalingObserver.NONE);
  }

  /** With an observer told about every event, refusal and socket (metrics). */
  public SignalingBinding(Signaling signaling, NodeId node, IdentityProvider identities, RateLimit rateLimit,
      SocketRegistry registry, SignalingObserver observer) {
    this.signaling = signaling;
    this.node = node;
    this.identities = identities;
    this.rateLimit = rateLimit;
    this.registry = registry;
    this.observer = observer;
    this.maxEventLength = signaling.context().limits().maxEventLength();
  }

  /**
   * Socket cleanups running at once on this node (each a handful of Redis commands); the others
   * wait their turn, so a mass disconnect stays a short queue instead of a pipeline that delays
   * everyone else's requests past their deadlines.
   */
  static final int CONCURRENT_CLEANUPS = 128;
  private final Slots cleanups = new Slots(CONCURRENT_CLEANUPS);

  /** Sockets connected here whose cleanup has not finished. */
  public int liveSockets() {
    return live.get();
  }

  /**
   * Completes when every socket connected here has been cleaned up (each one's disconnect ran to
   * the end). Used by the drain after it closed the connections.
   */
  public Future<Void> whenAllCleanedUp() {
    Promise<Void> p = Promise.promise();
    drained = p;
    if (live.get() == 0) {
      p.tryComplete();
    }
    return p.future();
  }

  private void cleanedUp() {
    if (live.decrementAndGet() == 0) {
      Promise<Void> p = drained;
      if (p != null) {
        p.tryComplete();
      }
    }
  }

  public void install(Namespace namespace) {
    namespace.use(socket -> identities.identify(socket.handshake()).<Void>map(identity -> {
      socket.attr(IDENTITY, identity);
      return null;
    }).onFailure(e -> observer.handshakeRefused(refusalReason(e))));
    namespace.onConnection(this::connected);
  }

  private void connected(SioSocket socket) {
    Identity identity = socket.attr(IDENTITY);
    Client client = new Client(new SocketRef(SocketId.of(socket.id()), node),
        identity == null ? Identity.anonymous() : identity, (event, payload) -> {
          observer.eventOut(event, 1);
          socket.emit(event, payload);
        });
    Mailbox mailbox = new Mailbox(socket, client);
    live.incrementAndGet();
    observer.connected();
    LogContext.log(log, System.Logger.Level.DEBUG, "socket connected over " + socket.transport(), null,
        LogContext.SOCKET, socket.id(), LogContext.USER, client.user() == null ? null : client.user().value());
    // The node records the socket before its first event runs, so a node that dies later is
    // known to have held it.
    mailbox.enqueue(() -> registry.add(client.ref()).onComplete(ar -> {
      if (ar.failed()) {
        // Unrecorded, it would be invisible to a survivor if this node died: the connection is
        // closed instead, and the client reconnects (to a node that can record it).
        LogContext.log(log, System.Logger.Level.WARNING, "could not record socket " + socket.id() + ": "
            + ar.cause().getMessage() + "; closing it", null, LogContext.SOCKET, socket.id());
        socket.closeTransport();
      }
      mailbox.onContextNext();
    }));
    socket.onAny(mailbox::onEvent);
    socket.onDisconnect(mailbox::onDisconnect);
  }

  /** One socket's queue of events; only touched on the socket's context. */
  private final class Mailbox {
    private final SioSocket socket;
    private final Client client;
    private final Context context;
    private final TokenBucket bucket;
    private final ArrayDeque<Runnable> queue = new ArrayDeque<>(4);
    private boolean busy;
    private boolean closed;
    private boolean inNext;
    private boolean nextWanted;
    private boolean sawUnavailable;

    Mailbox(SioSocket socket, Client client) {
      this.socket = socket;
      this.client = client;
      this.context = socket.context();
      this.bucket = new TokenBucket(rateLimit.burst(), rateLimit.perSecond(), System.nanoTime());
    }

    void onEvent(String event, EventArgs args, Ack ack) {
      if (closed) {
        return;
      }
      observer.eventIn(event);
      if (!signaling.handles(event)) {
        observer.refused(event, ErrorCode.UNKNOWN_EVENT.wire());
        if (ack != null) {
          ack.send(failure(new SignalingException(ErrorCode.UNKNOWN_EVENT, "Unknown event " + event)));
        }
        return;
      }
      if (!bucket.tryTake(System.nanoTime()) || queue.size() >= rateLimit.maxQueued()) {
        refuse(event, ack, new SignalingException(ErrorCode.RATE_LIMITED, "Too many events, slow down"));
        return;
      }
      JsonNode arg = args.get(0);
      if (Payload.exceeds(arg, maxEventLength)) {
        // Refused before it waits in the queue: queued events are bounded in size as in number.
        refuse(event, ack, new SignalingException(ErrorCode.TOO_LARGE,
            "payload is larger than " + maxEventLength + " characters"));
        return;
      }
      enqueue(() -> {
        long start = System.nanoTime();
        signaling.handle(client, event, arg).onComplete(ar -> onContext(() -> {
          observer.handled(event, System.nanoTime() - start, ar.succeeded());
          if (ar.succeeded()) {
            if (ack != null) {
              ObjectNode ok = JsonNodeFactory.instance.objectNode();
              ok.put("ok", true);
              if (ar.result() != null) {
                ok.setAll(ar.result());
              }
              ack.send(ok);
            }
          } else {
            SignalingException refusal = asSignaling(event, arg, ar.cause());
            if (refusal.code() == ErrorCode.UNAVAILABLE) {
              // A command that missed its deadline may still run later: clean up once more after.
              sawUnavailable = true;
            }
            refuse(event, ack, refusal);
          }
          next();
        }));
      });
    }

    /** Maps any failure to the catalogue; an unexpected one is logged with its stack and this socket's ids, never sent. */
    private SignalingException asSignaling(String event, JsonNode arg, Throwable cause) {
      if (cause instanceof SignalingException se) {
        return se;
      }
      LogContext.log(log, System.Logger.Level.ERROR, "event '" + event + "' failed", cause,
          LogContext.EVENT, event, LogContext.SOCKET, socket.id(),
          LogContext.USER, client.user() == null ? null : client.user().value(),
          LogContext.MEETING, text(arg, "meetingId"), LogContext.ROOM, text(arg, "roomId"));
      return new SignalingException(ErrorCode.INTERNAL, "Internal error");
    }

    void onDisconnect(String reason) {
      closed = true;
      observer.disconnected(reason);
      LogContext.log(log, System.Logger.Level.DEBUG, "socket disconnected: " + reason, null,
          LogContext.SOCKET, socket.id(), LogContext.USER, client.user() == null ? null : client.user().value());
      // Events that had not started belong to a socket that is gone; the cleanup runs after the one in flight.
      queue.clear();
      enqueue(() -> cleanup(0).onComplete(ar -> {
        cleanedUp();
        onContext(this::next);
      }));
    }

    /**
     * Runs the socket's cleanup; a failure (shared state unreachable) is retried after 1, 2, 4, 8
     * and 16 s. Only a complete cleanup takes the socket out of the registry: one that never
     * succeeds is left there for a survivor to redo if this node dies. After a cleanup of a socket
     * whose commands missed their deadline, one more pass runs later, for a command that ran late.
     */
    private Future<Void> cleanup(int attempt) {
      return cleanups.run(() -> signaling.disconnected(client)).transform(ar -> {
        if (ar.succeeded()) {
          if (sawUnavailable) {
            context.owner().setTimer(LATE_WRITE_PASS_MS, t -> signaling.disconnected(client)
                .onFailure(e -> LogContext.log(log, System.Logger.Level.WARNING, "late cleanup pass of socket "
                    + socket.id() + " failed: " + e.getMessage(), null, LogContext.SOCKET, socket.id())));
          }
          return registry.remove(client.ref()).<Void>mapEmpty().otherwiseEmpty();
        }
        LogContext.log(log, attempt == 0 ? System.Logger.Level.WARNING : System.Logger.Level.ERROR,
            "cleanup of socket " + socket.id() + " failed (attempt " + (attempt + 1) + ")", ar.cause(),
            LogContext.SOCKET, socket.id(), LogContext.USER, client.user() == null ? null : client.user().value());
        if (attempt >= CLEANUP_RETRIES) {
          return Future.<Void>succeededFuture();
        }
        Promise<Void> retried = Promise.promise();
        context.owner().setTimer(1000L << attempt, t -> cleanup(attempt + 1).onComplete(retried));
        return retried.future();
      });
    }

    void onContextNext() {
      onContext(this::next);
    }

    void enqueue(Runnable task) {
      queue.add(task);
      if (!busy) {
        busy = true;
        next();
      }
    }

    /**
     * Starts the next queued task; called when the one in flight finished. Iterative: a task that
     * finishes at once (in-memory stores) asks for the next without growing the stack, and a task
     * that throws does not stall the queue.
     */
    private void next() {
      if (inNext) {
        nextWanted = true;
        return;
      }
      inNext = true;
      try {
        do {
          nextWanted = false;
          Runnable task = queue.poll();
          if (task == null) {
            busy = false;
            return;
          }
          try {
            task.run();
          } catch (RuntimeException e) {
            LogContext.log(log, System.Logger.Level.ERROR, "a queued task of socket " + socket.id() + " failed", e,
                LogContext.SOCKET, socket.id());
            nextWanted = true;
          }
        } while (nextWanted);
      } finally {
        inNext = false;
      }
    }

    private void refuse(String event, Ack ack, SignalingException e) {
      observer.refused(event, e.code().wire());
      observer.eventOut("error", 1);
      ObjectNode error = JsonNodeFactory.instance.objectNode();
      error.put("message", e.getMessage());
      error.put("code", e.code().wire());
      error.put("event", event);
      socket.emit("error", error);
      if (ack != null) {
        ack.send(failure(e));
      }
    }

    private void onContext(Runnable task) {
      if (Vertx.currentContext() == context) {
        task.run();
      } else {
        context.runOnContext(v -> task.run());
      }
    }
  }

  private static String text(JsonNode arg, String field) {
    if (arg == null || !arg.isObject()) {
      return null;
    }
    JsonNode v = arg.get(field);
    return v != null && v.isTextual() ? v.textValue() : null;
  }

  /** The reason of a refused handshake, for metrics: the connect error's {@code data.reason}, else its message. */
  static String refusalReason(Throwable e) {
    if (e instanceof ConnectError ce && ce.data() != null && ce.data().path("reason").isTextual()) {
      return ce.data().path("reason").textValue();
    }
    return e instanceof ConnectError ? String.valueOf(e.getMessage()) : "error";
  }

  private static ObjectNode failure(SignalingException e) {
    ObjectNode fail = JsonNodeFactory.instance.objectNode();
    fail.put("ok", false);
    fail.put("code", e.code().wire());
    fail.put("message", e.getMessage());
    return fail;
  }
}
