package io.switchboard.server.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code k8s/}: the base and every overlay rendered by {@code kubectl kustomize}, and the objects
 * checked as the chart's are. Without kubectl the tests are skipped with a message, except in CI
 * ({@code CI=true}), where they fail.
 */
class KustomizeTest {
  private static String kubectl;

  @BeforeAll
  static void findKubectl() {
    kubectl = onPath("kubectl");
    if (kubectl == null) {
      String why = "kubectl is not on PATH: the kustomize overlays in k8s/ are not rendered";
      if (Repo.inCi()) {
        throw new AssertionError(why + " (CI must provide kubectl)");
      }
      Assumptions.abort(why + " (install kubectl to run these tests)");
    }
  }

  @Test
  void everyOverlayRendersAndPassesTheNodeChecks() throws Exception {
    List<Path> dirs = new ArrayList<>();
    dirs.add(Repo.path("k8s/base"));
    try (Stream<Path> overlays = Files.list(Repo.path("k8s/overlays"))) {
      overlays.filter(Files::isDirectory).sorted().forEach(dirs::add);
    }
    assertTrue(dirs.size() >= 4, "base, dev, dev-redis and production: " + dirs);
    for (Path dir : dirs) {
      Manifests m = kustomize(dir);
      try {
        m.checkNode(Set.of("switchboard-secrets"));
      } catch (AssertionError e) {
        throw new AssertionError(Repo.root().relativize(dir) + ": " + e.getMessage(), e);
      }
    }
  }

  @Test
  void baseHasEveryPieceAndNoSecretValue() throws Exception {
    Manifests m = kustomize(Repo.path("k8s/base"));
    assertFalse(m.has("Secret"), "the base holds no Secret (values are the user's)");
    for (String kind : List.of("Deployment", "Service", "ConfigMap", "PodDisruptionBudget", "HorizontalPodAutoscaler",
        "NetworkPolicy", "ServiceAccount")) {
      assertTrue(m.has(kind), "the base has a " + kind + ": " + m.summary());
    }
    JsonNode d = m.switchboard();
    for (String name : Manifests.SECRET_ENV) {
      assertEquals("switchboard-secrets",
          Manifests.env(d).get(name).path("valueFrom").path("secretKeyRef").path("name").asText(), name);
    }
    assertEquals("switchboard-hazelcast.$(POD_NAMESPACE).svc.cluster.local",
        Manifests.env(d).get("SWITCHBOARD_CLUSTER_DNS").path("value").asText());
    assertEquals("metadata.namespace",
        Manifests.env(d).get("POD_NAMESPACE").path("valueFrom").path("fieldRef").path("fieldPath").asText());
    JsonNode hpa = m.one("HorizontalPodAutoscaler", "switchboard");
    assertEquals("switchboard", hpa.path("spec").path("scaleTargetRef").path("name").asText());
    assertTrue(hpa.path("spec").path("minReplicas").asInt() >= 2);
    assertTrue(hpa.path("spec").path("maxReplicas").asInt() >= hpa.path("spec").path("minReplicas").asInt());
  }

  @Test
  void devIsOneNodeInMemoryWithoutAutoscalerOrBudget() throws Exception {
    Manifests m = kustomize(Repo.path("k8s/overlays/dev"));
    JsonNode d = m.switchboard();
    assertEquals(1, d.path("spec").path("replicas").asInt());
    assertEquals("switchboard-dev", d.path("metadata").path("namespace").asText());
    assertFalse(m.has("HorizontalPodAutoscaler"));
    assertFalse(m.has("PodDisruptionBudget"), "one pod cannot keep one available");
    assertFalse(m.has("Secret"));
    Map<String, String> settings = m.settings(d);
    assertEquals("true", settings.get("SWITCHBOARD_MEETINGS_AUTO_CREATE"));
    assertEquals("text", settings.get("SWITCHBOARD_LOG_FORMAT"));
  }

  @Test
  void devRedisAddsATrialRedisAndPointsTheNodeAtIt() throws Exception {
    Manifests m = kustomize(Repo.path("k8s/overlays/dev-redis"));
    JsonNode redis = m.one("Deployment", "switchboard-redis");
    assertEquals("redis", Manifests.container(redis).path("name").asText());
    JsonNode service = m.one("Service", "switchboard-redis");
    assertEquals(6379, service.path("spec").path("ports").path(0).path("port").asInt());
    JsonNode ref = Manifests.env(m.switchboard()).get("REDIS_URL").path("valueFrom").path("secretKeyRef");
    JsonNode secret = m.one("Secret", ref.path("name").asText());
    assertTrue(ref.path("name").asText().startsWith("switchboard-secrets-"), "the generated Secret's hashed name");
    assertEquals("switchboard-dev", secret.path("metadata").path("namespace").asText());
    assertEquals("redis://switchboard-redis:6379",
        new String(Base64.getDecoder().decode(secret.path("data").path("redis-url").asText()), StandardCharsets.UTF_8));
  }

  @Test
  void productionRunsThreeNodesOrMoreAndRequiresRedis() throws Exception {
    Manifests m = kustomize(Repo.path("k8s/overlays/production"));
    JsonNode d = m.switchboard();
    assertEquals(3, d.path("spec").path("replicas").asInt());
    assertEquals("switchboard", d.path("metadata").path("namespace").asText());
    assertEquals("registry.example.com/switchboard:0.1.0", Manifests.container(d).path("image").asText());
    JsonNode url = Manifests.env(d).get("REDIS_URL").path("valueFrom").path("secretKeyRef");
    assertEquals("switchboard-secrets", url.path("name").asText());
    assertFalse(url.path("optional").asBoolean(true), "production does not start without Redis");
    JsonNode hpa = m.one("HorizontalPodAutoscaler", "switchboard");
    assertEquals(3, hpa.path("spec").path("minReplicas").asInt());
    assertEquals(12, hpa.path("spec").path("maxReplicas").asInt());
    assertEquals(1, m.one("PodDisruptionBudget", "switchboard").path("spec").path("maxUnavailable").asInt());
    JsonNode spread = d.path("spec").path("template").path("spec").path("topologySpreadConstraints");
    assertEquals(2, spread.size(), "spread over zones and hosts");
    assertFalse(m.has("Secret"), "production's secrets are the user's");
  }

  private static Manifests kustomize(Path dir) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(kubectl, "kustomize", dir.toString()).redirectErrorStream(false).start();
    byte[] out = p.getInputStream().readAllBytes();
    byte[] err = p.getErrorStream().readAllBytes();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "kubectl kustomize " + dir + " finished");
    assertEquals(0, p.exitValue(), "kubectl kustomize " + dir + ": " + new String(err, StandardCharsets.UTF_8));
    return new Manifests(new String(out, StandardCharsets.UTF_8));
  }

  private static String onPath(String binary) {
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    for (String dir : path.split(java.io.File.pathSeparator)) {
      Path candidate = Path.of(dir, binary);
      if (Files.isExecutable(candidate)) {
        return candidate.toString();
      }
    }
    return null;
  }
}
