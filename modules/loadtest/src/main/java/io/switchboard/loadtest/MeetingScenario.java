package io.switchboard.loadtest;

import io.switchboard.loadtest.check.MeetingCheck;
import io.switchboard.loadtest.report.Chart;
import io.switchboard.loadtest.report.Report;
import io.switchboard.loadtest.stats.Latency;
import io.switchboard.loadtest.sys.ServerCost;
import io.switchboard.loadtest.sys.ToolCost;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code meeting}: M meetings of S participants join at a given rate. Participants of one meeting
 * are consecutive users, so they sit on different nodes and join close together (concurrent joins
 * of one meeting). Measures join latency (emit of {@code join-meeting} to {@code meeting-joined})
 * and fan-out latency (a join's emit to each other participant's {@code participant-joined}), and
 * checks that every participant ends up knowing exactly the others, once each.
 *
 * <p>The server must create unknown meetings on first join (Switchboard:
 * {@code SWITCHBOARD_MEETINGS_AUTO_CREATE=true}).
 */
@Command(name = "meeting", mixinStandardHelpOptions = true,
    description = "M meetings x S participants join: join latency, fan-out latency, participant-list correctness.")
final class MeetingScenario extends Scenario {
  @Option(names = {"-m", "--meetings"}, defaultValue = "100", description = "Meetings (default: ${DEFAULT-VALUE}).")
  int meetings;

  @Option(names = {"-s", "--size"}, defaultValue = "4", description = "Participants per meeting (default: ${DEFAULT-VALUE}).")
  int size;

  @Option(names = {"-r", "--join-rate"}, defaultValue = "1000", description = "Joins per second (default: ${DEFAULT-VALUE}).")
  int joinRate;

  @Option(names = "--settle", defaultValue = "2",
      description = "Seconds to wait after the last join for the fan-out before checking (default: ${DEFAULT-VALUE}).")
  double settleS;

  @Option(names = "--timeout", defaultValue = "30",
      description = "Seconds allowed for the answers after the last join is sent (default: ${DEFAULT-VALUE}).")
  double timeoutS;

  @Option(names = "--warmup-meetings", defaultValue = "-1",
      description = "Meetings joined first, on their own connections, to warm up client and servers; not measured "
          + "(default -1: a quarter of --meetings, at most 100).")
  int warmupMeetings;

  private MeetingTraffic traffic;

  private int warmups() {
    return warmupMeetings >= 0 ? warmupMeetings : Math.min(100, Math.max(1, meetings / 4));
  }

  @Override
  String name() {
    return "meeting";
  }

  @Override
  void validate() {
    if (meetings < 1 || size < 1 || joinRate < 1) {
      throw new IllegalArgumentException("--meetings, --size and --join-rate must be positive");
    }
    if ((long) meetings * size > 1_000_000) {
      throw new IllegalArgumentException("at most 1000000 participants");
    }
  }

  @Override
  long connectionsNeeded() {
    return (long) Math.max(meetings, warmups()) * size;
  }

  @Override
  long expectedSeconds() {
    long n = connectionsNeeded();
    long w = (long) warmups() * size;
    return (n + w) / Math.max(1, opt.connectRate) + (n + w) / joinRate + (long) (settleS + timeoutS) * 2 + 20;
  }

  @Override
  boolean run() throws Exception {
    int n = meetings * size;
    report.params().put("meetings", meetings);
    report.params().put("size", size);
    report.params().put("joinRate", joinRate);
    report.params().put("warmupMeetings", warmups());
    if (warmups() > 0) {
      warmUp(warmups());
    }
    traffic = new MeetingTraffic(runId, meetings, size);
    Latency setup = new Latency("setup");
    ServerCost.Reading connectBefore = readCost();
    connect(0, n, i -> traffic.members.get(i).handler(), setup, true);
    ServerCost.Reading connectAfter = readCost();
    for (int i = 0; i < n; i++) {
      traffic.members.get(i).user = users.get(i);
    }
    report.latency("setup", "connectSetup", "connection setup", setup.histogram());
    Memory before = readMemory();
    ToolCost.Reading toolBefore = settle();
    ServerCost.Reading joinsBefore = readCost();

    progress.show(() -> String.format("meeting: joined %d/%d (refused %d) | join p99 %.1f ms (last s)",
        traffic.joinsOk.sum(), n, traffic.joinsFailed.sum(), traffic.join.interval().p99()));
    long t0 = System.nanoTime();
    double intervalNs = 1e9 / joinRate;
    for (int k = 0; k < n; k++) {
      long due = t0 + (long) (k * intervalNs);
      long wait = due - System.nanoTime();
      if (wait > 1_000_000) {
        Thread.sleep(wait / 1_000_000);
      }
      traffic.members.get(k).join(ok -> { });
      if (nearDeadline(10)) {
        report.problem("the deadline came before every join was sent");
        break;
      }
    }
    double sendS = (System.nanoTime() - t0) / 1e9;
    boolean answered = await(() -> traffic.joinsOk.sum() + traffic.joinsFailed.sum() >= n, timeoutS);
    double allS = (System.nanoTime() - t0) / 1e9;
    progress.show(() -> String.format("meeting: settling (participant-joined %d)", traffic.joinedEvents.sum()));
    sleepSeconds(settleS);
    pool.barrier();
    MeetingCheck.Result r = traffic.check();
    ToolCost.Reading toolDuring = ToolCost.read().since(toolBefore);
    ServerCost.Reading joinsAfter = readCost();
    Memory after = readMemory();

    report.result("joins", "joinsSent", "joins sent", n);
    report.result("joins", "joinSendSeconds", "sending took", sendS, "s");
    report.result("joins", "joinRateAchieved", "join rate achieved", n / Math.max(1e-9, sendS), "joins/s");
    report.result("joins", "allAnsweredSeconds", "all answered after", allS, "s");
    report.latency("joins", "join", "join (emit to meeting-joined)", traffic.join.histogram());
    report.latency("joins", "fanout", "fan-out (join emit to participant-joined)", traffic.fanout.histogram());
    toolCostRows("joins", "joins", toolDuring);
    long expectedEvents = (long) meetings * size * (size - 1) / 2;
    report.result("correctness", "participantJoinedExpected", "participant-joined expected", expectedEvents);
    traffic.report(report, "correctness", r);
    costRows("server cost", "connect", "connection", connectBefore, connectAfter, n);
    costRows("server cost", "join", "join (its participant-joined fan-out included)", joinsBefore, joinsAfter,
        traffic.joinsOk.sum());
    memoryRow("server memory", "before the joins", before);
    memoryRow("server memory", "after the joins", after);
    if (!answered) {
      report.problem((n - traffic.joinsOk.sum() - traffic.joinsFailed.sum()) + " join(s) unanswered after "
          + timeoutS + " s");
    }
    if (traffic.joinsFailed.sum() > 0) {
      report.problem(traffic.joinsFailed.sum() + " join(s) refused: " + traffic.failures);
    }
    if (r.violations() == 0 && traffic.joinedEvents.sum() != expectedEvents && traffic.joinsFailed.sum() == 0) {
      report.problem("participant-joined received " + traffic.joinedEvents.sum() + " times, expected " + expectedEvents);
    }
    return true;
  }

  /** Joins {@code w} meetings on their own connections, then closes them. */
  private void warmUp(int w) throws Exception {
    int n = w * size;
    MeetingTraffic warm = new MeetingTraffic(runId + "w", w, size);
    progress.show(() -> String.format("meeting: warm-up, joined %d/%d", warm.joinsOk.sum(), n));
    java.util.List<io.switchboard.loadtest.client.User> before = new java.util.ArrayList<>(users);
    connect(0, n, i -> warm.members.get(i).handler(), new Latency("warm"), true);
    java.util.List<io.switchboard.loadtest.client.User> mine = users.subList(before.size(), users.size());
    for (int i = 0; i < n; i++) {
      warm.members.get(i).user = mine.get(i);
    }
    long t0 = System.nanoTime();
    for (int k = 0; k < n; k++) {
      long wait = t0 + (long) (k * 1e9 / joinRate) - System.nanoTime();
      if (wait > 1_000_000) {
        Thread.sleep(wait / 1_000_000);
      }
      warm.members.get(k).join(ok -> { });
    }
    await(() -> warm.joinsOk.sum() + warm.joinsFailed.sum() >= n, timeoutS);
    report.row("setup", "warm-up", w + " meetings x " + size + ": join p99 " + Report.fmt(warm.join.summary().p99())
        + " ms (not counted)");
    java.util.List<io.switchboard.loadtest.client.User> closing = new java.util.ArrayList<>(mine);
    pool.closeAll(closing, true);
    users.clear();
    users.addAll(before);
    sleepSeconds(1);
  }

  @Override
  void plot(Path png) throws Exception {
    if (traffic == null) {
      return;
    }
    String l = opt.label.isEmpty() ? "" : opt.label + " ";
    new Chart("Meeting joins: " + meetings + " x " + size + " at " + joinRate + "/s, " + pool.targetCount() + " node(s)",
        "percentile", Chart.XAxis.PERCENTILE)
        .add(new Chart.Series(l + "join", Latency.spectrum(traffic.join.histogram()), false))
        .add(new Chart.Series(l + "fan-out", Latency.spectrum(traffic.fanout.histogram()), true))
        .write(png);
  }
}
