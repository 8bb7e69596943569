package io.switchboard.loadtest;

import io.switchboard.loadtest.report.Report;
import io.switchboard.loadtest.stats.Latency;
import java.util.TreeMap;
import picocli.CommandLine.Option;

/** What {@code relay} and {@code ramp} share: the pairs, their setup, and how a phase is reported. */
abstract class RelayBase extends Scenario {
  @Option(names = {"-p", "--pairs"}, defaultValue = "500", description = "Pairs of users (default: ${DEFAULT-VALUE}).")
  int pairs;

  @Option(names = "--warmup", defaultValue = "2",
      description = "Seconds sent before measuring (default: ${DEFAULT-VALUE}).")
  double warmupS;

  @Option(names = "--drain", defaultValue = "3",
      description = "Seconds to wait for messages in flight after sending stops (default: ${DEFAULT-VALUE}).")
  double drainS;

  @Option(names = "--call-rate", defaultValue = "1000", description = "Call setups per second (default: ${DEFAULT-VALUE}).")
  int callRate;

  RelayTraffic traffic;
  private final Latency setup = new Latency("setup");

  void validateBase() {
    if (pairs < 1 || warmupS < 0 || drainS < 0 || callRate < 1) {
      throw new IllegalArgumentException("--pairs and --call-rate must be positive, --warmup and --drain not negative");
    }
  }

  @Override
  long connectionsNeeded() {
    return 2L * pairs;
  }

  long setupSeconds() {
    return 2L * pairs / Math.max(1, opt.connectRate) + pairs / callRate + 30;
  }

  /** Connects, registers and calls; fails the run when a pair could not be set up. */
  void setUp(double highestRate) throws Exception {
    traffic = new RelayTraffic(runId, pairs);
    report.params().put("pairs", pairs);
    connect(0, traffic.users(), traffic::handler, setup, true);
    traffic.attach(users);
    progress.show(() -> String.format("%s: registering %d/%d", name(), traffic.registered.sum(), traffic.users()));
    traffic.register(30);
    if (traffic.registered.sum() < traffic.users()) {
      throw new SetupFailed((traffic.users() - traffic.registered.sum()) + " user(s) could not register (userOnline)");
    }
    progress.show(() -> String.format("%s: calls %d/%d", name(), traffic.callsReady.sum(), pairs));
    traffic.call(callRate, 30);
    if (traffic.callsReady.sum() < pairs) {
      throw new SetupFailed((pairs - traffic.callsReady.sum()) + " call(s) could not be set up (call-request/call-answer; "
          + traffic.callsFailed.sum() + " failed, errors " + traffic.errorEvents + ")");
    }
    report.latency("setup", "connectSetup", "connection setup", setup.histogram());
    report.latency("setup", "callSetup", "call setup (call-request to call-answer back)", traffic.callSetup.histogram());
    report.latency("setup", "callDelivery", "call-request delivery", traffic.callDelivery.histogram());
    double perSocket = highestRate / traffic.users();
    report.params().put("perSocketRate", Report.round(perSocket));
    if (perSocket > 90) {
      System.err.println("loadtest: warning: each socket sends up to " + Report.fmt(perSocket) + " messages/s; Switchboard "
          + "allows 100/s per socket by default (SWITCHBOARD_RATE_PER_SECOND): use more --pairs or raise it");
    }
  }

  String line(String what, RelayTraffic.Phase p) {
    return String.format("%s %s at %s/s: sent %d, received %d | p99 %.1f ms (last s) | lag %d ms", name(), what,
        Report.fmt(p.rate), p.sent.sum(), p.received.sum(), p.latency.lastInterval().p99(), p.maxLagUs.get() / 1000);
  }

  /** Adds a measured phase to the report, with its problems. */
  void describe(Report report, String section, RelayTraffic.Phase p) {
    long sent = p.sent.sum();
    long recv = p.received.sum();
    report.result(section, "sent", "messages sent", sent);
    report.result(section, "received", "messages received", recv);
    report.result(section, "lost", "lost (not received after the drain)", p.lost());
    report.result(section, "lossPercent", "loss", sent == 0 ? 0 : 100.0 * p.lost() / sent, "%");
    report.result(section, "rateAchieved", "send rate achieved", sent / p.seconds(), "msgs/s");
    report.result(section, "maxLagMs", "generator lag, max", p.maxLagUs.get() / 1000.0, "ms");
    report.latency(section, "relay", "end-to-end latency", p.latency.histogram());
    report.result(section, "errors", "error events", p.errors.sum());
    if (!traffic.errorEvents.isEmpty()) {
      report.row(section, "error events by code", new TreeMap<>(traffic.errorEvents).toString());
    }
    report.result(section, "callEnds", "calls ended by the server", traffic.callEnds.sum());
    report.result(section, "stray", "unattributed ice-candidates", traffic.stray.sum());
    if (p.lost() > 0) {
      report.problem(p.lost() + " of " + sent + " messages lost");
    }
    if (p.errors.sum() > 0) {
      report.problem(p.errors.sum() + " error event(s): " + traffic.errorEvents);
    }
    if (traffic.callEnds.sum() > 0) {
      report.problem(traffic.callEnds.sum() + " call(s) ended by the server during the run");
    }
    if (sent < 0.95 * p.rate * p.seconds()) {
      report.problem("the generator sent " + Report.fmt(sent / p.seconds()) + "/s of the " + Report.fmt(p.rate)
          + "/s asked (the client machine is saturated)");
    }
  }
}
