package io.switchboard.server.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.switchboard.server.ServerConfig;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Rendered Kubernetes objects (from Helm or kustomize) and the checks every rendering of
 * Switchboard must pass: probes, the drain timing, discovery through a headless Service, secrets
 * referenced and never inlined, the NetworkPolicy, only known settings.
 */
final class Manifests {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** The env variables that carry secrets: always from a Secret. */
  static final Set<String> SECRET_ENV = Set.of("REDIS_URL", "SWITCHBOARD_API_KEY", "SWITCHBOARD_JWT_SECRET",
      "SWITCHBOARD_TURN_SECRET");

  final List<JsonNode> objects;
  final String text;

  Manifests(String yaml) {
    this.text = yaml;
    List<JsonNode> out = new ArrayList<>();
    try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(yaml)) {
      while (it.hasNext()) {
        JsonNode doc = it.next();
        if (doc != null && doc.isObject() && doc.has("kind")) {
          out.add(doc);
        }
      }
    } catch (IOException e) {
      throw new AssertionError("not YAML: " + e.getMessage() + "\n" + yaml, e);
    }
    this.objects = out;
  }

  List<JsonNode> all(String kind) {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode o : objects) {
      if (kind.equals(o.path("kind").asText())) {
        out.add(o);
      }
    }
    return out;
  }

  JsonNode one(String kind, String name) {
    for (JsonNode o : all(kind)) {
      if (name.equals(o.path("metadata").path("name").asText())) {
        return o;
      }
    }
    throw new AssertionError("no " + kind + " " + name + " among " + summary());
  }

  boolean has(String kind) {
    return !all(kind).isEmpty();
  }

  /** The Switchboard Deployment (the one whose container is named switchboard). */
  JsonNode switchboard() {
    for (JsonNode d : all("Deployment")) {
      if ("switchboard".equals(container(d).path("name").asText())) {
        return d;
      }
    }
    throw new AssertionError("no Switchboard Deployment among " + summary());
  }

  static JsonNode container(JsonNode deployment) {
    return deployment.path("spec").path("template").path("spec").path("containers").path(0);
  }

  static Map<String, JsonNode> env(JsonNode deployment) {
    Map<String, JsonNode> env = new HashMap<>();
    for (JsonNode e : container(deployment).path("env")) {
      env.put(e.path("name").asText(), e);
    }
    return env;
  }

  String summary() {
    List<String> s = new ArrayList<>();
    for (JsonNode o : objects) {
      s.add(o.path("kind").asText() + "/" + o.path("metadata").path("name").asText());
    }
    return s.toString();
  }

  /** The settings the Deployment's ConfigMap(s) (envFrom) give the node. */
  Map<String, String> settings(JsonNode deployment) {
    Map<String, String> out = new HashMap<>();
    for (JsonNode from : container(deployment).path("envFrom")) {
      String name = from.path("configMapRef").path("name").asText();
      assertFalse(name.isEmpty(), "envFrom names a ConfigMap");
      JsonNode cm = one("ConfigMap", name);
      for (Iterator<Map.Entry<String, JsonNode>> it = cm.path("data").fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        out.put(e.getKey(), e.getValue().asText());
      }
    }
    return out;
  }

  /**
   * Every rendering's checks. {@code secretsPresent}: Secret names the render must contain itself
   * (others are the user's own, named by {@code externalSecrets}).
   */
  void checkNode(Set<String> externalSecrets) {
    JsonNode d = switchboard();
    JsonNode pod = d.path("spec").path("template").path("spec");
    JsonNode c = container(d);
    Map<String, String> selector = labels(d.path("spec").path("selector").path("matchLabels"));
    assertFalse(selector.isEmpty(), "the Deployment selects by labels");
    assertTrue(labels(d.path("spec").path("template").path("metadata").path("labels")).entrySet().containsAll(
        selector.entrySet()), "the pod template carries the selector's labels");

    // Probes on the health endpoints.
    assertEquals("/health/ready", c.path("readinessProbe").path("httpGet").path("path").asText(), "readiness probe");
    assertEquals("/health/live", c.path("livenessProbe").path("httpGet").path("path").asText(), "liveness probe");
    assertEquals("http", c.path("readinessProbe").path("httpGet").path("port").asText());
    assertTrue(c.has("startupProbe"), "a startup probe covers joining the cluster");
    Set<Integer> ports = new HashSet<>();
    for (JsonNode p : c.path("ports")) {
      ports.add(p.path("containerPort").asInt());
    }
    assertTrue(ports.containsAll(Set.of(4000, 5701)), "container ports " + ports);

    // Settings: only known ones (a typo would stop every pod at start), ports coherent.
    Map<String, String> settings = settings(d);
    Set<String> names = new HashSet<>(settings.keySet());
    env(d).keySet().stream().filter(n -> n.startsWith("SWITCHBOARD_") || n.equals("PORT") || n.equals("REDIS_URL"))
        .forEach(names::add);
    for (String n : names) {
      if (n.startsWith("SWITCHBOARD_") || n.equals("PORT") || n.equals("REDIS_URL")) {
        assertTrue(ServerConfig.SETTINGS.containsKey(n), n + " is not a Switchboard setting");
      }
    }
    for (String secret : SECRET_ENV) {
      assertFalse(settings.containsKey(secret), secret + " must not be in a ConfigMap");
    }
    int busPort = Integer.parseInt(settings.getOrDefault("SWITCHBOARD_CLUSTER_BUS_PORT", "0"));
    assertTrue(busPort > 0, "a fixed event bus port, so the NetworkPolicy can name it");
    assertTrue(ports.contains(busPort), "the event bus port is a container port");

    // Drain timing: preStop sleep + drain + leaving the cluster fit in the grace period.
    JsonNode preStop = c.path("lifecycle").path("preStop").path("exec").path("command");
    assertEquals("sleep", preStop.path(0).asText(), "a preStop sleep lets load balancers notice");
    int sleep = Integer.parseInt(preStop.path(1).asText());
    assertTrue(sleep >= 1 && sleep <= 30, "preStop sleep " + sleep);
    long drainMs = Long.parseLong(settings.getOrDefault("SWITCHBOARD_DRAIN_TIMEOUT_MS",
        ServerConfig.SETTINGS.get("SWITCHBOARD_DRAIN_TIMEOUT_MS")[0]));
    int grace = pod.path("terminationGracePeriodSeconds").asInt();
    assertTrue(grace * 1000L > sleep * 1000L + drainMs + 10_000,
        "terminationGracePeriodSeconds " + grace + " must exceed preStop " + sleep + " s + drain " + drainMs + " ms + 10 s");

    // Discovery: the pod IP announced, the headless Service named.
    JsonNode host = env(d).get("SWITCHBOARD_CLUSTER_HOST");
    assertNotNull(host, "SWITCHBOARD_CLUSTER_HOST is set");
    assertEquals("status.podIP", host.path("valueFrom").path("fieldRef").path("fieldPath").asText());
    String dns = settings.containsKey("SWITCHBOARD_CLUSTER_DNS") ? settings.get("SWITCHBOARD_CLUSTER_DNS")
        : env(d).get("SWITCHBOARD_CLUSTER_DNS").path("value").asText();
    JsonNode headless = headless();
    String headlessName = headless.path("metadata").path("name").asText();
    assertTrue(dns.startsWith(headlessName + "."), "SWITCHBOARD_CLUSTER_DNS " + dns + " names the headless Service "
        + headlessName);
    assertEquals(selector, labels(headless.path("spec").path("selector")), "the headless Service selects the pods");
    assertEquals(Integer.parseInt(settings.getOrDefault("SWITCHBOARD_CLUSTER_PORT", "5701")),
        headless.path("spec").path("ports").path(0).path("port").asInt(), "the headless Service's port is Hazelcast's");

    // A Service for clients.
    boolean clientService = false;
    for (JsonNode s : all("Service")) {
      if (s != headless && labels(s.path("spec").path("selector")).equals(selector)
          && "http".equals(s.path("spec").path("ports").path(0).path("targetPort").asText())) {
        clientService = true;
      }
    }
    assertTrue(clientService, "a Service for clients targets the http port");

    // Secrets: referenced, never inlined.
    Map<String, JsonNode> env = env(d);
    for (String name : SECRET_ENV) {
      JsonNode e = env.get(name);
      assertNotNull(e, name + " is wired");
      assertFalse(e.has("value"), name + " must come from a Secret, not a value");
      JsonNode ref = e.path("valueFrom").path("secretKeyRef");
      String secret = ref.path("name").asText();
      assertFalse(secret.isEmpty(), name + " reads a Secret");
      if (!externalSecrets.contains(secret)) {
        boolean optional = ref.path("optional").asBoolean(false);
        if (!optional) {
          JsonNode s = one("Secret", secret);
          assertTrue(s.path("data").has(ref.path("key").asText()) || s.path("stringData").has(ref.path("key").asText()),
              "Secret " + secret + " holds " + ref.path("key").asText());
        }
      }
    }
    for (JsonNode e : c.path("env")) {
      String n = e.path("name").asText();
      if (n.contains("SECRET") || n.contains("KEY") || n.contains("PASSWORD") || n.equals("REDIS_URL")) {
        assertFalse(e.has("value"), n + " has an inline value");
      }
    }

    // Non-root, no privilege escalation.
    JsonNode podSc = pod.path("securityContext");
    JsonNode sc = c.path("securityContext");
    assertTrue(podSc.path("runAsNonRoot").asBoolean() || sc.path("runAsNonRoot").asBoolean(), "runs as non-root");
    assertFalse(sc.path("allowPrivilegeEscalation").asBoolean(true), "no privilege escalation");

    // NetworkPolicy: Hazelcast and the event bus only from Switchboard pods; HTTP open.
    if (has("NetworkPolicy")) {
      JsonNode np = all("NetworkPolicy").get(0);
      assertEquals(selector, labels(np.path("spec").path("podSelector").path("matchLabels")));
      boolean http = false;
      boolean cluster = false;
      for (JsonNode rule : np.path("spec").path("ingress")) {
        Set<Integer> rulePorts = new HashSet<>();
        for (JsonNode p : rule.path("ports")) {
          rulePorts.add(p.path("port").asInt());
        }
        if (rulePorts.contains(5701)) {
          assertTrue(rule.has("from"), "the Hazelcast port is not open to everyone");
          for (JsonNode from : rule.path("from")) {
            assertEquals(selector, labels(from.path("podSelector").path("matchLabels")),
                "only Switchboard pods reach the Hazelcast port");
          }
          assertTrue(rulePorts.contains(busPort), "the event bus port beside Hazelcast's");
          cluster = true;
        }
        if (rulePorts.contains(4000)) {
          assertFalse(rulePorts.contains(5701));
          http = true;
        }
      }
      assertTrue(http && cluster, "the NetworkPolicy opens HTTP and the cluster ports");
    }
  }

  JsonNode headless() {
    for (JsonNode s : all("Service")) {
      if ("None".equals(s.path("spec").path("clusterIP").asText())) {
        assertTrue(s.path("spec").path("publishNotReadyAddresses").asBoolean(),
            "the headless Service publishes not-ready pods (they must find each other before being ready)");
        return s;
      }
    }
    throw new AssertionError("no headless Service among " + summary());
  }

  static Map<String, String> labels(JsonNode node) {
    Map<String, String> out = new HashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      out.put(e.getKey(), e.getValue().asText());
    }
    return out;
  }

  static {
    YAML.configure(JsonParser.Feature.STRICT_DUPLICATE_DETECTION, true);
  }
}
