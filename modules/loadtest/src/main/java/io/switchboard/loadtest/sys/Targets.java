package io.switchboard.loadtest.sys;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * The URLs a run may load: http(s)/ws(s) URLs whose host resolves only to loopback or private
 * addresses (127/8, ::1, 10/8, 172.16/12, 192.168/16, 169.254/16, fc00::/7, fe80::/10). A load
 * test is an attack on anything else, so anything else is refused.
 */
public final class Targets {
  private Targets() {}

  /** Parses and checks the URLs; throws {@link IllegalArgumentException} with a message for the user. */
  public static List<URI> parse(List<String> urls) {
    if (urls == null || urls.isEmpty()) {
      throw new IllegalArgumentException("no --url given");
    }
    List<URI> out = new ArrayList<>();
    for (String raw : urls) {
      String s = raw.trim();
      if (s.isEmpty()) {
        continue;
      }
      URI u;
      try {
        u = new URI(s);
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException("not a URL: " + s);
      }
      String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase();
      if (!List.of("http", "https", "ws", "wss").contains(scheme) || u.getHost() == null) {
        throw new IllegalArgumentException("not an http(s):// or ws(s):// URL with a host: " + s);
      }
      checkHost(u.getHost(), s);
      out.add(u);
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("no --url given");
    }
    return out;
  }

  /**
   * Parses and checks a {@code host:port} (the Redis the servers use, read for its statistics):
   * the same address rule as the URLs.
   */
  public static InetSocketAddress parseHostPort(String hostPort) {
    int colon = hostPort == null ? -1 : hostPort.lastIndexOf(':');
    if (colon <= 0 || colon == hostPort.length() - 1) {
      throw new IllegalArgumentException("not host:port: " + hostPort);
    }
    int port;
    try {
      port = Integer.parseInt(hostPort.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not host:port: " + hostPort);
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port out of range in " + hostPort);
    }
    String host = hostPort.substring(0, colon);
    checkHost(host, hostPort);
    return new InetSocketAddress(host, port);
  }

  private static void checkHost(String host, String given) {
    InetAddress[] addresses;
    try {
      addresses = InetAddress.getAllByName(host);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("unknown host in " + given);
    }
    for (InetAddress a : addresses) {
      if (!isAllowed(a)) {
        throw new IllegalArgumentException("refusing to load " + host + " (" + a.getHostAddress()
            + "): only loopback and private-network addresses may be targeted");
      }
    }
  }

  /** Loopback, link-local, site-local (RFC 1918) or IPv6 unique-local. */
  public static boolean isAllowed(InetAddress a) {
    if (a.isLoopbackAddress() || a.isSiteLocalAddress() || a.isLinkLocalAddress()) {
      return true;
    }
    if (a instanceof Inet6Address) {
      byte first = a.getAddress()[0];
      return (first & 0xfe) == 0xfc;
    }
    return false;
  }
}
