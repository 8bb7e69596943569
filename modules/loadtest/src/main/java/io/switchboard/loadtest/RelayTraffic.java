package io.switchboard.loadtest;

import io.switchboard.loadtest.client.Pool;
import io.switchboard.loadtest.client.User;
import io.switchboard.loadtest.stats.Latency;
import io.switchboard.loadtest.wire.Wire;
import io.vertx.core.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Relay traffic shared by {@code relay} and {@code ramp}: P pairs of users, the two users of a pair
 * on different nodes (users 2k and 2k+1 go to consecutive URLs). Each user registers
 * ({@code userOnline}); the first of each pair calls the second ({@code call-request}, answered
 * with {@code call-answer}); then both send {@code ice-candidate {candidate, callId, to}} to each
 * other at a total rate R, paced per event loop on a 1 ms timer.
 *
 * <p>Each candidate carries the time it was due to be sent ({@code sentUs}, this process's clock)
 * and its phase ({@code ph}): latency is measured from the due time, so a generator that falls
 * behind shows as latency instead of hiding it (no coordinated omission), and the lag is reported.
 * Messages are counted per phase; whatever was sent and not received after the drain is lost.
 */
final class RelayTraffic {
  static final String CANDIDATE = "{\"candidate\":\"candidate:842163049 1 udp 1677729535 203.0.113.7 46154 typ srflx "
      + "raddr 192.168.1.5 rport 46154 generation 0 ufrag EEtu network-cost 999\",\"sdpMid\":\"0\","
      + "\"sdpMLineIndex\":0,\"usernameFragment\":\"EEtu\"}";
  static final String SDP_OFFER = "{\"type\":\"offer\",\"sdp\":\"v=0\\r\\no=- 4611731400430051336 2 IN IP4 127.0.0.1\\r\\n"
      + "s=-\\r\\nt=0 0\\r\\na=group:BUNDLE 0 1\\r\\na=msid-semantic: WMS\\r\\nm=audio 9 UDP/TLS/RTP/SAVPF 111\\r\\n"
      + "c=IN IP4 0.0.0.0\\r\\na=rtcp:9 IN IP4 0.0.0.0\\r\\na=ice-ufrag:EEtu\\r\\na=ice-pwd:asd88fgpdd777uzjYhagZg\\r\\n"
      + "a=fingerprint:sha-256 7B:8B:F0:65:5F:78:E2:51:3B:AC:6F:F3:3F:46:1B:35:DC:B8:5F:64:1A:24:C2:43:F0:A1:58:D0:A1:2C:19:08\\r\\n"
      + "a=setup:actpass\\r\\na=mid:0\\r\\na=sendrecv\\r\\na=rtpmap:111 opus/48000/2\\r\\n\"}";
  static final String SDP_ANSWER = SDP_OFFER.replace("\"offer\"", "\"answer\"").replace("actpass", "active");

  final int pairs;
  final String runId;
  final Latency callSetup = new Latency("callSetup");
  final Latency callDelivery = new Latency("callDelivery");
  final LongAdder registered = new LongAdder();
  final LongAdder registerFailed = new LongAdder();
  final LongAdder callsReady = new LongAdder();
  final LongAdder callsFailed = new LongAdder();
  final Map<String, LongAdder> errorEvents = new ConcurrentHashMap<>();
  final LongAdder callEnds = new LongAdder();
  final LongAdder stray = new LongAdder();
  private final long baseNs = System.nanoTime();
  private final Party[] parties;
  private final List<Phase> phases = new java.util.concurrent.CopyOnWriteArrayList<>();
  private volatile Phase current;

  /** One user of a pair. */
  final class Party {
    final int index;
    final String userId;
    final String peerId;
    final String callId;
    final boolean caller;
    User user;
    long callStartNs;
    boolean ready;

    Party(int index) {
      this.index = index;
      int pair = index / 2;
      this.caller = index % 2 == 0;
      this.userId = runId + (caller ? "-a" : "-b") + pair;
      this.peerId = runId + (caller ? "-b" : "-a") + pair;
      this.callId = runId + "-c" + pair;
    }

    /** The ice-candidate frame, minus the closing "}]" and the per-message fields. */
    String prefix;
  }

  /** A stretch of sending at one rate; messages are counted and timed per phase. */
  static final class Phase {
    final int id;
    final double rate;
    final boolean measured;
    final Latency latency = new Latency("relay");
    final LongAdder sent = new LongAdder();
    final LongAdder received = new LongAdder();
    final AtomicLong maxLagUs = new AtomicLong();
    final LongAdder errors = new LongAdder();
    volatile long startNs;
    volatile long endNs;

    Phase(int id, double rate, boolean measured) {
      this.id = id;
      this.rate = rate;
      this.measured = measured;
    }

    long lost() {
      return Math.max(0, sent.sum() - received.sum());
    }

    double seconds() {
      return Math.max(1e-9, (endNs - startNs) / 1e9);
    }
  }

  RelayTraffic(String runId, int pairs) {
    this.runId = runId;
    this.pairs = pairs;
    this.parties = new Party[pairs * 2];
    for (int i = 0; i < parties.length; i++) {
      parties[i] = new Party(i);
      parties[i].prefix = "42[\"ice-candidate\",{\"candidate\":" + CANDIDATE + ",\"callId\":"
          + Wire.quote(parties[i].callId) + ",\"to\":" + Wire.quote(parties[i].peerId) + ",\"ph\":";
    }
  }

  int users() {
    return parties.length;
  }

  long nowUs() {
    return (System.nanoTime() - baseNs) / 1_000;
  }

  User.Handler handler(int index) {
    Party p = parties[index];
    return (u, name, data) -> onEvent(p, u, name, data);
  }

  void attach(List<User> users) {
    for (int i = 0; i < parties.length; i++) {
      parties[i].user = users.get(i);
    }
  }

  private void onEvent(Party p, User u, String name, String data) {
    switch (name) {
      case "ice-candidate" -> {
        long nowUs = nowUs();
        int ph = (int) Wire.longField(data, "ph", -1);
        long sentUs = Wire.longField(data, "sentUs", -1);
        Phase phase = ph >= 0 && ph < phases.size() ? phases.get(ph) : null;
        if (phase == null || sentUs < 0) {
          stray.increment();
          return;
        }
        phase.received.increment();
        phase.latency.recordMicros(nowUs - sentUs);
      }
      case "call-request" -> {
        long sentUs = Wire.longField(data, "sentUs", -1);
        if (sentUs >= 0) {
          callDelivery.recordMicros(nowUs() - sentUs);
        }
        String answer = "{\"callId\":" + Wire.quote(p.callId) + ",\"to\":" + Wire.quote(p.peerId) + ",\"answer\":"
            + SDP_ANSWER + "}";
        u.emit("call-answer", answer, ack -> {
          if (ack.contains("\"ok\":false")) {
            callsFailed.increment();
          }
        });
      }
      case "call-answer" -> {
        if (p.caller && !p.ready) {
          p.ready = true;
          callSetup.recordNanos(p.callStartNs, System.nanoTime());
          callsReady.increment();
        }
      }
      case "call-failed" -> callsFailed.increment();
      case "call-end" -> callEnds.increment();
      case "error" -> {
        String code = Wire.stringField(data, "code");
        errorEvents.computeIfAbsent(code == null ? "?" : code, k -> new LongAdder()).increment();
        Phase ph = current;
        if (ph != null) {
          ph.errors.increment();
        }
      }
      default -> { }
    }
  }

  /** Registers every user (userOnline with ack); returns when all answered or the time is up. */
  void register(double timeoutS) throws InterruptedException {
    for (Party p : parties) {
      p.user.emit("userOnline", Wire.quote(p.userId), ack -> {
        if (ack.contains("\"ok\":true")) {
          registered.increment();
        } else {
          registerFailed.increment();
        }
      });
    }
    long until = System.nanoTime() + (long) (timeoutS * 1e9);
    while (registered.sum() + registerFailed.sum() < parties.length && System.nanoTime() < until) {
      Thread.sleep(10);
    }
  }

  /** Places every call (paced at {@code perSecond}) and waits until answered or the time is up. */
  void call(int perSecond, double timeoutS) throws InterruptedException {
    long t0 = System.nanoTime();
    double intervalNs = 1e9 / Math.max(1, perSecond);
    int k = 0;
    for (Party p : parties) {
      if (!p.caller) {
        continue;
      }
      long wait = t0 + (long) (k++ * intervalNs) - System.nanoTime();
      if (wait > 1_000_000) {
        Thread.sleep(wait / 1_000_000);
      }
      p.user.run(() -> {
        p.callStartNs = System.nanoTime();
        String req = "{\"id\":" + Wire.quote(p.callId) + ",\"from\":" + Wire.quote(p.userId) + ",\"to\":"
            + Wire.quote(p.peerId) + ",\"type\":\"video\",\"offer\":" + SDP_OFFER + ",\"timestamp\":"
            + System.currentTimeMillis() + ",\"sentUs\":" + nowUs() + "}";
        p.user.emit("call-request", req, ack -> {
          if (ack.contains("\"ok\":false")) {
            callsFailed.increment();
          }
        });
      });
    }
    long until = System.nanoTime() + (long) (timeoutS * 1e9);
    while (callsReady.sum() + callsFailed.sum() < pairs && System.nanoTime() < until) {
      Thread.sleep(10);
    }
  }

  /** A new phase (not yet sending). */
  Phase phase(double rate, boolean measured) {
    Phase p = new Phase(phases.size(), rate, measured);
    phases.add(p);
    return p;
  }

  /**
   * Sends at {@code phase.rate} for {@code seconds}, then waits up to {@code drainS} for what was
   * sent to arrive. {@code tick} runs about once a second on the calling thread (progress, timeline).
   */
  void send(Pool pool, Phase phase, double seconds, double drainS, Runnable tick) throws InterruptedException {
    List<List<Party>> byLoop = new ArrayList<>();
    for (int l = 0; l < pool.loopCount(); l++) {
      byLoop.add(new ArrayList<>());
    }
    int senders = 0;
    for (Party p : parties) {
      if (p.user != null && p.user.isOpen() && readyPair(p)) {
        byLoop.get(p.index % pool.loopCount()).add(p);
        senders++;
      }
    }
    if (senders == 0) {
      return;
    }
    current = phase;
    long startNs = System.nanoTime();
    long endNs = startNs + (long) (seconds * 1e9);
    phase.startNs = startNs;
    List<long[]> timers = new ArrayList<>();
    CountDownLatch started = new CountDownLatch(pool.loopCount());
    for (int l = 0; l < pool.loopCount(); l++) {
      List<Party> mine = byLoop.get(l);
      double loopRate = phase.rate * mine.size() / senders;
      Context ctx = pool.loop(l);
      long[] timerId = {-1};
      timers.add(timerId);
      ctx.runOnContext(v -> {
        if (!mine.isEmpty() && loopRate > 0) {
          Sender s = new Sender(phase, mine, loopRate, startNs, endNs);
          timerId[0] = pool.vertx().setPeriodic(1, id -> s.tick(id, pool));
        }
        started.countDown();
      });
    }
    started.await(5, TimeUnit.SECONDS);
    long nextTick = startNs + 1_000_000_000L;
    while (System.nanoTime() < endNs + 5_000_000) {
      long sleep = Math.min(nextTick, endNs + 5_000_000) - System.nanoTime();
      if (sleep > 0) {
        Thread.sleep(Math.max(1, sleep / 1_000_000));
      }
      if (System.nanoTime() >= nextTick) {
        tick.run();
        nextTick += 1_000_000_000L;
      }
    }
    phase.endNs = System.nanoTime();
    // The timers cancel themselves at endNs; make sure.
    for (int l = 0; l < pool.loopCount(); l++) {
      long id = timers.get(l)[0];
      if (id >= 0) {
        pool.loop(l).runOnContext(v -> pool.vertx().cancelTimer(id));
      }
    }
    long until = System.nanoTime() + (long) (drainS * 1e9);
    while (phase.received.sum() < phase.sent.sum() && System.nanoTime() < until) {
      Thread.sleep(5);
    }
    pool.barrier();
  }

  private boolean readyPair(Party p) {
    Party caller = p.caller ? p : parties[p.index - 1];
    return caller.ready;
  }

  int readySenders() {
    int n = 0;
    for (Party p : parties) {
      if (p.user != null && p.user.isOpen() && readyPair(p)) {
        n++;
      }
    }
    return n;
  }

  Phase current() {
    return current;
  }

  /** Paces one event loop's share of the rate: message k is due at start + k / rate. */
  private final class Sender {
    private final Phase phase;
    private final List<Party> parties;
    private final double intervalNs;
    private final long startNs;
    private final long endNs;
    private long k;
    private int next;

    Sender(Phase phase, List<Party> parties, double rate, long startNs, long endNs) {
      this.phase = phase;
      this.parties = parties;
      this.intervalNs = 1e9 / rate;
      this.startNs = startNs;
      this.endNs = endNs;
    }

    void tick(long timerId, Pool pool) {
      long now = System.nanoTime();
      long limit = Math.min(now, endNs);
      StringBuilder sb = new StringBuilder(512);
      while (true) {
        long dueNs = startNs + (long) (k * intervalNs);
        if (dueNs > limit) {
          break;
        }
        Party p = parties.get(next);
        next = next + 1 == parties.size() ? 0 : next + 1;
        k++;
        if (!p.user.isOpen()) {
          continue;
        }
        long dueUs = (dueNs - baseNs) / 1_000;
        sb.setLength(0);
        sb.append(p.prefix).append(phase.id).append(",\"sentUs\":").append(dueUs).append("}]");
        p.user.send(sb.toString());
        phase.sent.increment();
        long lagUs = (now - dueNs) / 1_000;
        if (lagUs > phase.maxLagUs.get()) {
          phase.maxLagUs.accumulateAndGet(lagUs, Math::max);
        }
      }
      if (now >= endNs) {
        pool.vertx().cancelTimer(timerId);
      }
    }
  }
}
