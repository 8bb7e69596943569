package io.switchboard.loadtest;

import io.switchboard.loadtest.sys.Machine;
import java.util.Locale;
import java.util.function.Supplier;

/** The live progress line on stderr, once a second (redrawn in place on a terminal). */
final class Progress implements AutoCloseable {
  private final Thread thread;
  private final boolean tty = System.console() != null;
  private volatile boolean running = true;
  private volatile Supplier<String> line = () -> "";
  private final long startedNs = System.nanoTime();

  Progress(boolean quiet) {
    thread = new Thread(this::loop, "loadtest-progress");
    thread.setDaemon(true);
    if (!quiet) {
      thread.start();
    }
  }

  void show(Supplier<String> supplier) {
    line = supplier;
  }

  private void loop() {
    int tick = 0;
    while (running) {
      try {
        Thread.sleep(1000);
      } catch (InterruptedException e) {
        return;
      }
      tick++;
      if (!running) {
        return;
      }
      String text;
      try {
        text = String.format(Locale.ROOT, "[%4ds] %s | load %s", (System.nanoTime() - startedNs) / 1_000_000_000L,
            line.get(), Machine.loadAverageText());
      } catch (RuntimeException e) {
        continue;
      }
      if (tty) {
        System.err.print("\r" + text + "\u001b[K");
      } else if (tick % 5 == 0) {
        System.err.println(text);
      }
      System.err.flush();
    }
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
    if (tty) {
      System.err.println();
    }
  }
}
