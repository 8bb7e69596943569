package io.switchboard.signaling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.signaling.ids.NodeId;
import io.switchboard.signaling.ids.SocketId;
import io.switchboard.signaling.ids.SocketRef;
import io.switchboard.signaling.store.Stores;
import io.switchboard.testkit.TestVertx;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link Signaling} on real in-memory stores for handler tests. Its {@link Outbound} and client
 * channels record what each socket received, in order, so a test can assert on exactly who got
 * what. Time is a settable clock; timers are real Vert.x timers.
 */
public final class SignalingHarness implements AutoCloseable {
  public static final NodeId NODE = NodeId.of("node-1");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final TestVertx testVertx;
  private final Stores stores;
  private final Signaling signaling;
  private final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
  private final AtomicLong clock = new AtomicLong(1_700_000_000_000L);
  private final AtomicInteger nextSocket = new AtomicInteger();

  public SignalingHarness() {
    this(SignalingConfig.defaults());
  }

  public SignalingHarness(SignalingConfig config) {
    this(config, Stores.inMemory());
  }

  public SignalingHarness(SignalingConfig config, Stores stores) {
    this.testVertx = TestVertx.create();
    this.stores = stores;
    Outbound out = (targets, event, payload) -> {
      for (SocketRef t : targets) {
        deliveries.add(new Delivery(t.id().value(), event, payload));
      }
      return Future.succeededFuture();
    };
    this.signaling = new Signaling(testVertx.vertx(), NODE, stores, out, config, new Passwords(testVertx.vertx(), 4),
        clock::get);
  }

  public Signaling signaling() {
    return signaling;
  }

  public Stores stores() {
    return stores;
  }

  public TestVertx testVertx() {
    return testVertx;
  }

  public void advanceClock(long millis) {
    clock.addAndGet(millis);
  }

  /** A connected socket in open mode (no verified identity), with id s1, s2, ... */
  public Client client() {
    return client(Identity.anonymous());
  }

  public Client client(Identity identity) {
    String id = "s" + nextSocket.incrementAndGet();
    SocketRef ref = new SocketRef(SocketId.of(id), NODE);
    return new Client(ref, identity, (event, payload) -> deliveries.add(new Delivery(id, event, payload)));
  }

  /** Sends an event and waits for its outcome: the ack fields, or the refusal. */
  public Outcome send(Client client, String event, Object arg) {
    JsonNode node = arg instanceof JsonNode j ? j : JSON.valueToTree(arg);
    try {
      ObjectNode ack = TestVertx.await(signaling.handle(client, event, node));
      return new Outcome(ack, null);
    } catch (SignalingException e) {
      return new Outcome(null, e);
    }
  }

  /** Parses JSON written with single quotes, for readable tables: {@code json("{'a':1}")}. */
  public static JsonNode json(String singleQuoted) {
    try {
      return JSON.readTree(singleQuoted.replace('\'', '"'));
    } catch (Exception e) {
      throw new IllegalArgumentException(singleQuoted, e);
    }
  }

  public void disconnect(Client client) {
    TestVertx.await(signaling.disconnected(client));
  }

  /** Everything delivered so far, in order. */
  public List<Delivery> deliveries() {
    return List.copyOf(deliveries);
  }

  /** What one socket received, in order. */
  public List<Delivery> receivedBy(Client client) {
    List<Delivery> out = new ArrayList<>();
    for (Delivery d : deliveries) {
      if (d.socket().equals(client.socketId().value())) {
        out.add(d);
      }
    }
    return out;
  }

  /** The events of one name one socket received. */
  public List<JsonNode> received(Client client, String event) {
    List<JsonNode> out = new ArrayList<>();
    for (Delivery d : receivedBy(client)) {
      if (d.event().equals(event)) {
        out.add(d.payload());
      }
    }
    return out;
  }

  public void clearDeliveries() {
    deliveries.clear();
  }

  public static <T> Collection<T> all(Future<? extends Collection<T>> f) {
    return TestVertx.await(f);
  }

  @Override
  public void close() {
    testVertx.assertNoBlockedThreads();
    testVertx.close();
  }

  /** The result of one event: {@code ack} when accepted, {@code error} when refused. */
  public record Outcome(ObjectNode ack, SignalingException error) {
    public boolean ok() {
      return error == null;
    }

    public String code() {
      return error == null ? null : error.code().wire();
    }
  }
}
