package io.switchboard.loadtest.client;

import io.switchboard.loadtest.wire.Wire;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.http.WebSocket;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One virtual user: one WebSocket speaking Engine.IO v4 + Socket.IO v5 in the default namespace.
 * It answers pings, joins the namespace on open, and hands events to its {@link Handler}. All its
 * state lives on its event loop: {@link #emit} from another thread hops there first.
 */
public final class User {
  /** What a scenario does with a user's traffic; called on the user's event loop. */
  public interface Handler {
    /** An EVENT: {@code name} and the packet's JSON array text ({@code ["name",arg...]}). */
    void onEvent(User user, String name, String data);

    /** The connection closed (either side). */
    default void onClose(User user) {}
  }

  private final int index;
  private final int target;
  private final Context context;
  private final Pool pool;
  private final Promise<User> connected;
  private final long startedNs;
  private Handler handler;
  private WebSocket ws;
  private String sid;
  private long nextAck;
  private Map<Long, Consumer<String>> acks;
  private volatile boolean open;
  private boolean closing;
  /** Free for the scenario (a user's role, its peer, its state). */
  public Object attachment;

  User(Pool pool, int index, int target, Context context, Handler handler, Promise<User> connected) {
    this.pool = pool;
    this.index = index;
    this.target = target;
    this.context = context;
    this.handler = handler;
    this.connected = connected;
    this.startedNs = System.nanoTime();
  }

  void attach(WebSocket ws) {
    this.ws = ws;
    ws.textMessageHandler(this::onText);
    ws.binaryMessageHandler(b -> { });
    ws.exceptionHandler(e -> { });
    ws.closeHandler(v -> onClosed());
  }

  /** The user's number in the run. */
  public int index() {
    return index;
  }

  /** Which of the run's URLs it is connected to. */
  public int target() {
    return target;
  }

  /** The Socket.IO socket id the server gave it (null before CONNECT). */
  public String sid() {
    return sid;
  }

  public boolean isOpen() {
    return open;
  }

  /** When the connection attempt started ({@link System#nanoTime()}). */
  public long startedNs() {
    return startedNs;
  }

  public void handler(Handler handler) {
    this.handler = handler;
  }

  public Context context() {
    return context;
  }

  /** Runs {@code task} on this user's event loop (now when already there). */
  public void run(Runnable task) {
    if (Context.isOnEventLoopThread() && Pool.currentContext() == context) {
      task.run();
    } else {
      context.runOnContext(v -> task.run());
    }
  }

  /** Emits an event without ack; {@code argJson} is one encoded JSON value (or null). */
  public void emit(String name, String argJson) {
    send(Wire.event(name, argJson, -1));
  }

  /** Emits an event asking for an ack; {@code onAck} gets the ack's JSON array text. */
  public void emit(String name, String argJson, Consumer<String> onAck) {
    run(() -> {
      if (!open) {
        return;
      }
      long id = nextAck++;
      if (acks == null) {
        acks = new HashMap<>(4);
      }
      acks.put(id, onAck);
      write(Wire.event(name, argJson, id));
    });
  }

  /** Sends one frame as is (from any thread). */
  public void send(String frame) {
    if (!open) {
      return;
    }
    write(frame);
  }

  private void write(String frame) {
    WebSocket w = ws;
    if (w != null) {
      w.writeTextMessage(frame);
      pool.framesSent.increment();
    }
  }

  /** Leaves cleanly: Socket.IO DISCONNECT, then closes the WebSocket. */
  public void close() {
    run(() -> {
      if (ws == null || closing) {
        return;
      }
      closing = true;
      if (open) {
        ws.writeTextMessage(Wire.DISCONNECT);
      }
      ws.close();
    });
  }

  /** Drops the connection without a goodbye (like a lost network: the server sees the TCP close). */
  public void abort() {
    run(() -> {
      if (ws == null || closing) {
        return;
      }
      closing = true;
      ws.close();
    });
  }

  private void onText(String text) {
    pool.framesReceived.increment();
    if (text.isEmpty()) {
      return;
    }
    switch (text.charAt(0)) {
      case '2' -> {
        ws.writeTextMessage(text.length() == 1 ? Wire.PONG : "3" + text.substring(1));
        pool.pings.increment();
      }
      case '4' -> onMessage(Wire.parse(text));
      case '0' -> ws.writeTextMessage(Wire.CONNECT);
      case '1' -> ws.close();
      default -> { }
    }
  }

  private void onMessage(Wire.Frame f) {
    if (!"/".equals(f.namespace())) {
      return;
    }
    switch (f.sioType()) {
      case 2 -> {
        String name = Wire.eventName(f.data());
        if (name != null) {
          handler.onEvent(this, name, f.data());
        }
      }
      case 3 -> {
        Consumer<String> cb = acks == null ? null : acks.remove(f.ackId());
        if (cb != null) {
          cb.accept(f.data());
        }
      }
      case 0 -> {
        if (!open && !closing) {
          sid = Wire.stringField(f.data(), "sid");
          open = true;
          connected.tryComplete(this);
        }
      }
      case 4 -> {
        connected.tryFail("connect error " + f.data());
        closing = true;
        ws.close();
      }
      case 1 -> ws.close();
      default -> { }
    }
  }

  private void onClosed() {
    boolean wasOpen = open;
    open = false;
    if (wasOpen) {
      pool.userClosed();
    }
    if (!connected.tryFail("closed before the namespace was joined")) {
      if (wasOpen && !closing) {
        pool.lost.increment();
      }
      handler.onClose(this);
    }
  }
}
