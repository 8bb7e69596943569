package io.switchboard.server.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.Release;
import com.marcnuri.helm.TemplateCommand;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The chart in {@code deploy/helm/switchboard}, linted and rendered by a real Helm 3 (embedded by
 * helm-java, offline) with its default values, the production values and a few variants; the
 * rendered objects are parsed and checked.
 */
class HelmChartTest {
  private static final Path CHART = Repo.path("deploy/helm/switchboard");
  private static final String NS = "signal";

  private static Manifests render(UnaryOperator<TemplateCommand> values) {
    TemplateCommand cmd = new Helm(CHART).template().withName("sb").withNamespace(NS);
    return new Manifests(values.apply(cmd).call());
  }

  private static Manifests production() {
    return render(t -> t.withValuesFile(CHART.resolve("values-production.yaml")));
  }

  @Test
  void lintsCleanly() {
    LintResult lint = new Helm(CHART).lint().strict().call();
    assertFalse(lint.isFailed(), "helm lint --strict: " + lint.getMessages());
  }

  @Test
  void defaultValuesStartATrialClusterWithItsOwnRedis() {
    Manifests m = render(t -> t);
    m.checkNode(Set.of());
    JsonNode d = m.switchboard();
    assertEquals("sb-switchboard", d.path("metadata").path("name").asText());
    assertEquals(2, d.path("spec").path("replicas").asInt(), "two nodes by default: a cluster");
    assertEquals("switchboard:0.1.0", Manifests.container(d).path("image").asText(), "the appVersion is the tag");
    Map<String, String> settings = m.settings(d);
    assertEquals("sb-switchboard-hazelcast." + NS + ".svc.cluster.local", settings.get("SWITCHBOARD_CLUSTER_DNS"));
    assertEquals("standalone", settings.get("SWITCHBOARD_REDIS_TYPE"));
    assertEquals("json", settings.get("SWITCHBOARD_LOG_FORMAT"));
    // The bundled Redis: a Deployment, a Service, and its URL in a Secret the node reads.
    JsonNode redis = m.one("Deployment", "sb-switchboard-redis");
    assertEquals("redis", Manifests.container(redis).path("name").asText());
    m.one("Service", "sb-switchboard-redis");
    JsonNode url = Manifests.env(d).get("REDIS_URL").path("valueFrom").path("secretKeyRef");
    JsonNode secret = m.one("Secret", url.path("name").asText());
    assertEquals("redis://sb-switchboard-redis:6379", decode(secret.path("data").path(url.path("key").asText())));
    // No API key, no JWT: the chart's Secret holds nothing, and no empty keys.
    assertEquals(0, m.one("Secret", "sb-switchboard-secrets").path("data").size());
    // A PDB, a NetworkPolicy; no HPA, Ingress, ServiceMonitor or dashboard unless asked.
    assertEquals(1, m.one("PodDisruptionBudget", "sb-switchboard").path("spec").path("maxUnavailable").asInt());
    assertTrue(m.has("NetworkPolicy"));
    assertFalse(m.has("HorizontalPodAutoscaler"));
    assertFalse(m.has("Ingress"));
    assertFalse(m.has("ServiceMonitor"));
    assertEquals(1, m.all("ConfigMap").size());
    // The checksum annotations roll the pods when the settings or secrets change.
    JsonNode annotations = d.path("spec").path("template").path("metadata").path("annotations");
    assertTrue(annotations.has("checksum/config") && annotations.has("checksum/secret"));
  }

  @Test
  void productionValuesAutoscaleBehindAWebSocketIngressAndAreScraped() throws Exception {
    Manifests m = production();
    m.checkNode(Set.of("switchboard-secrets", "switchboard-redis"));
    JsonNode d = m.switchboard();
    assertFalse(d.path("spec").has("replicas"), "the HPA owns the replica count");
    JsonNode hpa = m.one("HorizontalPodAutoscaler", "sb-switchboard");
    assertEquals(3, hpa.path("spec").path("minReplicas").asInt());
    assertEquals(12, hpa.path("spec").path("maxReplicas").asInt());
    assertEquals("sb-switchboard", hpa.path("spec").path("scaleTargetRef").path("name").asText());
    assertEquals(70, hpa.path("spec").path("metrics").path(0).path("resource").path("target").path("averageUtilization")
        .asInt());
    assertTrue(hpa.path("spec").path("behavior").path("scaleDown").path("stabilizationWindowSeconds").asInt() >= 300,
        "scale-down is slow: each removed pod drains its clients onto the others");
    assertEquals(1, m.one("PodDisruptionBudget", "sb-switchboard").path("spec").path("maxUnavailable").asInt());

    // Secrets come from the user's Secrets: none rendered, none inlined.
    assertFalse(m.has("Secret"), "with existing Secrets the chart renders none: " + m.summary());
    Map<String, JsonNode> env = Manifests.env(d);
    assertEquals("switchboard-redis", env.get("REDIS_URL").path("valueFrom").path("secretKeyRef").path("name").asText());
    assertEquals("redis-urls", env.get("REDIS_URL").path("valueFrom").path("secretKeyRef").path("key").asText());
    assertEquals("switchboard-secrets",
        env.get("SWITCHBOARD_JWT_SECRET").path("valueFrom").path("secretKeyRef").path("name").asText());
    Map<String, String> settings = m.settings(d);
    assertEquals("sentinel", settings.get("SWITCHBOARD_REDIS_TYPE"));
    assertEquals("mymaster", settings.get("SWITCHBOARD_REDIS_MASTER"));
    assertEquals("https://id.example.org/", settings.get("SWITCHBOARD_JWT_ISSUER"));
    assertTrue(settings.get("SWITCHBOARD_TURN_URLS").startsWith("turn:turn.example.org:3478"));

    // Ingress: WebSocket-friendly timeouts, only /socket.io/ and /api/ routed, TLS.
    JsonNode ingress = m.one("Ingress", "sb-switchboard");
    JsonNode ann = ingress.path("metadata").path("annotations");
    assertTrue(ann.path("nginx.ingress.kubernetes.io/proxy-read-timeout").asInt() >= 3600);
    assertTrue(ann.path("nginx.ingress.kubernetes.io/proxy-send-timeout").asInt() >= 3600);
    assertEquals("nginx", ingress.path("spec").path("ingressClassName").asText());
    List<String> paths = new ArrayList<>();
    for (JsonNode p : ingress.path("spec").path("rules").path(0).path("http").path("paths")) {
      paths.add(p.path("path").asText());
      assertEquals("http", p.path("backend").path("service").path("port").path("name").asText());
    }
    assertEquals(List.of("/socket.io/", "/api/"), paths, "/metrics and /health are not routed outside");
    assertEquals("signal.example.org", ingress.path("spec").path("tls").path(0).path("hosts").path(0).asText());

    // Prometheus Operator and Grafana.
    JsonNode sm = m.one("ServiceMonitor", "sb-switchboard");
    assertEquals("/metrics", sm.path("spec").path("endpoints").path(0).path("path").asText());
    assertEquals("http", sm.path("spec").path("endpoints").path(0).path("port").asText());
    assertEquals("kube-prometheus-stack", sm.path("metadata").path("labels").path("release").asText());
    assertEquals(Manifests.labels(d.path("spec").path("selector").path("matchLabels")),
        Manifests.labels(sm.path("spec").path("selector").path("matchLabels")));
    JsonNode dashboard = m.one("ConfigMap", "sb-switchboard-dashboard");
    assertEquals("1", dashboard.path("metadata").path("labels").path("grafana_dashboard").asText());
    ObjectMapper json = new ObjectMapper();
    assertEquals(json.readTree(Repo.read("deploy/grafana/switchboard.json")),
        json.readTree(dashboard.path("data").path("switchboard.json").asText()),
        "the chart's dashboard is deploy/grafana/switchboard.json (copy it into the chart's dashboards/)");

    // Spread over zones and hosts, the constraints given the pods' labels.
    JsonNode spread = d.path("spec").path("template").path("spec").path("topologySpreadConstraints");
    assertEquals(2, spread.size());
    assertEquals(Manifests.labels(d.path("spec").path("selector").path("matchLabels")),
        Manifests.labels(spread.path(0).path("labelSelector").path("matchLabels")));
  }

  @Test
  void secretValuesLandOnlyInTheChartsSecret() {
    String apiKey = "api-key-9f2c1e0d7b6a";
    String jwt = "jwt-secret-3c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f";
    String turn = "turn-secret-77aa55";
    String redisPassword = "redis-pass-0c0ffee";
    Manifests m = render(t -> t.set("api.key", apiKey).set("auth.jwt.secret", jwt).set("ice.turnSecret", turn)
        .set("ice.turnUrls[0]", "turn:turn.example.org:3478").set("redis.mode", "external")
        .set("redis.url", "redis://:" + redisPassword + "@redis.example.org:6379"));
    m.checkNode(Set.of());
    for (String secret : List.of(apiKey, jwt, turn, redisPassword)) {
      assertFalse(m.text.contains(secret), "a secret value appears in clear in the rendered manifests");
    }
    JsonNode own = m.one("Secret", "sb-switchboard-secrets");
    assertEquals(apiKey, decode(own.path("data").path("api-key")));
    assertEquals(jwt, decode(own.path("data").path("jwt-secret")));
    assertEquals(turn, decode(own.path("data").path("turn-secret")));
    JsonNode url = Manifests.env(m.switchboard()).get("REDIS_URL").path("valueFrom").path("secretKeyRef");
    assertTrue(decode(m.one("Secret", url.path("name").asText()).path("data").path(url.path("key").asText()))
        .contains(redisPassword));
    assertFalse(m.has("Service") && m.all("Deployment").size() > 1, "an external Redis: no bundled one");
  }

  @Test
  void rendersThatCouldNotRunAreRefused() {
    assertRefused(t -> t.set("lifecycle.terminationGracePeriodSeconds", 20), "terminationGracePeriodSeconds");
    assertRefused(t -> t.set("lifecycle.drainTimeoutMs", 60000), "terminationGracePeriodSeconds");
    assertRefused(t -> t.set("redis.mode", "external"), "redis.url");
    assertRefused(t -> t.set("redis.mode", "memcached"), "redis.mode");
    assertRefused(t -> t.set("ice.turnUrls[0]", "turn:t.example.org:3478"), "turnSecret");
    assertRefused(t -> t.set("auth.jwt.secret", "s").set("auth.jwt.jwksUrl", "https://id.example.org/jwks"), "not both");
    // A longer grace period makes room for a longer drain.
    Manifests ok = render(t -> t.set("lifecycle.drainTimeoutMs", 60000).set("lifecycle.terminationGracePeriodSeconds", 90));
    ok.checkNode(Set.of());
    assertEquals(90, ok.switchboard().path("spec").path("template").path("spec").path("terminationGracePeriodSeconds")
        .asInt());
  }

  @Test
  void aSingleNodeHasNoDisruptionBudgetAndSentinelAndClusterModesAreWired() {
    Manifests single = render(t -> t.set("replicaCount", 1));
    assertFalse(single.has("PodDisruptionBudget"), "one pod cannot keep one available");
    Manifests cluster = render(t -> t.set("redis.mode", "cluster").set("redis.cluster.urls[0]", "redis://rc-0:6379")
        .set("redis.cluster.urls[1]", "redis://rc-1:6379"));
    cluster.checkNode(Set.of());
    assertEquals("cluster", cluster.settings(cluster.switchboard()).get("SWITCHBOARD_REDIS_TYPE"));
    JsonNode url = Manifests.env(cluster.switchboard()).get("REDIS_URL").path("valueFrom").path("secretKeyRef");
    assertEquals("redis://rc-0:6379,redis://rc-1:6379",
        decode(cluster.one("Secret", url.path("name").asText()).path("data").path(url.path("key").asText())));
    assertFalse(cluster.all("Deployment").size() > 1, "no bundled Redis");
  }

  @Test
  void notesTellHowToConnectASocketIoClient() {
    Release dry = new Helm(CHART).install().withName("sb").withNamespace(NS).dryRun().clientOnly().call();
    String out = dry.getOutput();
    assertTrue(out.contains("NOTES:"), out);
    String notes = out.substring(out.indexOf("NOTES:"));
    assertTrue(notes.contains("import { io } from \"socket.io-client\""), notes);
    assertTrue(notes.contains("kubectl -n " + NS + " port-forward service/sb-switchboard 4000:80"), notes);
    assertTrue(notes.contains("io(\"http://localhost:4000\")"), notes);
    assertTrue(notes.contains("redis.mode=bundled"), "the trial Redis is called out: " + notes);
    Release prod = new Helm(CHART).install().withName("sb").withNamespace(NS)
        .withValuesFile(CHART.resolve("values-production.yaml")).dryRun().clientOnly().call();
    String prodNotes = prod.getOutput().substring(prod.getOutput().indexOf("NOTES:"));
    assertTrue(prodNotes.contains("io(\"https://signal.example.org\", { auth: { token } })"), prodNotes);
    assertFalse(prodNotes.contains("WARNING"), prodNotes);
  }

  private static void assertRefused(UnaryOperator<TemplateCommand> values, String why) {
    Exception e = assertThrows(Exception.class, () -> render(values));
    assertTrue(String.valueOf(e.getMessage()).contains(why), "refused for " + why + ": " + e.getMessage());
  }

  private static String decode(JsonNode base64) {
    return new String(java.util.Base64.getDecoder().decode(base64.asText()), java.nio.charset.StandardCharsets.UTF_8);
  }
}
