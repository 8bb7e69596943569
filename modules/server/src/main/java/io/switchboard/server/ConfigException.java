package io.switchboard.server;

/** The configuration cannot be used: an unknown key, or a value of the wrong form. */
public final class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }
}
