package io.switchboard.server.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.server.ConfigException;
import io.switchboard.server.ServerConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The settings this issue added: log format and level, the event bus port. */
class OpsConfigTest {

  @Test
  void logSettingsDefaultToJsonAtInfoAndRefuseOtherValues() {
    ServerConfig defaults = ServerConfig.defaults();
    assertEquals(new ServerConfig.LogSettings("json", "info"), defaults.log());
    assertEquals(new ServerConfig.LogSettings("text", "debug"),
        ServerConfig.fromEnv(Map.of("SWITCHBOARD_LOG_FORMAT", "TEXT", "SWITCHBOARD_LOG_LEVEL", "Debug")).log());
    assertTrue(assertThrows(ConfigException.class, () -> ServerConfig.fromEnv(Map.of("SWITCHBOARD_LOG_FORMAT", "xml")))
        .getMessage().contains("SWITCHBOARD_LOG_FORMAT"));
    assertTrue(assertThrows(ConfigException.class, () -> ServerConfig.fromEnv(Map.of("SWITCHBOARD_LOG_LEVEL", "loud")))
        .getMessage().contains("SWITCHBOARD_LOG_LEVEL"));
  }

  @Test
  void theEventBusPortIsAnyFreeOneUnlessFixed() {
    assertEquals(0, ServerConfig.defaults().cluster().eventBusPort());
    assertEquals(5801, ServerConfig.fromEnv(Map.of("SWITCHBOARD_CLUSTER_BUS_PORT", "5801")).cluster().eventBusPort());
    assertThrows(ConfigException.class, () -> ServerConfig.fromEnv(Map.of("SWITCHBOARD_CLUSTER_BUS_PORT", "70000")));
  }
}
