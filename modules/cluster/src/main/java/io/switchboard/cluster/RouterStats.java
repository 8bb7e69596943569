package io.switchboard.cluster;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Counts of inter-node messages by signaling event, sent and received by this node. Any thread. */
public final class RouterStats {
  private final Map<String, LongAdder> sent = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> received = new ConcurrentHashMap<>();
  private final LongAdder dropped = new LongAdder();

  void sent(String event) {
    sent.computeIfAbsent(event, k -> new LongAdder()).increment();
  }

  void received(String event) {
    received.computeIfAbsent(event, k -> new LongAdder()).increment();
  }

  void countDropped() {
    dropped.increment();
  }

  public Map<String, Long> sentByEvent() {
    return snapshot(sent);
  }

  public Map<String, Long> receivedByEvent() {
    return snapshot(received);
  }

  /** Messages sent for {@code event} so far (0 when none). */
  public long sentCount(String event) {
    LongAdder n = sent.get(event);
    return n == null ? 0 : n.sum();
  }

  /** Messages received for {@code event} so far (0 when none). */
  public long receivedCount(String event) {
    LongAdder n = received.get(event);
    return n == null ? 0 : n.sum();
  }

  /** The events messages were sent or received for so far. */
  public java.util.Set<String> events() {
    java.util.Set<String> all = new java.util.TreeSet<>(sent.keySet());
    all.addAll(received.keySet());
    return all;
  }

  /** Messages that could not be decoded or delivered (unknown type, no such node). */
  public long dropped() {
    return dropped.sum();
  }

  private static Map<String, Long> snapshot(Map<String, LongAdder> m) {
    Map<String, Long> out = new TreeMap<>();
    m.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }
}
