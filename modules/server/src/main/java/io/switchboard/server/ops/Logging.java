package io.switchboard.server.ops;

import java.util.Locale;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * Process-wide logging set-up of the packaged server ({@code Main}): JSON lines (or text) on
 * stdout through logback ({@code logback.xml}), java.util.logging (Vert.x, Hazelcast, Netty's
 * fallback) bridged to SLF4J, the node id on every line. In-JVM tests do not call this.
 */
public final class Logging {
  /** The system property {@code logback.xml} reads the level from. */
  public static final String LEVEL_PROPERTY = "switchboard.log.level";
  /** logback's own property naming its configuration; set to {@link #TEXT_CONFIG} for text lines. */
  static final String CONFIG_PROPERTY = "logback.configurationFile";
  static final String TEXT_CONFIG = "logback-text.xml";
  /** The field of every line that names the node. */
  public static final String NODE = "node";

  private Logging() {}

  /**
   * Chooses the format and level, then routes java.util.logging to SLF4J. Call first thing in
   * {@code main}, before anything logs (logback reads its configuration on the first log call).
   */
  public static void install(String format, String level) {
    System.setProperty(LEVEL_PROPERTY, level.toUpperCase(Locale.ROOT));
    if ("text".equals(format.toLowerCase(Locale.ROOT)) && System.getProperty(CONFIG_PROPERTY) == null) {
      System.setProperty(CONFIG_PROPERTY, TEXT_CONFIG);
    }
    // Configures logback now (it resets java.util.logging's levels to its own), then bridges.
    LoggerFactory.getILoggerFactory();
    if (!SLF4JBridgeHandler.isInstalled()) {
      SLF4JBridgeHandler.removeHandlersForRootLogger();
      SLF4JBridgeHandler.install();
    }
  }

  /** Puts the node id on every line logged from now on. */
  public static void nodeId(String nodeId) {
    ILoggerFactory factory = LoggerFactory.getILoggerFactory();
    if (factory instanceof ch.qos.logback.classic.LoggerContext context) {
      context.putProperty(NODE, nodeId);
    }
  }

  /**
   * Flushes and stops logging (the asynchronous appender's queue is written out). The last call
   * of the shutdown hook: lines logged after it are lost.
   */
  public static void stop() {
    ILoggerFactory factory = LoggerFactory.getILoggerFactory();
    if (factory instanceof ch.qos.logback.classic.LoggerContext context) {
      context.stop();
    }
  }
}
