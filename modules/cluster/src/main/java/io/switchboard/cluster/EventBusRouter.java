package io.switchboard.cluster;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.signaling.Outbound;
import io.switchboard.signaling.ids.NodeId;
import io.switchboard.signaling.ids.SocketId;
import io.switchboard.signaling.ids.SocketRef;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The cluster's {@link Outbound}: targets are grouped by node; this node's sockets get the event
 * directly, every other node gets exactly one {@link Deliver} on its own address (one message per
 * target node, whatever the number of its sockets). Also the node's inbox: {@link #start()}
 * registers the one clustered consumer of this node.
 *
 * <p>Sends are fire-and-forget (the event bus keeps per-sender order to one address, so one
 * socket's events arrive in order); a node that has just died drops the message, and its sockets
 * are cleaned up by the dead-node cleanup.
 */
public final class EventBusRouter implements Outbound {
  private static final System.Logger log = System.getLogger(EventBusRouter.class.getName());
  /**
   * Parses as the wire layer does (integers stay integers, decimals keep their digits), so an
   * event relayed to another node goes out byte for byte as it would to a local socket.
   */
  private static final ObjectMapper JSON = com.fasterxml.jackson.databind.json.JsonMapper.builder()
      .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .disable(com.fasterxml.jackson.databind.cfg.JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
      .build();

  /** A payload's JSON text parsed as the router parses it; {@link IllegalArgumentException} when it is not JSON. */
  static JsonNode parsePayload(String json) {
    try {
      return JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
    }
  }

  private final Vertx vertx;
  private final NodeId self;
  private final LocalSockets local;
  private final RouterStats stats = new RouterStats();
  private final DeliveryOptions options = new DeliveryOptions().setCodecName(InterNodeCodec.NAME);
  private MessageConsumer<InterNodeMessage> inbox;
  private volatile Function<PollRequest, Future<PollResponse>> pollHandler =
      r -> Future.failedFuture("polling requests are not served here");
  private volatile Consumer<PollCancel> cancelHandler = c -> { };

  public EventBusRouter(Vertx vertx, NodeId self, LocalSockets local) {
    this.vertx = vertx;
    this.self = self;
    this.local = local;
  }

  public NodeId self() {
    return self;
  }

  public RouterStats stats() {
    return stats;
  }

  /** Registers the codec and this node's inbox; completes once the inbox is known cluster-wide. */
  public Future<Void> start() {
    EventBus bus = vertx.eventBus();
    try {
      bus.registerCodec(new InterNodeCodec());
    } catch (IllegalStateException alreadyRegistered) {
      // Several routers in one Vert.x (tests): one codec serves them all.
    }
    inbox = bus.<InterNodeMessage>consumer(Addresses.node(self), this::onMessage);
    return inbox.completion();
  }

  public Future<Void> stop() {
    return inbox == null ? Future.succeededFuture() : inbox.unregister();
  }

  @Override
  public Future<Void> deliver(Collection<SocketRef> targets, String event, JsonNode payload) {
    Map<NodeId, List<SocketId>> byNode = new HashMap<>(4);
    for (SocketRef t : targets) {
      byNode.computeIfAbsent(t.node(), k -> new ArrayList<>(4)).add(t.id());
    }
    String json = null;
    List<Deliver.Binary> binaries = List.of();
    for (Map.Entry<NodeId, List<SocketId>> e : byNode.entrySet()) {
      if (e.getKey().equals(self)) {
        local.deliver(e.getValue(), event, payload);
        continue;
      }
      if (json == null) {
        JsonNode text = payload;
        if (Binaries.contains(payload)) {
          // JSON text has no binary type: the binary values travel beside it (see Deliver).
          text = payload.deepCopy();
          binaries = new ArrayList<>(2);
          text = Binaries.lift(text, binaries);
        }
        try {
          json = JSON.writeValueAsString(text);
        } catch (JsonProcessingException ex) {
          return Future.failedFuture(ex);
        }
      }
      vertx.eventBus().send(Addresses.node(e.getKey()), new Deliver(self, e.getValue(), event, json, binaries), options);
      stats.sent(event);
    }
    return Future.succeededFuture();
  }

  /** Serves polling requests other nodes forward for this node's sessions. */
  public EventBusRouter pollHandler(Function<PollRequest, Future<PollResponse>> handler, Consumer<PollCancel> cancel) {
    this.pollHandler = handler;
    this.cancelHandler = cancel;
    return this;
  }

  /** Forwards a polling request to the node holding its session; fails when that node does not answer in time. */
  public Future<PollResponse> forwardPoll(NodeId owner, PollRequest request, Duration timeout) {
    stats.sent("poll");
    return vertx.eventBus().<InterNodeMessage>request(Addresses.node(owner), request,
            new DeliveryOptions(options).setSendTimeout(timeout.toMillis()))
        .compose(reply -> reply.body() instanceof PollResponse r
            ? Future.succeededFuture(r)
            : Future.failedFuture("unexpected answer to a forwarded poll"));
  }

  /** Tells a session's owner that the client of a forwarded GET went away. */
  public void cancelPoll(NodeId owner, PollCancel cancel) {
    vertx.eventBus().send(Addresses.node(owner), cancel, options);
  }

  private void onMessage(Message<InterNodeMessage> msg) {
    InterNodeMessage message = msg.body();
    if (message instanceof PollRequest r) {
      stats.received("poll");
      pollHandler.apply(r).onComplete(ar -> {
        if (ar.succeeded()) {
          msg.reply(ar.result(), options);
        } else {
          msg.fail(500, String.valueOf(ar.cause().getMessage()));
        }
      });
      return;
    }
    if (message instanceof PollCancel c) {
      cancelHandler.accept(c);
      return;
    }
    if (message instanceof Deliver d) {
      stats.received(d.event());
      try {
        if (d.binaries().isEmpty()) {
          // The text the sender wrote is what a local delivery would write: it goes out unparsed.
          local.deliverJson(d.sockets(), d.event(), d.payloadJson());
        } else {
          local.deliver(d.sockets(), d.event(), Binaries.restore(parsePayload(d.payloadJson()), d.binaries()));
        }
      } catch (IllegalArgumentException e) {
        // Not JSON, or a binary value with no place in it.
        stats.countDropped();
        log.log(System.Logger.Level.WARNING, "undecodable payload from " + d.origin() + " for " + d.event());
      }
    } else {
      stats.countDropped();
      log.log(System.Logger.Level.WARNING, "dropped an inter-node message of unknown type or version");
    }
  }
}
