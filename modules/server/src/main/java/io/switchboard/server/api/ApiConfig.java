package io.switchboard.server.api;

/**
 * Settings of the HTTP API.
 *
 * @param apiKey the bearer key callers must present; null leaves the API open (a warning at start)
 * @param maxBodyBytes the largest request body accepted on {@code /api} routes
 */
public record ApiConfig(String apiKey, int maxBodyBytes) {

  public ApiConfig {
    if (apiKey != null && apiKey.isEmpty()) {
      apiKey = null;
    }
    if (maxBodyBytes < 1) {
      throw new IllegalArgumentException("maxBodyBytes must be positive");
    }
  }

  public boolean open() {
    return apiKey == null;
  }

  /** Never prints the key. */
  @Override
  public String toString() {
    return "ApiConfig[apiKey=" + (apiKey == null ? "unset" : "***") + ", maxBodyBytes=" + maxBodyBytes + "]";
  }
}
