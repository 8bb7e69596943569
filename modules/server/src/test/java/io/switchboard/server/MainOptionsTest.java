package io.switchboard.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vertx.core.Vertx;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The packaged node's Vert.x: native epoll on Linux unless NIO is asked for. */
class MainOptionsTest {

  private static boolean linux() {
    String arch = System.getProperty("os.arch");
    return System.getProperty("os.name").toLowerCase().contains("linux")
        && (arch.equals("amd64") || arch.equals("x86_64") || arch.equals("aarch64"));
  }

  @Test
  void theDefaultRunsNettysEpollOnLinux() {
    assumeTrue(linux(), "the epoll library ships for Linux x86-64 and arm64 only");
    Vertx vertx = Vertx.vertx(Main.vertxOptions(ServerConfig.fromEnv(Map.of("SWITCHBOARD_EVENT_LOOPS", "3"))));
    try {
      assertTrue(vertx.isNativeTransportEnabled(), "native transport: " + vertx.unavailableNativeTransportCause());
    } finally {
      vertx.close().await();
    }
    assertEquals(3, Main.vertxOptions(ServerConfig.fromEnv(Map.of("SWITCHBOARD_EVENT_LOOPS", "3"))).getEventLoopPoolSize());
  }

  @Test
  void nioIsUsedWhenAskedFor() {
    Vertx vertx = Vertx.vertx(Main.vertxOptions(ServerConfig.fromEnv(Map.of("SWITCHBOARD_TRANSPORT", "nio"))));
    try {
      assertFalse(vertx.isNativeTransportEnabled());
    } finally {
      vertx.close().await();
    }
  }
}
