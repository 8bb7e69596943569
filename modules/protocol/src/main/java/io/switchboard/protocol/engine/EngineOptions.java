package io.switchboard.protocol.engine;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Engine.IO server settings.
 *
 * @param pingInterval how often the server pings each session
 * @param pingTimeout how long after a ping the server waits for the pong before closing
 * @param maxPayload the largest message (WebSocket) or request body (polling) accepted, in bytes
 * @param upgradeTimeout how long a probed WebSocket may take to send the upgrade packet
 * @param allowPolling whether HTTP long-polling is offered
 * @param allowWebSocket whether WebSocket is offered
 * @param corsOrigins origins allowed for cross-origin polling; {@code "*"} allows any origin
 */
public record EngineOptions(
    Duration pingInterval,
    Duration pingTimeout,
    int maxPayload,
    Duration upgradeTimeout,
    boolean allowPolling,
    boolean allowWebSocket,
    List<String> corsOrigins) {

  /** The values of the reference Node.js server: 25 s / 20 s / 1 MB / 10 s, both transports, any origin. */
  public static EngineOptions defaults() {
    return new EngineOptions(
        Duration.ofSeconds(25), Duration.ofSeconds(20), 1_000_000, Duration.ofSeconds(10), true, true, List.of("*"));
  }

  public EngineOptions {
    Objects.requireNonNull(pingInterval, "pingInterval");
    Objects.requireNonNull(pingTimeout, "pingTimeout");
    Objects.requireNonNull(upgradeTimeout, "upgradeTimeout");
    corsOrigins = List.copyOf(corsOrigins);
    if (pingInterval.isNegative() || pingInterval.isZero() || pingTimeout.isNegative() || pingTimeout.isZero()) {
      throw new IllegalArgumentException("ping interval and timeout must be positive");
    }
    if (maxPayload < 1) {
      throw new IllegalArgumentException("maxPayload must be positive");
    }
    if (!allowPolling && !allowWebSocket) {
      throw new IllegalArgumentException("at least one transport must be allowed");
    }
  }

  public EngineOptions withPing(Duration interval, Duration timeout) {
    return new EngineOptions(interval, timeout, maxPayload, upgradeTimeout, allowPolling, allowWebSocket, corsOrigins);
  }

  public EngineOptions withMaxPayload(int bytes) {
    return new EngineOptions(pingInterval, pingTimeout, bytes, upgradeTimeout, allowPolling, allowWebSocket, corsOrigins);
  }

  public EngineOptions withCorsOrigins(List<String> origins) {
    return new EngineOptions(pingInterval, pingTimeout, maxPayload, upgradeTimeout, allowPolling, allowWebSocket, origins);
  }

  public EngineOptions withTransports(boolean polling, boolean webSocket) {
    return new EngineOptions(pingInterval, pingTimeout, maxPayload, upgradeTimeout, polling, webSocket, corsOrigins);
  }

  boolean anyOrigin() {
    return corsOrigins.contains("*");
  }

  boolean originAllowed(String origin) {
    return anyOrigin() || corsOrigins.contains(origin);
  }
}
