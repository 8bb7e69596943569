package io.switchboard.protocol.engine;

import java.util.Map;

/**
 * What the first request of a session said, kept for the layers above (query parameters such as a
 * {@code token}, and a few headers). Immutable.
 *
 * @param query the query parameters of the handshake request (first value of each)
 * @param headers a few request headers, lower-case names: origin, user-agent, x-forwarded-for
 * @param remoteAddress the peer address as the server saw it
 * @param secure whether the handshake came over TLS
 * @param issuedAt epoch milliseconds of the handshake
 */
public record EngineHandshake(
    Map<String, String> query, Map<String, String> headers, String remoteAddress, boolean secure, long issuedAt) {

  public EngineHandshake {
    query = Map.copyOf(query);
    headers = Map.copyOf(headers);
  }
}
