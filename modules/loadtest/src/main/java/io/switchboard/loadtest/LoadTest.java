package io.switchboard.loadtest;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code java -jar switchboard-loadtest.jar <scenario> [options]}: load tests for Socket.IO
 * signaling servers, over the network only. See {@code --help} of each scenario.
 */
@Command(name = "loadtest", mixinStandardHelpOptions = true, version = "switchboard-loadtest 0.1.0",
    description = {
      "Load tests for a Socket.IO signaling server (Switchboard, or any server implementing the same events).",
      "Virtual users speak Engine.IO v4 / Socket.IO v5 over WebSocket, spread round-robin over the --url list.",
      "Every run is bounded (--duration, --deadline); only loopback and private addresses are accepted.",
      "Exit: 0 pass, 1 completed with problems, 2 bad usage, 3 stopped (deadline or setup failure)."
    },
    subcommands = {ConnectScenario.class, MeetingScenario.class, RelayScenario.class, RampScenario.class,
        ChurnScenario.class, PlotCommand.class, SummaryCommand.class, CommandLine.HelpCommand.class})
public final class LoadTest implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.setProperty("java.awt.headless", "true");
    int code = new CommandLine(new LoadTest()).execute(args);
    System.exit(code);
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.err);
  }
}
