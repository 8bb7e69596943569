package io.switchboard.server;

import io.switchboard.cluster.ClusterSettings;
import io.switchboard.protocol.engine.EngineOptions;
import io.switchboard.protocol.socketio.SocketIoOptions;
import io.switchboard.redis.RedisConfig;
import io.switchboard.server.api.ApiConfig;
import io.switchboard.server.auth.JwtConfig;
import io.switchboard.server.binding.RateLimit;
import io.switchboard.signaling.IceServers;
import io.switchboard.signaling.Limits;
import io.switchboard.signaling.SignalingConfig;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;

/**
 * The node's configuration: defaults in code, overridden by an optional properties file
 * ({@code SWITCHBOARD_CONFIG_FILE}, {@code KEY=value} lines with the same keys), overridden by
 * environment variables. Any {@code SWITCHBOARD_*} variable, and any key of the file, that is not
 * a known setting is refused, so a typo fails the start instead of being silently ignored.
 * Immutable; secrets are never printed by {@link #toString()}.
 *
 * @param host the address to listen on
 * @param port the HTTP port ({@code PORT})
 * @param profile {@code default}, or {@code conformance} for the protocol test suites
 * @param eventLoops event-loop threads (and HTTP server instances)
 * @param nativeTransport whether the packaged server asks Vert.x for Netty's native epoll transport
 *     (it falls back to the JDK's NIO where epoll is not available)
 * @param engine Engine.IO settings
 * @param socketIo Socket.IO settings
 * @param nodeId this node's id (unique in a cluster)
 * @param signaling the domain's settings (capacities, ring timeout, limits, ICE servers)
 * @param rateLimit the per-socket event rate limit
 * @param bcryptCost work factor of meeting password hashes
 * @param api the HTTP API's settings (API key, body limit)
 * @param jwt how clients prove who they are (open mode, or JWT with a secret or a JWKS URL)
 * @param redis the shared state (null: one node, everything in memory)
 * @param cluster how cluster nodes find and watch each other
 * @param drainTimeout on SIGTERM, how long the drain waits for its sockets' cleanups
 * @param log the log format and level of the packaged server ({@code Main})
 */
public record ServerConfig(
    String host,
    int port,
    Profile profile,
    int eventLoops,
    boolean nativeTransport,
    String nodeId,
    EngineOptions engine,
    SocketIoOptions socketIo,
    SignalingConfig signaling,
    RateLimit rateLimit,
    int bcryptCost,
    ApiConfig api,
    JwtConfig jwt,
    RedisConfig redis,
    ClusterSettings cluster,
    Duration drainTimeout,
    LogSettings log) {

  /**
   * How the packaged server logs (read by {@code Main}; in-JVM nodes leave logging alone).
   *
   * @param format {@code json} (one JSON object per line) or {@code text}
   * @param level the least severe level written: {@code trace}, {@code debug}, {@code info},
   *     {@code warn} or {@code error}
   */
  public record LogSettings(String format, String level) { }

  /** Whether this node joins a cluster: state in Redis, signaling on the clustered event bus. */
  public boolean clustered() {
    return redis != null;
  }

  /** Profiles change behaviour for one purpose; the default is the product. */
  public enum Profile {
    DEFAULT,
    /** Short heartbeats and the test events the official Engine.IO / Socket.IO suites expect. */
    CONFORMANCE
  }

  /** The setting that names the optional properties file. */
  public static final String CONFIG_FILE = "SWITCHBOARD_CONFIG_FILE";

  /**
   * Every setting, with its default (empty: unset) and what it does. The README's configuration
   * table lists the same (a test checks it; {@link #markdownRows()} prints the rows).
   */
  public static final Map<String, String[]> SETTINGS = settings();

  private static Map<String, String[]> settings() {
    Map<String, String[]> s = new LinkedHashMap<>();
    s.put("PORT", new String[] {"4000", "HTTP port for Socket.IO and the HTTP API"});
    s.put("SWITCHBOARD_HOST", new String[] {"0.0.0.0", "address to listen on"});
    s.put("SWITCHBOARD_PROFILE", new String[] {"default", "default, or conformance (protocol test suites only)"});
    s.put("SWITCHBOARD_EVENT_LOOPS", new String[] {"cores", "event-loop threads"});
    s.put("SWITCHBOARD_TRANSPORT", new String[] {"native",
        "native (Netty's epoll on Linux, NIO where it is not available) or nio"});
    s.put("SWITCHBOARD_PING_INTERVAL_MS", new String[] {"25000", "Engine.IO heartbeat interval"});
    s.put("SWITCHBOARD_PING_TIMEOUT_MS", new String[] {"20000", "wait for the pong before closing"});
    s.put("SWITCHBOARD_MAX_PAYLOAD_BYTES", new String[] {"1000000", "largest message or polling body"});
    s.put("SWITCHBOARD_UPGRADE_TIMEOUT_MS", new String[] {"10000", "polling to WebSocket upgrade deadline"});
    s.put("SWITCHBOARD_CONNECT_TIMEOUT_MS", new String[] {"45000", "close connections that join no namespace"});
    s.put("SWITCHBOARD_TRANSPORTS", new String[] {"polling,websocket", "transports offered"});
    s.put("SWITCHBOARD_CORS_ORIGINS", new String[] {"*", "origins allowed for polling and the HTTP API (comma list)"});
    s.put("SWITCHBOARD_NODE_ID", new String[] {"random", "this node's id; random per process by default"});
    s.put("SWITCHBOARD_ROOM_MAX_SIZE", new String[] {"8", "sockets per mesh room"});
    s.put("SWITCHBOARD_MEETING_MAX_PARTICIPANTS", new String[] {"100", "capacity of meetings created without one"});
    s.put("SWITCHBOARD_RING_TIMEOUT_MS", new String[] {"30000", "an unanswered 1:1 call ends after this"});
    s.put("SWITCHBOARD_MEETINGS_AUTO_CREATE", new String[] {"false", "unknown meeting ids are created on first join"});
    s.put("SWITCHBOARD_MAX_ID_LENGTH", new String[] {"128", "longest id a client may send"});
    s.put("SWITCHBOARD_MAX_NAME_LENGTH", new String[] {"256", "longest display name"});
    s.put("SWITCHBOARD_MAX_SDP_LENGTH", new String[] {"65536", "largest SDP in an offer or answer"});
    s.put("SWITCHBOARD_MAX_CANDIDATE_LENGTH", new String[] {"4096", "largest ICE candidate"});
    s.put("SWITCHBOARD_MAX_EVENT_LENGTH", new String[] {"262144", "largest event payload (JSON characters)"});
    s.put("SWITCHBOARD_RATE_BURST", new String[] {"200", "events a socket may send at once"});
    s.put("SWITCHBOARD_RATE_PER_SECOND", new String[] {"100", "sustained events per second per socket"});
    s.put("SWITCHBOARD_BCRYPT_COST", new String[] {"10", "bcrypt work factor for meeting passwords"});
    s.put(CONFIG_FILE, new String[] {"", "a properties file with these same keys (KEY=value lines); the environment wins over it"});
    s.put("SWITCHBOARD_API_KEY", new String[] {"", "bearer key the HTTP API requires; unset: the API is open (a warning at start)"});
    s.put("SWITCHBOARD_API_MAX_BODY_BYTES", new String[] {"1048576", "largest HTTP API request body"});
    s.put("SWITCHBOARD_JWT_SECRET", new String[] {"", "HS256 secret: handshakes need a JWT signed with it; unset (and no JWKS URL): open mode"});
    s.put("SWITCHBOARD_JWKS_URL", new String[] {"", "URL of a JWK set (RS256 public keys): handshakes need a JWT signed by one of them"});
    s.put("SWITCHBOARD_JWKS_REFRESH_S", new String[] {"600", "how often the JWK set is fetched again (an unknown kid fetches sooner)"});
    s.put("SWITCHBOARD_JWT_ISSUER", new String[] {"", "the iss a token must carry; unset: any"});
    s.put("SWITCHBOARD_JWT_AUDIENCE", new String[] {"", "accepted aud values (comma list); unset: any"});
    s.put("SWITCHBOARD_JWT_GROUPS_CLAIM", new String[] {"groups", "claim holding the user's group ids (array of strings)"});
    s.put("SWITCHBOARD_JWT_LEEWAY_S", new String[] {"0", "clock skew tolerated on exp and nbf"});
    s.put("SWITCHBOARD_STUN_URLS", new String[] {"", "STUN URLs handed to clients in webrtcConfig (comma list)"});
    s.put("SWITCHBOARD_TURN_URLS", new String[] {"", "TURN URLs handed to clients with ephemeral credentials (comma list); needs SWITCHBOARD_TURN_SECRET"});
    s.put("SWITCHBOARD_TURN_SECRET", new String[] {"", "TURN REST shared secret (coturn static-auth-secret)"});
    s.put("SWITCHBOARD_TURN_TTL_S", new String[] {"3600", "how long a TURN credential is valid"});
    s.put("REDIS_URL", new String[] {"", "Redis URL(s), comma list (`redis://[:password@]host:port[/db]`); unset: one node, everything in memory; set: this node joins a cluster"});
    s.put("SWITCHBOARD_REDIS_TYPE", new String[] {"standalone", "`standalone`, `sentinel` (REDIS_URL lists the sentinels) or `cluster` (REDIS_URL lists seed nodes)"});
    s.put("SWITCHBOARD_REDIS_MASTER", new String[] {"", "the Sentinel master name (required with `sentinel`)"});
    s.put("SWITCHBOARD_REDIS_PREFIX", new String[] {"sb:", "prefix of every Redis key"});
    s.put("SWITCHBOARD_REDIS_TIMEOUT_MS", new String[] {"2000", "deadline of every Redis command; past it the request fails with `unavailable`"});
    s.put("SWITCHBOARD_REDIS_POOL_SIZE", new String[] {"8", "Redis connections per node (per Redis node); one per event loop (at most this less one) carries that loop's commands, pipelined"});
    s.put("SWITCHBOARD_CLUSTER_HOST", new String[] {"127.0.0.1", "address this node binds and announces for Hazelcast and the event bus (in Kubernetes: the pod IP)"});
    s.put("SWITCHBOARD_CLUSTER_PORT", new String[] {"5701", "first Hazelcast port tried (nodes on one host take the next ones)"});
    s.put("SWITCHBOARD_CLUSTER_BUS_PORT", new String[] {"0", "clustered event bus port; 0: any free port. Fix it where a firewall or NetworkPolicy lists the ports between nodes (the Kubernetes manifests use 5801)"});
    s.put("SWITCHBOARD_CLUSTER_MEMBERS", new String[] {"127.0.0.1", "TCP-IP member list (hosts or host:port, comma list); ignored with DNS discovery"});
    s.put("SWITCHBOARD_CLUSTER_DNS", new String[] {"", "headless service DNS name for Kubernetes discovery; unset: the TCP-IP member list"});
    s.put("SWITCHBOARD_CLUSTER_NAME", new String[] {"switchboard", "Hazelcast cluster name (nodes with another name never join)"});
    s.put("SWITCHBOARD_NEAR_CACHE_TTL_MS", new String[] {"10000", "how long a node keeps its copy of a user's sockets and of a connected call for relays (changes on any node drop the copies at once; this bounds a lost invalidation); 0: every relay reads Redis"});
    s.put("SWITCHBOARD_CLUSTER_DEAD_AFTER_S", new String[] {"5", "a node silent this long is declared dead and its sockets cleaned up"});
    s.put("SWITCHBOARD_LEASE_TTL_S", new String[] {"10", "a node's lease in Redis; renewed every third of it"});
    s.put("SWITCHBOARD_DRAIN_TIMEOUT_MS", new String[] {"20000", "on SIGTERM, how long the drain waits for its sockets' cleanups (keep below the pod's terminationGracePeriodSeconds)"});
    s.put("SWITCHBOARD_LOG_FORMAT", new String[] {"json", "`json`: one JSON object per line on stdout (timestamp, level, logger, thread, message, node, and socket, user, meeting where known); `text`: one readable line"});
    s.put("SWITCHBOARD_LOG_LEVEL", new String[] {"info", "least severe level logged: `trace`, `debug`, `info`, `warn`, `error`"});
    return Collections.unmodifiableMap(s);
  }

  public static ServerConfig defaults() {
    return fromEnv(Map.of());
  }

  /**
   * Reads the configuration from environment variables (only the known names are read) and, when
   * {@code SWITCHBOARD_CONFIG_FILE} names one, a properties file; a variable that is set and not
   * blank wins over the file. Reads the file with blocking I/O: call it at start, not on an event
   * loop.
   */
  public static ServerConfig fromEnv(Map<String, String> env) {
    List<String> unknown = new ArrayList<>();
    for (String key : new TreeSet<>(env.keySet())) {
      if (key.startsWith("SWITCHBOARD_") && !SETTINGS.containsKey(key)) {
        unknown.add(key);
      }
    }
    if (!unknown.isEmpty()) {
      throw new ConfigException("unknown setting(s) " + unknown + "; known: " + SETTINGS.keySet());
    }
    Map<String, String> merged = new HashMap<>();
    String file = env.get(CONFIG_FILE);
    if (file != null && !file.isBlank()) {
      merged.putAll(readFile(Path.of(file.trim())));
    }
    env.forEach((key, value) -> {
      if (value != null && !value.isBlank()) {
        merged.put(key, value);
      }
    });
    return read(new Reader(merged));
  }

  /**
   * The settings of a properties file: {@code KEY=value} lines, blank lines and lines starting
   * with {@code #} or {@code !} ignored, a value wrapped in one pair of matching quotes unwrapped.
   * Unlike {@link java.util.Properties}, backslashes are kept as written (secrets may hold them).
   * Every key must be a known setting, and appear once.
   */
  static Map<String, String> readFile(Path path) {
    List<String> lines;
    try {
      lines = Files.readAllLines(path, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigException(CONFIG_FILE + ": cannot read " + path + " (" + e.getClass().getSimpleName() + ": "
          + e.getMessage() + ")");
    }
    Map<String, String> out = new LinkedHashMap<>();
    List<String> unknown = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#") || line.startsWith("!")) {
        continue;
      }
      int eq = line.indexOf('=');
      if (eq <= 0) {
        throw new ConfigException(path + ":" + (i + 1) + ": expected KEY=value");
      }
      String key = line.substring(0, eq).strip();
      String value = unquote(line.substring(eq + 1).strip());
      if (!SETTINGS.containsKey(key) || key.equals(CONFIG_FILE)) {
        unknown.add(key);
        continue;
      }
      if (out.put(key, value) != null) {
        throw new ConfigException(path + ":" + (i + 1) + ": " + key + " is set twice");
      }
    }
    if (!unknown.isEmpty()) {
      throw new ConfigException(path + ": unknown setting(s) " + unknown + "; known: " + SETTINGS.keySet());
    }
    return out;
  }

  private static String unquote(String v) {
    if (v.length() >= 2 && (v.startsWith("\"") && v.endsWith("\"") || v.startsWith("'") && v.endsWith("'"))) {
      return v.substring(1, v.length() - 1);
    }
    return v;
  }

  private static ServerConfig read(Reader r) {
    Profile profile = r.profile("SWITCHBOARD_PROFILE");
    int cores = Runtime.getRuntime().availableProcessors();
    String loops = r.string("SWITCHBOARD_EVENT_LOOPS");
    int eventLoops = "cores".equals(loops) ? cores : r.intIn("SWITCHBOARD_EVENT_LOOPS", 1, 1024);
    String transport = r.string("SWITCHBOARD_TRANSPORT");
    if (!transport.equals("native") && !transport.equals("nio")) {
      throw new ConfigException("SWITCHBOARD_TRANSPORT: unknown transport '" + transport + "' (native, nio)");
    }
    List<String> transports = r.list("SWITCHBOARD_TRANSPORTS");
    for (String t : transports) {
      if (!t.equals("polling") && !t.equals("websocket")) {
        throw new ConfigException("SWITCHBOARD_TRANSPORTS: unknown transport '" + t + "' (polling, websocket)");
      }
    }
    EngineOptions engine = new EngineOptions(
        r.millis("SWITCHBOARD_PING_INTERVAL_MS"),
        r.millis("SWITCHBOARD_PING_TIMEOUT_MS"),
        r.intIn("SWITCHBOARD_MAX_PAYLOAD_BYTES", 1024, 100_000_000),
        r.millis("SWITCHBOARD_UPGRADE_TIMEOUT_MS"),
        transports.contains("polling"),
        transports.contains("websocket"),
        r.list("SWITCHBOARD_CORS_ORIGINS"));
    SocketIoOptions socketIo = SocketIoOptions.defaults().withConnectTimeout(r.millis("SWITCHBOARD_CONNECT_TIMEOUT_MS"));
    if (profile == Profile.CONFORMANCE) {
      // The values the official test suites are written against.
      engine = engine.withPing(Duration.ofMillis(300), Duration.ofMillis(200)).withMaxPayload(1_000_000);
      socketIo = socketIo.withConnectTimeout(Duration.ofMillis(1000));
    }
    Limits limits = new Limits(
        r.intIn("SWITCHBOARD_MAX_ID_LENGTH", 8, 4096),
        r.intIn("SWITCHBOARD_MAX_NAME_LENGTH", 8, 65_536),
        256,
        r.intIn("SWITCHBOARD_MAX_SDP_LENGTH", 1024, 10_000_000),
        r.intIn("SWITCHBOARD_MAX_CANDIDATE_LENGTH", 256, 1_000_000),
        r.intIn("SWITCHBOARD_MAX_EVENT_LENGTH", 1024, 100_000_000));
    SignalingConfig signaling = new SignalingConfig(
        limits,
        r.intIn("SWITCHBOARD_ROOM_MAX_SIZE", 1, 100_000),
        r.intIn("SWITCHBOARD_MEETING_MAX_PARTICIPANTS", 1, 100_000),
        r.millis("SWITCHBOARD_RING_TIMEOUT_MS"),
        r.bool("SWITCHBOARD_MEETINGS_AUTO_CREATE"),
        iceServers(r));
    RateLimit rate = new RateLimit(r.intIn("SWITCHBOARD_RATE_BURST", 1, 1_000_000),
        r.intIn("SWITCHBOARD_RATE_PER_SECOND", 1, 1_000_000), RateLimit.defaults().maxQueued());
    String nodeId = r.string("SWITCHBOARD_NODE_ID");
    if ("random".equals(nodeId)) {
      nodeId = "node-" + UUID.randomUUID().toString().substring(0, 8);
    }
    ApiConfig api = new ApiConfig(r.optional("SWITCHBOARD_API_KEY"),
        r.intIn("SWITCHBOARD_API_MAX_BODY_BYTES", 1024, 100_000_000));
    return new ServerConfig(r.string("SWITCHBOARD_HOST"), r.intIn("PORT", 0, 65535), profile, eventLoops,
        transport.equals("native"), nodeId, engine,
        socketIo, signaling, rate, r.intIn("SWITCHBOARD_BCRYPT_COST", 4, 31), api, jwt(r), redis(r), cluster(r),
        r.millis("SWITCHBOARD_DRAIN_TIMEOUT_MS"), log(r));
  }

  private static LogSettings log(Reader r) {
    String format = r.string("SWITCHBOARD_LOG_FORMAT").toLowerCase(Locale.ROOT);
    if (!format.equals("json") && !format.equals("text")) {
      throw new ConfigException("SWITCHBOARD_LOG_FORMAT: '" + format + "' is not json or text");
    }
    String level = r.string("SWITCHBOARD_LOG_LEVEL").toLowerCase(Locale.ROOT);
    if (!List.of("trace", "debug", "info", "warn", "error").contains(level)) {
      throw new ConfigException("SWITCHBOARD_LOG_LEVEL: '" + level + "' is not one of trace, debug, info, warn, error");
    }
    return new LogSettings(format, level);
  }

  private static RedisConfig redis(Reader r) {
    List<String> urls = r.list("REDIS_URL");
    if (urls.isEmpty()) {
      return null;
    }
    for (String url : urls) {
      if (!url.startsWith("redis://") && !url.startsWith("rediss://")) {
        throw new ConfigException("REDIS_URL: '" + redact(url) + "' is not a redis:// or rediss:// URL");
      }
    }
    RedisConfig.Type type;
    try {
      type = RedisConfig.Type.valueOf(r.string("SWITCHBOARD_REDIS_TYPE").toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ConfigException("SWITCHBOARD_REDIS_TYPE: '" + r.string("SWITCHBOARD_REDIS_TYPE")
          + "' is not one of standalone, sentinel, cluster");
    }
    String master = r.optional("SWITCHBOARD_REDIS_MASTER");
    if (type == RedisConfig.Type.SENTINEL && master == null) {
      throw new ConfigException("SWITCHBOARD_REDIS_TYPE=sentinel needs SWITCHBOARD_REDIS_MASTER");
    }
    try {
      return new RedisConfig(urls, type, type == RedisConfig.Type.SENTINEL ? master : null, r.string("SWITCHBOARD_REDIS_PREFIX"),
          r.millis("SWITCHBOARD_REDIS_TIMEOUT_MS"), r.intIn("SWITCHBOARD_REDIS_POOL_SIZE", 1, 1024),
          RedisConfig.DEFAULT_POOL_WAIT_QUEUE);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("Redis settings: " + e.getMessage());
    }
  }

  private static String redact(String url) {
    return url.replaceAll("//[^@/]*@", "//***@");
  }

  private static ClusterSettings cluster(Reader r) {
    int deadAfter = r.intIn("SWITCHBOARD_CLUSTER_DEAD_AFTER_S", 2, 300);
    try {
      return new ClusterSettings(r.string("SWITCHBOARD_CLUSTER_HOST"), r.intIn("SWITCHBOARD_CLUSTER_PORT", 1, 65535),
          r.list("SWITCHBOARD_CLUSTER_MEMBERS"), r.optional("SWITCHBOARD_CLUSTER_DNS"), Duration.ofSeconds(1),
          Duration.ofSeconds(deadAfter), r.intIn("SWITCHBOARD_CLUSTER_BUS_PORT", 0, 65535),
          Duration.ofSeconds(r.intIn("SWITCHBOARD_LEASE_TTL_S", 2, 3600)),
          r.string("SWITCHBOARD_CLUSTER_NAME"),
          Duration.ofMillis(r.intIn("SWITCHBOARD_NEAR_CACHE_TTL_MS", 0, 3_600_000)));
    } catch (IllegalArgumentException e) {
      throw new ConfigException("cluster settings: " + e.getMessage());
    }
  }

  private static IceServers iceServers(Reader r) {
    List<String> stun = r.list("SWITCHBOARD_STUN_URLS");
    List<String> turn = r.list("SWITCHBOARD_TURN_URLS");
    String secret = r.optional("SWITCHBOARD_TURN_SECRET");
    for (String url : stun) {
      if (!url.startsWith("stun:") && !url.startsWith("stuns:")) {
        throw new ConfigException("SWITCHBOARD_STUN_URLS: '" + url + "' is not a stun: or stuns: URL");
      }
    }
    for (String url : turn) {
      if (!url.startsWith("turn:") && !url.startsWith("turns:")) {
        throw new ConfigException("SWITCHBOARD_TURN_URLS: '" + url + "' is not a turn: or turns: URL");
      }
    }
    if (!turn.isEmpty() && secret == null) {
      throw new ConfigException("SWITCHBOARD_TURN_URLS needs SWITCHBOARD_TURN_SECRET (TURN REST credentials)");
    }
    Duration ttl = Duration.ofSeconds(r.intIn("SWITCHBOARD_TURN_TTL_S", 60, 604_800));
    return new IceServers(stun, turn, secret, ttl);
  }

  private static JwtConfig jwt(Reader r) {
    String secret = r.optional("SWITCHBOARD_JWT_SECRET");
    String jwks = r.optional("SWITCHBOARD_JWKS_URL");
    if (secret != null && jwks != null) {
      throw new ConfigException("set SWITCHBOARD_JWT_SECRET or SWITCHBOARD_JWKS_URL, not both");
    }
    URI jwksUrl = null;
    if (jwks != null) {
      try {
        jwksUrl = new URI(jwks);
      } catch (URISyntaxException e) {
        throw new ConfigException("SWITCHBOARD_JWKS_URL: '" + jwks + "' is not a URL");
      }
      String scheme = jwksUrl.getScheme() == null ? "" : jwksUrl.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https") || jwksUrl.getHost() == null) {
        throw new ConfigException("SWITCHBOARD_JWKS_URL: '" + jwks + "' is not an http(s) URL with a host");
      }
    }
    String groupsClaim = r.string("SWITCHBOARD_JWT_GROUPS_CLAIM");
    return new JwtConfig(secret, jwksUrl, r.optional("SWITCHBOARD_JWT_ISSUER"), r.list("SWITCHBOARD_JWT_AUDIENCE"),
        groupsClaim, Duration.ofSeconds(r.intIn("SWITCHBOARD_JWT_LEEWAY_S", 0, 3600)),
        Duration.ofSeconds(r.intIn("SWITCHBOARD_JWKS_REFRESH_S", 10, 86_400)));
  }

  public ServerConfig withPort(int newPort) {
    return new ServerConfig(host, newPort, profile, eventLoops, nativeTransport, nodeId, engine, socketIo, signaling, rateLimit,
        bcryptCost, api, jwt, redis, cluster, drainTimeout, log);
  }

  /** Never prints secrets: the API key and the JWT secret are masked, and so is the TURN secret. */
  @Override
  public String toString() {
    IceServers ice = signaling.iceServers();
    return "ServerConfig[host=" + host + ", port=" + port + ", profile=" + profile + ", eventLoops=" + eventLoops
        + ", nativeTransport=" + nativeTransport
        + ", nodeId=" + nodeId + ", engine=" + engine + ", socketIo=" + socketIo + ", signaling=[limits="
        + signaling.limits() + ", roomMaxSize=" + signaling.roomMaxSize() + ", meetingMaxParticipants="
        + signaling.meetingMaxParticipants() + ", ringTimeout=" + signaling.ringTimeout() + ", meetingsAutoCreate="
        + signaling.meetingsAutoCreate() + ", iceServers=[stun=" + ice.stunUrls() + ", turn=" + ice.turnUrls()
        + ", turnSecret=" + (ice.turnSecret() == null ? "unset" : "***") + ", ttl=" + ice.credentialTtl() + "]]"
        + ", rateLimit=" + rateLimit + ", bcryptCost=" + bcryptCost + ", api=" + api + ", jwt=" + jwt
        + ", redis=" + (redis == null ? "none" : redis.type() + " " + redis.redactedUrls()) + ", cluster=" + cluster
        + ", drainTimeout=" + drainTimeout + ", log=" + log.format() + "/" + log.level() + "]";
  }

  /**
   * The README's configuration table rows, generated from {@link #SETTINGS}: one
   * {@code | `KEY` | `default` | meaning |} line per setting (an empty default reads "unset").
   */
  public static String markdownRows() {
    StringBuilder sb = new StringBuilder();
    SETTINGS.forEach((key, v) -> sb.append("| `").append(key).append("` | ")
        .append(v[0].isEmpty() ? "unset" : "`" + v[0] + "`").append(" | ").append(v[1]).append(" |\n"));
    return sb.toString();
  }

  private record Reader(Map<String, String> env) {
    String string(String key) {
      String v = env.get(key);
      return v == null || v.isBlank() ? SETTINGS.get(key)[0] : v.trim();
    }

    /** A setting without a default: null when unset. */
    String optional(String key) {
      String v = string(key);
      return v.isEmpty() ? null : v;
    }

    int intIn(String key, int min, int max) {
      String v = string(key);
      try {
        int i = Integer.parseInt(v);
        if (i < min || i > max) {
          throw new ConfigException(key + ": " + i + " is outside " + min + ".." + max);
        }
        return i;
      } catch (NumberFormatException e) {
        throw new ConfigException(key + ": '" + v + "' is not a whole number");
      }
    }

    Duration millis(String key) {
      return Duration.ofMillis(intIn(key, 1, Integer.MAX_VALUE));
    }

    List<String> list(String key) {
      return Arrays.stream(string(key).split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList();
    }

    boolean bool(String key) {
      String v = string(key).toLowerCase(Locale.ROOT);
      return switch (v) {
        case "true", "1", "yes", "on" -> true;
        case "false", "0", "no", "off" -> false;
        default -> throw new ConfigException(key + ": '" + v + "' is not a boolean (true/false)");
      };
    }

    Profile profile(String key) {
      String v = string(key).toUpperCase(Locale.ROOT);
      try {
        return Profile.valueOf(v);
      } catch (IllegalArgumentException e) {
        throw new ConfigException(key + ": unknown profile '" + v.toLowerCase(Locale.ROOT) + "' (default, conformance)");
      }
    }
  }
}
