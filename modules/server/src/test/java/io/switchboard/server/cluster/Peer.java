package io.switchboard.server.cluster;

import io.socket.client.Ack;
import io.socket.client.IO;
import io.socket.client.Socket;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.json.JSONException;
import org.json.JSONObject;

/**
 * A client of the fault tests: the official Java Socket.IO client over WebSocket, connected to one
 * node, recording every event (with its arrival time) and every disconnect reason, for the test
 * thread to wait on with bounded waits.
 */
final class Peer implements AutoCloseable {
  static final long WAIT_MS = 5_000;

  /** One received event: its name, first argument and arrival time ({@link System#nanoTime()}). */
  record Received(String event, Object arg, long at) {}

  private final String name;
  private final int port;
  private final Socket socket;
  private final List<Received> inbox = new ArrayList<>();
  private final List<String> disconnects = new ArrayList<>();
  private volatile long disconnectedAt;

  private Peer(String name, int port) {
    this.name = name;
    this.port = port;
    IO.Options opts = new IO.Options();
    opts.forceNew = true;
    opts.transports = new String[] {"websocket"};
    opts.reconnection = false;
    opts.timeout = WAIT_MS;
    this.socket = IO.socket(URI.create("http://127.0.0.1:" + port), opts);
    socket.onAnyIncoming(args -> {
      synchronized (inbox) {
        inbox.add(new Received((String) args[0], args.length > 1 ? args[1] : null, System.nanoTime()));
        inbox.notifyAll();
      }
    });
    socket.on(Socket.EVENT_DISCONNECT, args -> {
      synchronized (inbox) {
        disconnectedAt = System.nanoTime();
        disconnects.add(args.length > 0 ? String.valueOf(args[0]) : "");
        inbox.notifyAll();
      }
    });
  }

  /** Connects to the node on {@code port} and waits for the connection. */
  static Peer connect(String name, int port) {
    Peer p = new Peer(name, port);
    CompletableFuture<Object> done = new CompletableFuture<>();
    p.socket.once(Socket.EVENT_CONNECT, a -> done.complete(null));
    p.socket.once(Socket.EVENT_CONNECT_ERROR, a -> done.completeExceptionally(
        new AssertionError(name + ": connect_error " + Arrays.toString(a))));
    p.socket.connect();
    try {
      done.get(WAIT_MS, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      p.socket.close();
      throw new AssertionError(name + " (port " + port + "): not connected: " + e.getMessage(), e);
    }
    return p;
  }

  String name() {
    return name;
  }

  int port() {
    return port;
  }

  String id() {
    return socket.id();
  }

  boolean connected() {
    return socket.connected();
  }

  /** Emits with an ack and waits for it (at most {@code ms}); the ack's first argument. */
  JSONObject request(String event, Object payload, long ms) {
    CompletableFuture<Object[]> ack = new CompletableFuture<>();
    socket.emit(event, new Object[] {payload}, (Ack) ack::complete);
    try {
      Object[] args = ack.get(ms, TimeUnit.MILLISECONDS);
      return args.length > 0 && args[0] instanceof JSONObject o ? o : new JSONObject();
    } catch (Exception e) {
      throw new AssertionError(name + ": no ack for '" + event + "' within " + ms + " ms", e);
    }
  }

  JSONObject request(String event, Object payload) {
    return request(event, payload, WAIT_MS);
  }

  /** A request that must succeed ({@code ok:true}). */
  JSONObject ok(String event, Object payload) {
    JSONObject ack = request(event, payload);
    if (!ack.optBoolean("ok")) {
      throw new AssertionError(name + ": '" + event + "' refused: " + ack);
    }
    return ack;
  }

  /** Takes the first recorded {@code event} whose object argument matches, waiting up to {@code ms}. */
  Received take(String event, Predicate<JSONObject> filter, long ms) {
    long deadline = System.currentTimeMillis() + ms;
    synchronized (inbox) {
      while (true) {
        for (Iterator<Received> it = inbox.iterator(); it.hasNext(); ) {
          Received r = it.next();
          if (r.event().equals(event) && (r.arg() instanceof JSONObject o ? filter.test(o) : filter.test(null))) {
            it.remove();
            return r;
          }
        }
        long left = deadline - System.currentTimeMillis();
        if (left <= 0) {
          throw new AssertionError(name + " (port " + port + "): no matching '" + event + "' within " + ms + " ms; got "
              + inbox.stream().map(x -> x.event() + " " + x.arg()).toList());
        }
        pause(left);
      }
    }
  }

  JSONObject next(String event, Predicate<JSONObject> filter) {
    return (JSONObject) take(event, filter, WAIT_MS).arg();
  }

  JSONObject next(String event) {
    return next(event, o -> true);
  }

  /** Waits until the connection is gone; returns the client's disconnect reason. */
  String awaitDisconnect(long ms) {
    long deadline = System.currentTimeMillis() + ms;
    synchronized (inbox) {
      while (disconnects.isEmpty()) {
        long left = deadline - System.currentTimeMillis();
        if (left <= 0) {
          throw new AssertionError(name + ": still connected after " + ms + " ms");
        }
        pause(left);
      }
      return disconnects.get(disconnects.size() - 1);
    }
  }

  long disconnectedAt() {
    return disconnectedAt;
  }

  /** Drops what was recorded so far. */
  void clear() {
    synchronized (inbox) {
      inbox.clear();
    }
  }

  private void pause(long ms) {
    try {
      inbox.wait(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  @Override
  public void close() {
    socket.close();
  }

  static JSONObject json(Object... keyValues) {
    JSONObject o = new JSONObject();
    for (int i = 0; i < keyValues.length; i += 2) {
      try {
        o.put((String) keyValues[i], keyValues[i + 1]);
      } catch (JSONException e) {
        throw new IllegalArgumentException(e);
      }
    }
    return o;
  }

  @Override
  public String toString() {
    return name + "@" + port;
  }
}
