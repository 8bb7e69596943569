package io.switchboard.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.server.ConfigException;
import io.switchboard.server.ServerConfig;
import io.switchboard.signaling.IceServers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The configuration: defaults, the properties file, the environment over it, and refusals. */
class ServerConfigTest {
  @TempDir
  Path dir;

  private Path file(String... lines) throws IOException {
    Path f = dir.resolve("switchboard-" + System.nanoTime() + ".properties");
    Files.write(f, List.of(lines), StandardCharsets.UTF_8);
    return f;
  }

  private static Map<String, String> env(String... kv) {
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  @Test
  void defaults() {
    ServerConfig c = ServerConfig.defaults();
    assertEquals(4000, c.port());
    assertTrue(c.api().open());
    assertEquals(1_048_576, c.api().maxBodyBytes());
    assertFalse(c.jwt().enabled());
    assertEquals("groups", c.jwt().groupsClaim());
    assertEquals(Duration.ZERO, c.jwt().leeway());
    assertEquals(Duration.ofMinutes(10), c.jwt().jwksRefresh());
    IceServers ice = c.signaling().iceServers();
    assertEquals(List.of(), ice.stunUrls());
    assertEquals(List.of(), ice.turnUrls());
    assertNull(ice.turnSecret());
    assertEquals(Duration.ofHours(1), ice.credentialTtl());
  }

  @Test
  void theFileSetsAndTheEnvironmentWins() throws IOException {
    Path f = file(
        "# a comment",
        "! another comment",
        "",
        "PORT = 4321",
        "SWITCHBOARD_ROOM_MAX_SIZE=3",
        "SWITCHBOARD_API_KEY=\"from-file=with=equals\"",
        "SWITCHBOARD_TURN_SECRET='back\\slash'",
        "SWITCHBOARD_TURN_URLS=turn:turn.example:3478?transport=udp, turns:turn.example:5349",
        "SWITCHBOARD_STUN_URLS=stun:stun.example:3478",
        "SWITCHBOARD_JWT_SECRET=file-secret");
    ServerConfig c = ServerConfig.fromEnv(env(
        ServerConfig.CONFIG_FILE, f.toString(),
        "SWITCHBOARD_ROOM_MAX_SIZE", "5",
        "SWITCHBOARD_JWT_SECRET", "env-secret",
        "SWITCHBOARD_TURN_TTL_S", " ",
        "PATH", "/usr/bin"));
    assertEquals(4321, c.port(), "from the file");
    assertEquals(5, c.signaling().roomMaxSize(), "the environment wins");
    assertEquals("from-file=with=equals", c.api().apiKey(), "quotes unwrapped, later '=' kept");
    assertEquals("env-secret", c.jwt().secret());
    IceServers ice = c.signaling().iceServers();
    assertEquals("back\\slash", ice.turnSecret(), "backslashes kept as written");
    assertEquals(List.of("turn:turn.example:3478?transport=udp", "turns:turn.example:5349"), ice.turnUrls());
    assertEquals(List.of("stun:stun.example:3478"), ice.stunUrls());
    assertEquals(Duration.ofHours(1), ice.credentialTtl(), "a blank variable does not hide the default");
  }

  @Test
  void aBlankVariableLeavesTheFilesValue() throws IOException {
    Path f = file("SWITCHBOARD_RING_TIMEOUT_MS=1234");
    ServerConfig c = ServerConfig.fromEnv(env(ServerConfig.CONFIG_FILE, f.toString(), "SWITCHBOARD_RING_TIMEOUT_MS", ""));
    assertEquals(Duration.ofMillis(1234), c.signaling().ringTimeout());
  }

  @Test
  void unknownKeysInTheFileAreRefused() throws IOException {
    Path f = file("PORT=1", "SWITCHBOARD_ROOM_MAX_SIZ=3", "HOME=/root");
    ConfigException e = assertThrows(ConfigException.class,
        () -> ServerConfig.fromEnv(env(ServerConfig.CONFIG_FILE, f.toString())));
    assertTrue(e.getMessage().contains("SWITCHBOARD_ROOM_MAX_SIZ"), e.getMessage());
    assertTrue(e.getMessage().contains("HOME"), e.getMessage());
    Path nested = file("SWITCHBOARD_CONFIG_FILE=/etc/other");
    assertThrows(ConfigException.class, () -> ServerConfig.fromEnv(env(ServerConfig.CONFIG_FILE, nested.toString())));
  }

  @Test
  void malformedFilesAreRefused() throws IOException {
    Path noEquals = file("PORT 4000");
    ConfigException e = assertThrows(ConfigException.class,
        () -> ServerConfig.fromEnv(env(ServerConfig.CONFIG_FILE, noEquals.toString())));
    assertTrue(e.getMessage().contains(":1:"), e.getMessage());
    Path twice = file("PORT=1", "PORT=2");
    assertTrue(assertThrows(ConfigException.class,
        () -> ServerConfig.fromEnv(env(ServerConfig.CONFIG_FILE, twice.toString()))).getMessage().contains("twice"));
    Path badValue = file("PORT=http");
    assertTrue(assertThrows(ConfigException.class,
        () -> ServerConfig.fromEnv(env(ServerConfig.CONFIG_FILE, badValue.toString()))).getMessage().contains("PORT"));
    ConfigException missing = assertThrows(ConfigException.class,
        () -> ServerConfig.fromEnv(env(ServerConfig.CONFIG_FILE, dir.resolve("absent.properties").toString())));
    assertTrue(missing.getMessage().contains("absent.properties"), missing.getMessage());
  }

  @Test
  void theTransportIsNativeUnlessNioIsAsked() {
    assertTrue(ServerConfig.defaults().nativeTransport());
    assertFalse(ServerConfig.fromEnv(env("SWITCHBOARD_TRANSPORT", "nio")).nativeTransport());
    assertTrue(ServerConfig.fromEnv(env("SWITCHBOARD_TRANSPORT", "native")).nativeTransport());
    ConfigException e = assertThrows(ConfigException.class, () -> ServerConfig.fromEnv(env("SWITCHBOARD_TRANSPORT", "epoll")));
    assertTrue(e.getMessage().contains("SWITCHBOARD_TRANSPORT"), e.getMessage());
  }

  @Test
  void unknownVariablesAreRefused() {
    ConfigException e = assertThrows(ConfigException.class, () -> ServerConfig.fromEnv(env("SWITCHBOARD_JWT_SECRETS", "x")));
    assertTrue(e.getMessage().contains("SWITCHBOARD_JWT_SECRETS"));
  }

  @Test
  void iceSettingsAreChecked() {
    ConfigException noSecret = assertThrows(ConfigException.class,
        () -> ServerConfig.fromEnv(env("SWITCHBOARD_TURN_URLS", "turn:t.example:3478")));
    assertTrue(noSecret.getMessage().contains("SWITCHBOARD_TURN_SECRET"), noSecret.getMessage());
    assertThrows(ConfigException.class, () -> ServerConfig.fromEnv(env("SWITCHBOARD_STUN_URLS", "http://stun.example")));
    assertThrows(ConfigException.class, () -> ServerConfig.fromEnv(env("SWITCHBOARD_TURN_URLS", "stun:x",
        "SWITCHBOARD_TURN_SECRET", "s")));
    assertThrows(ConfigException.class, () -> ServerConfig.fromEnv(env("SWITCHBOARD_TURN_TTL_S", "10")));
    ServerConfig c = ServerConfig.fromEnv(env("SWITCHBOARD_STUN_URLS", "stun:a:3478,stuns:b:5349",
        "SWITCHBOARD_TURN_URLS", "turn:t:3478", "SWITCHBOARD_TURN_SECRET", "s", "SWITCHBOARD_TURN_TTL_S", "600"));
    assertEquals(List.of("stun:a:3478", "stuns:b:5349"), c.signaling().iceServers().stunUrls());
    assertEquals(Duration.ofMinutes(10), c.signaling().iceServers().credentialTtl());
  }

  @Test
  void jwtSettingsAreChecked() {
    assertThrows(ConfigException.class, () -> ServerConfig.fromEnv(env("SWITCHBOARD_JWT_SECRET", "s",
        "SWITCHBOARD_JWKS_URL", "https://id.example/jwks.json")), "one or the other");
    assertThrows(ConfigException.class, () -> ServerConfig.fromEnv(env("SWITCHBOARD_JWKS_URL", "ftp://id.example/k")));
    assertThrows(ConfigException.class, () -> ServerConfig.fromEnv(env("SWITCHBOARD_JWKS_URL", "not a url")));
    assertThrows(ConfigException.class, () -> ServerConfig.fromEnv(env("SWITCHBOARD_JWKS_REFRESH_S", "1")));
    ServerConfig c = ServerConfig.fromEnv(env("SWITCHBOARD_JWKS_URL", "https://id.example/.well-known/jwks.json",
        "SWITCHBOARD_JWT_ISSUER", "https://id.example/", "SWITCHBOARD_JWT_AUDIENCE", "a, b",
        "SWITCHBOARD_JWT_GROUPS_CLAIM", "roles", "SWITCHBOARD_JWT_LEEWAY_S", "30", "SWITCHBOARD_JWKS_REFRESH_S", "60"));
    assertTrue(c.jwt().enabled());
    assertEquals("https://id.example/.well-known/jwks.json", c.jwt().jwksUrl().toString());
    assertEquals("https://id.example/", c.jwt().issuer());
    assertEquals(List.of("a", "b"), c.jwt().audience());
    assertEquals("roles", c.jwt().groupsClaim());
    assertEquals(Duration.ofSeconds(30), c.jwt().leeway());
    assertEquals(Duration.ofMinutes(1), c.jwt().jwksRefresh());
  }

  @Test
  void secretsAreNeverPrinted() {
    ServerConfig c = ServerConfig.fromEnv(env("SWITCHBOARD_API_KEY", "api-key-value", "SWITCHBOARD_JWT_SECRET",
        "jwt-secret-value", "SWITCHBOARD_TURN_URLS", "turn:t:3478", "SWITCHBOARD_TURN_SECRET", "turn-secret-value"));
    String text = c.toString();
    for (String secret : new String[] {"api-key-value", "jwt-secret-value", "turn-secret-value"}) {
      assertFalse(text.contains(secret), text);
    }
    assertTrue(text.contains("turn:t:3478"));
  }
}
