package io.switchboard.server.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.switchboard.server.binding.SignalingObserver;
import io.switchboard.signaling.ErrorCode;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The binding's counters and timers: events in and out by name, refusals by code, join and relay
 * handling time, connects, disconnects by reason, refused handshakes. Event-name tags are bounded
 * to the contract's events ({@link BoundedNames}): a client cannot add series.
 */
final class SignalingMetrics implements SignalingObserver {
  /** The events whose handling time is the relay latency. */
  static final Set<String> RELAYS = Set.of("offer", "answer", "ice-candidate", "call-request", "call-answer",
      "call-reject", "call-end");
  static final String JOIN = "join-meeting";

  private final MeterRegistry registry;
  private volatile BoundedNames inbound = BoundedNames.of(Set.of());
  private volatile Map<String, Counter> in = Map.of();
  private final BoundedNames outbound;
  private final Map<String, Counter> out = new ConcurrentHashMap<>();
  private final Map<String, Counter> errors;
  private final Timer joinOk;
  private final Timer joinFailed;
  private final Map<String, Timer[]> relays;
  private final Counter connects;
  /** Socket.IO's disconnect reasons (the protocol module's words); others, should any appear, read "other". */
  static final Set<String> DISCONNECT_REASONS = Set.of("transport close", "transport error", "ping timeout",
      "parse error", "forced close", "server shutting down", "client namespace disconnect",
      "server namespace disconnect");
  private final BoundedNames disconnectReasons = new BoundedNames(DISCONNECT_REASONS, 8);
  private final Map<String, Counter> disconnects = new ConcurrentHashMap<>();
  private final BoundedNames refusalReasons = new BoundedNames(Set.of("token_missing", "token_invalid",
      "token_expired", "claims_invalid", "keys_unavailable"), 8);
  private final Map<String, Counter> handshakeRefusals = new ConcurrentHashMap<>();

  SignalingMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.outbound = new BoundedNames(Set.of("error"), 96);
    Map<String, Counter> byCode = new HashMap<>();
    for (ErrorCode code : ErrorCode.values()) {
      byCode.put(code.wire(), errorCounter(code.wire()));
    }
    byCode.put(BoundedNames.OTHER, errorCounter(BoundedNames.OTHER));
    this.errors = Map.copyOf(byCode);
    this.joinOk = latency("switchboard.join.duration", "join-meeting handling time (the join stored and announced)",
        null, "ok");
    this.joinFailed = latency("switchboard.join.duration",
        "join-meeting handling time (the join stored and announced)", null, "error");
    Map<String, Timer[]> byEvent = new HashMap<>();
    for (String event : RELAYS) {
      String what = "relay handling time (offer, answer, ice-candidate, call-*: checked and delivered)";
      byEvent.put(event, new Timer[] {latency("switchboard.relay.duration", what, event, "ok"),
          latency("switchboard.relay.duration", what, event, "error")});
    }
    this.relays = Map.copyOf(byEvent);
    this.connects = Counter.builder("switchboard.socket.connects")
        .description("Socket.IO connections accepted (after identity)").register(registry);
    // Present from the start at 0, so dashboards and alerts have a series to rate().
    for (String reason : DISCONNECT_REASONS) {
      disconnected(reason, 0);
    }
    handshakeRefused("token_invalid", 0);
  }

  /** The contract's events: their names tag the inbound counters, any other name reads "other". */
  void inbound(Set<String> events) {
    Set<String> names = new LinkedHashSet<>(events);
    Map<String, Counter> counters = new HashMap<>();
    for (String e : names) {
      counters.put(e, inCounter(e));
    }
    counters.put(BoundedNames.OTHER, inCounter(BoundedNames.OTHER));
    in = Map.copyOf(counters);
    inbound = BoundedNames.of(names);
  }

  private Counter inCounter(String event) {
    return Counter.builder("switchboard.events.in").description("events received from clients, by event name")
        .tag("event", event).register(registry);
  }

  private Counter errorCounter(String code) {
    return Counter.builder("switchboard.errors").description("client events refused, by error code")
        .tag("code", code).register(registry);
  }

  private Timer latency(String name, String description, String event, String outcome) {
    Timer.Builder b = Timer.builder(name).description(description).tag("outcome", outcome)
        .serviceLevelObjectives(Buckets.LATENCY);
    if (event != null) {
      b.tag("event", event);
    }
    return b.register(registry);
  }

  @Override
  public void eventIn(String event) {
    Counter c = in.get(inbound.of(event));
    if (c != null) {
      c.increment();
    }
  }

  @Override
  public void eventOut(String event, int sockets) {
    String name = outbound.of(event);
    Counter c = out.get(name);
    if (c == null) {
      c = out.computeIfAbsent(name, n -> Counter.builder("switchboard.events.out")
          .description("events written to sockets of this node, by event name (one per socket)")
          .tag("event", n).register(registry));
    }
    c.increment(sockets);
  }

  @Override
  public void refused(String event, String code) {
    Counter c = errors.get(code);
    (c == null ? errors.get(BoundedNames.OTHER) : c).increment();
  }

  @Override
  public void handled(String event, long nanos, boolean ok) {
    if (JOIN.equals(event)) {
      (ok ? joinOk : joinFailed).record(nanos, TimeUnit.NANOSECONDS);
      return;
    }
    Timer[] t = relays.get(event);
    if (t != null) {
      t[ok ? 0 : 1].record(nanos, TimeUnit.NANOSECONDS);
    }
  }

  @Override
  public void connected() {
    connects.increment();
  }

  @Override
  public void disconnected(String reason) {
    disconnected(reason, 1);
  }

  private void disconnected(String reason, int n) {
    String name = disconnectReasons.of(reason);
    Counter c = disconnects.get(name);
    if (c == null) {
      c = disconnects.computeIfAbsent(name, k -> Counter.builder("switchboard.socket.disconnects")
          .description("sockets gone, by Socket.IO disconnect reason").tag("reason", k).register(registry));
    }
    c.increment(n);
  }

  @Override
  public void handshakeRefused(String reason) {
    handshakeRefused(reason, 1);
  }

  private void handshakeRefused(String reason, int n) {
    String name = refusalReasons.of(reason);
    Counter c = handshakeRefusals.get(name);
    if (c == null) {
      c = handshakeRefusals.computeIfAbsent(name, k -> Counter.builder("switchboard.handshakes.refused")
          .description("Socket.IO connections refused at the handshake (identity), by reason").tag("reason", k)
          .register(registry));
    }
    c.increment(n);
  }
}
