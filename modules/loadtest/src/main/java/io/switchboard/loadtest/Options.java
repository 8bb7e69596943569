package io.switchboard.loadtest;

import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** Options every scenario takes. */
public final class Options {
  @Option(names = {"-u", "--url"}, split = ",", paramLabel = "URL", defaultValue = "http://127.0.0.1:4000",
      description = "Node URL(s), comma-separated or repeated; users are spread over them round-robin "
          + "(loopback and private addresses only; default: ${DEFAULT-VALUE}).")
  List<String> urls;

  @Option(names = "--path", defaultValue = "/socket.io/", description = "Socket.IO path (default: ${DEFAULT-VALUE}).")
  String path;

  @Option(names = "--event-loops", defaultValue = "0",
      description = "Client event loops (default 0: the number of CPUs, at least 2).")
  int eventLoops;

  @Option(names = "--connect-rate", defaultValue = "2000",
      description = "New connections per second while setting up (default: ${DEFAULT-VALUE}).")
  int connectRate;

  @Option(names = "--in-flight", defaultValue = "200",
      description = "Connection attempts under way at once (default: ${DEFAULT-VALUE}).")
  int inFlight;

  @Option(names = "--connect-timeout", defaultValue = "10",
      description = "Seconds for one connection to reach Socket.IO CONNECT (default: ${DEFAULT-VALUE}).")
  int connectTimeoutS;

  @Option(names = "--max-failures", defaultValue = "100",
      description = "Stop setting up after this many failed connections (default: ${DEFAULT-VALUE}).")
  int maxFailures;

  @Option(names = "--deadline", defaultValue = "0",
      description = "Hard limit for the whole run in seconds: past it the tool prints what it has and exits "
          + "with 3 (default 0: the scenario's own estimate plus 60 s; at most 7200).")
  int deadlineS;

  @Option(names = "--label", defaultValue = "", description = "A name for this run in reports and plots "
      + "(e.g. switchboard-2n).")
  String label;

  @Option(names = "--json", paramLabel = "FILE", description = "Write the JSON report there.")
  Path json;

  @Option(names = "--png", paramLabel = "FILE", description = "Write a latency plot (PNG) there.")
  Path png;

  @Option(names = "--pid", split = ",", paramLabel = "PID",
      description = "Server process id(s) whose memory (VmRSS from /proc/<pid>/status) the report shows.")
  List<Long> pids;

  @Option(names = "--redis", paramLabel = "HOST:PORT",
      description = "The Redis the servers use (loopback or private address): the report shows the commands it "
          + "executed and its CPU per unit of work (INFO commandstats and INFO cpu before and after).")
  String redis;

  @Option(names = "--gc", description = "Before each memory reading, run jcmd <pid> GC.run on the Java "
      + "processes among --pid and report their heap used after GC too.")
  boolean gc;

  @Option(names = "--quiet", description = "No live progress line on stderr.")
  boolean quiet;

  @Option(names = "--seed", defaultValue = "1", description = "Random seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--run-id", description = "Prefix of every id the run makes (user, meeting and call ids); "
      + "default: random, so runs never collide in a server's state.")
  String runId;

  List<Long> pids() {
    return pids == null ? List.of() : pids;
  }
}
