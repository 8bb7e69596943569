package io.switchboard.server.api;

import static org.junit.jupiter.api.Assertions.assertNotNull;

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
import java.util.function.Consumer;
import org.json.JSONObject;

/**
 * A real Socket.IO client (the official Java client, {@code io.socket:socket.io-client}) that
 * records every event it receives, for tests to wait on from the test thread.
 */
public final class SioTestClient implements AutoCloseable {
  public static final long WAIT_MS = 5_000;

  private record Received(String event, Object[] args) {}

  private final Socket socket;
  private final List<Received> received = new ArrayList<>();

  private SioTestClient(Socket socket) {
    this.socket = socket;
    socket.onAnyIncoming(args -> {
      synchronized (received) {
        received.add(new Received((String) args[0], Arrays.copyOfRange(args, 1, args.length)));
        received.notifyAll();
      }
    });
  }

  private static Socket socket(int port, Consumer<IO.Options> tweak) {
    IO.Options opts = new IO.Options();
    opts.forceNew = true;
    opts.transports = new String[] {"websocket"};
    opts.reconnection = false;
    opts.timeout = WAIT_MS;
    tweak.accept(opts);
    return IO.socket(URI.create("http://localhost:" + port), opts);
  }

  /** Connects and waits for the connection; fails with the connect error if refused. */
  public static SioTestClient connect(int port) {
    return connect(port, o -> {});
  }

  public static SioTestClient connect(int port, Consumer<IO.Options> tweak) {
    Socket socket = socket(port, tweak);
    SioTestClient client = new SioTestClient(socket);
    CompletableFuture<Object> done = new CompletableFuture<>();
    socket.once(Socket.EVENT_CONNECT, a -> done.complete(null));
    socket.once(Socket.EVENT_CONNECT_ERROR, a -> done.completeExceptionally(
        new AssertionError("connect_error: " + Arrays.toString(a))));
    socket.connect();
    try {
      done.get(WAIT_MS, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      socket.close();
      throw new AssertionError("connecting failed: " + e.getMessage(), e);
    }
    return client;
  }

  /** Connects expecting a refusal; returns the connect error ({@code {message, data}}). */
  public static JSONObject connectError(int port, Consumer<IO.Options> tweak) {
    Socket socket = socket(port, tweak);
    CompletableFuture<Object> done = new CompletableFuture<>();
    socket.once(Socket.EVENT_CONNECT, a -> done.completeExceptionally(new AssertionError("connected, expected a refusal")));
    socket.once(Socket.EVENT_CONNECT_ERROR, a -> done.complete(a.length > 0 ? a[0] : null));
    socket.connect();
    try {
      Object error = done.get(WAIT_MS, TimeUnit.MILLISECONDS);
      if (!(error instanceof JSONObject json)) {
        throw new AssertionError("connect_error without an object: " + error);
      }
      return json;
    } catch (AssertionError e) {
      throw e;
    } catch (Exception e) {
      throw new AssertionError("no connect_error: " + e.getMessage(), e);
    } finally {
      socket.close();
    }
  }

  public String id() {
    return socket.id();
  }

  /** Emits with an ack and waits for it. */
  public JSONObject request(String event, Object payload) {
    CompletableFuture<Object[]> ack = new CompletableFuture<>();
    socket.emit(event, new Object[] {payload}, (Ack) ack::complete);
    try {
      Object[] args = ack.get(WAIT_MS, TimeUnit.MILLISECONDS);
      assertNotNull(args);
      return (JSONObject) args[0];
    } catch (Exception e) {
      throw new AssertionError("no ack for " + event + ": " + e.getMessage(), e);
    }
  }

  /** Emits without an ack. */
  public void emit(String event, Object payload) {
    socket.emit(event, payload);
  }

  /** Waits for the next (not yet taken) {@code event} and takes it; returns its first argument. */
  public Object await(String event) {
    long deadline = System.currentTimeMillis() + WAIT_MS;
    synchronized (received) {
      while (true) {
        for (Iterator<Received> it = received.iterator(); it.hasNext(); ) {
          Received r = it.next();
          if (r.event().equals(event)) {
            it.remove();
            return r.args().length > 0 ? r.args()[0] : null;
          }
        }
        long left = deadline - System.currentTimeMillis();
        if (left <= 0) {
          throw new AssertionError("no '" + event + "' within " + WAIT_MS + " ms; got " + events());
        }
        try {
          received.wait(left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError(e);
        }
      }
    }
  }

  public JSONObject awaitObject(String event) {
    return (JSONObject) await(event);
  }

  /** Whether {@code event} arrives (and is taken) within {@code ms}. */
  public boolean receives(String event, long ms) {
    long deadline = System.currentTimeMillis() + ms;
    synchronized (received) {
      while (true) {
        for (Iterator<Received> it = received.iterator(); it.hasNext(); ) {
          if (it.next().event().equals(event)) {
            it.remove();
            return true;
          }
        }
        long left = deadline - System.currentTimeMillis();
        if (left <= 0) {
          return false;
        }
        try {
          received.wait(left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError(e);
        }
      }
    }
  }

  private List<String> events() {
    List<String> names = new ArrayList<>();
    for (Received r : received) {
      names.add(r.event());
    }
    return names;
  }

  public static JSONObject json(Object... keyValues) {
    JSONObject o = new JSONObject();
    for (int i = 0; i < keyValues.length; i += 2) {
      try {
        o.put((String) keyValues[i], keyValues[i + 1]);
      } catch (org.json.JSONException e) {
        throw new IllegalArgumentException(e);
      }
    }
    return o;
  }

  @Override
  public void close() {
    socket.close();
  }
}
