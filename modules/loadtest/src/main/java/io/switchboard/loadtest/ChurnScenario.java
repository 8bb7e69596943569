package io.switchboard.loadtest;

import io.switchboard.loadtest.check.MeetingCheck;
import io.switchboard.loadtest.client.User;
import io.switchboard.loadtest.report.Chart;
import io.switchboard.loadtest.report.Report;
import io.switchboard.loadtest.stats.Latency;
import io.switchboard.loadtest.sys.ToolCost;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.LongAdder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code churn}: M meetings of S participants join, then for T seconds participants leave and
 * come back at a given rate: some with {@code leave-meeting} then {@code join-meeting} on the same
 * connection, others by dropping their connection (no goodbye) and joining again on a new one to
 * the next node. At the end every participant's view (built from the events it received) must
 * match who is in the meeting.
 */
@Command(name = "churn", mixinStandardHelpOptions = true,
    description = "Join/leave/reconnect storms in meetings: rejoin latency, errors, and every participant list "
        + "right at the end.")
final class ChurnScenario extends Scenario {
  @Option(names = {"-m", "--meetings"}, defaultValue = "50", description = "Meetings (default: ${DEFAULT-VALUE}).")
  int meetings;

  @Option(names = {"-s", "--size"}, defaultValue = "4", description = "Participants per meeting (default: ${DEFAULT-VALUE}).")
  int size;

  @Option(names = {"-d", "--duration"}, defaultValue = "10", description = "Seconds of churn (default: ${DEFAULT-VALUE}).")
  double durationS;

  @Option(names = {"-r", "--churn-rate"}, defaultValue = "50",
      description = "Leave-and-return actions started per second (default: ${DEFAULT-VALUE}).")
  double churnRate;

  @Option(names = "--reconnect-share", defaultValue = "0.5",
      description = "Share of the actions that drop the connection instead of leave-meeting (default: ${DEFAULT-VALUE}).")
  double reconnectShare;

  @Option(names = "--join-rate", defaultValue = "1000", description = "Joins per second at the start (default: ${DEFAULT-VALUE}).")
  int joinRate;

  @Option(names = "--settle", defaultValue = "3",
      description = "Seconds to wait after the storm before checking the views (default: ${DEFAULT-VALUE}).")
  double settleS;

  private MeetingTraffic traffic;
  private final Latency rejoin = new Latency("rejoin");
  private final Latency reconnect = new Latency("reconnect");
  private final LongAdder leaves = new LongAdder();
  private final LongAdder reconnects = new LongAdder();
  private final LongAdder actionsFailed = new LongAdder();
  private final List<User> extra = new CopyOnWriteArrayList<>();

  @Override
  String name() {
    return "churn";
  }

  @Override
  void validate() {
    if (meetings < 1 || size < 2 || durationS <= 0 || churnRate <= 0 || joinRate < 1 || reconnectShare < 0
        || reconnectShare > 1) {
      throw new IllegalArgumentException("--meetings, --duration, --churn-rate, --join-rate must be positive, --size at "
          + "least 2, --reconnect-share between 0 and 1");
    }
  }

  @Override
  long connectionsNeeded() {
    // Reconnects open new connections while the old ones close: allow for some overlap.
    return (long) meetings * size + (long) Math.min(2000, churnRate * 2);
  }

  @Override
  long expectedSeconds() {
    long n = (long) meetings * size;
    return n / Math.max(1, opt.connectRate) + n / joinRate + (long) (durationS + settleS) + 60;
  }

  @Override
  boolean run() throws Exception {
    int n = meetings * size;
    report.params().put("meetings", meetings);
    report.params().put("size", size);
    report.params().put("durationS", durationS);
    report.params().put("churnRate", churnRate);
    report.params().put("reconnectShare", reconnectShare);
    traffic = new MeetingTraffic(runId, meetings, size);
    Latency setup = new Latency("setup");
    connect(0, n, i -> traffic.members.get(i).handler(), setup, true);
    for (int i = 0; i < n; i++) {
      traffic.members.get(i).user = users.get(i);
    }
    progress.show(() -> String.format("churn: joining %d/%d", traffic.joinsOk.sum(), n));
    long t0 = System.nanoTime();
    for (int k = 0; k < n; k++) {
      long wait = t0 + (long) (k * 1e9 / joinRate) - System.nanoTime();
      if (wait > 1_000_000) {
        Thread.sleep(wait / 1_000_000);
      }
      traffic.members.get(k).join(ok -> { });
    }
    if (!await(() -> traffic.joinsOk.sum() + traffic.joinsFailed.sum() >= n, 30) || traffic.joinsFailed.sum() > 0) {
      throw new SetupFailed("the initial joins did not all succeed: " + traffic.joinsOk.sum() + " of " + n
          + " (refusals " + traffic.failures + ")");
    }
    report.latency("setup", "join", "initial join", traffic.join.histogram());
    Memory before = readMemory();
    ToolCost.Reading toolBefore = settle();

    // The storm.
    AtomicIntegerArray busy = new AtomicIntegerArray(n);
    LongAdder inFlight = new LongAdder();
    progress.show(() -> String.format("churn: %d leave/rejoin, %d reconnects, %d under way, %d failed | rejoin p99 %.1f ms",
        leaves.sum(), reconnects.sum(), inFlight.sum(), actionsFailed.sum(), rejoin.interval().p99()));
    long s0 = System.nanoTime();
    long end = s0 + (long) (durationS * 1e9);
    long k = 0;
    int nextUrl = 0;
    while (System.nanoTime() < end && !nearDeadline((long) settleS + 20)) {
      long wait = s0 + (long) (k * 1e9 / churnRate) - System.nanoTime();
      if (wait > 1_000_000) {
        Thread.sleep(wait / 1_000_000);
        continue;
      }
      k++;
      int idx = random.nextInt(n);
      if (!busy.compareAndSet(idx, 0, 1)) {
        continue;
      }
      inFlight.increment();
      MeetingTraffic.Member m = traffic.members.get(idx);
      Runnable done = () -> {
        busy.set(idx, 0);
        inFlight.decrement();
      };
      if (random.nextDouble() < reconnectShare) {
        reconnects.increment();
        reconnect(m, n + (int) k, nextUrl++, done);
      } else {
        leaves.increment();
        leaveAndRejoin(m, done);
      }
    }
    progress.show(() -> String.format("churn: waiting for %d action(s) under way, then settling", inFlight.sum()));
    boolean quiet = await(() -> inFlight.sum() == 0, 20);
    sleepSeconds(settleS);
    pool.barrier();
    MeetingCheck.Result r = traffic.check();
    ToolCost.Reading toolDuring = ToolCost.read().since(toolBefore);
    Memory after = readMemory();
    users.addAll(extra);

    report.result("churn", "leaves", "leave-meeting then join-meeting", leaves.sum());
    report.result("churn", "reconnects", "dropped connection then join on a new one", reconnects.sum());
    report.result("churn", "actionsFailed", "actions that failed", actionsFailed.sum());
    report.latency("churn", "rejoin", "rejoin after leave-meeting (leave ack to meeting-joined)", rejoin.histogram());
    report.latency("churn", "reconnect", "reconnect (drop to meeting-joined on a new connection)", reconnect.histogram());
    toolCostRows("churn", "churn", toolDuring);
    traffic.report(report, "correctness", r);
    memoryRow("server memory", "before the storm", before);
    memoryRow("server memory", "after the storm", after);
    if (!quiet) {
      report.problem(inFlight.sum() + " action(s) still under way 20 s after the storm");
    }
    if (actionsFailed.sum() > 0) {
      report.problem(actionsFailed.sum() + " action(s) failed (refusals " + traffic.failures + ")");
    }
    return true;
  }

  private void leaveAndRejoin(MeetingTraffic.Member m, Runnable done) {
    User u = m.user;
    u.run(() -> {
      String payload = "{\"meetingId\":\"" + m.meetingId + "\"}";
      u.emit("leave-meeting", payload, ack -> {
        m.view.left();
        if (ack.contains("\"ok\":false")) {
          actionsFailed.increment();
        }
        long t0 = System.nanoTime();
        m.join(ok -> {
          if (ok) {
            rejoin.recordNanos(t0, System.nanoTime());
          } else {
            actionsFailed.increment();
          }
          done.run();
        });
      });
    });
  }

  private void reconnect(MeetingTraffic.Member m, int newIndex, int urlTurn, Runnable done) {
    User old = m.user;
    old.run(() -> {
      long t0 = System.nanoTime();
      m.user = null;
      m.view.left();
      old.abort();
      int target = (old.target() + 1 + urlTurn) % pool.targetCount();
      pool.open(newIndex, target, m.handler()).whenComplete((u, err) -> {
        if (err != null) {
          actionsFailed.increment();
          done.run();
          return;
        }
        extra.add(u);
        u.run(() -> {
          m.user = u;
          m.join(ok -> {
            if (ok) {
              reconnect.recordNanos(t0, System.nanoTime());
            } else {
              actionsFailed.increment();
            }
            done.run();
          });
        });
      });
    });
  }

  @Override
  void plot(Path png) throws Exception {
    if (traffic == null) {
      return;
    }
    String l = opt.label.isEmpty() ? "" : opt.label + " ";
    new Chart("Churn: " + meetings + " x " + size + ", " + Report.fmt(churnRate) + " actions/s, " + pool.targetCount()
        + " node(s)", "percentile", Chart.XAxis.PERCENTILE)
        .add(new Chart.Series(l + "rejoin", Latency.spectrum(rejoin.histogram()), false))
        .add(new Chart.Series(l + "reconnect + rejoin", Latency.spectrum(reconnect.histogram()), true))
        .write(png);
  }
}
