package io.switchboard.server.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A scrape of a node's {@code /metrics}, parsed: series (name and labels) to value. */
final class Prometheus {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*\\})?\\s+(\\S+)");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  private record Series(String name, Map<String, String> labels) { }

  private final String text;
  private final Map<Series, Double> samples = new LinkedHashMap<>();
  private final Set<String> names = new TreeSet<>();

  private Prometheus(String text) {
    this.text = text;
    for (String line : text.split("\n")) {
      if (line.startsWith("#") || line.isBlank()) {
        continue;
      }
      Matcher m = SAMPLE.matcher(line);
      assertTrue(m.find(), "not a Prometheus sample line: " + line);
      Map<String, String> labels = new LinkedHashMap<>();
      if (m.group(2) != null) {
        Matcher l = LABEL.matcher(m.group(2));
        while (l.find()) {
          labels.put(l.group(1), l.group(2));
        }
      }
      samples.put(new Series(m.group(1), labels), Double.parseDouble(m.group(3)));
      names.add(m.group(1));
    }
  }

  static HttpResponse<String> get(int port, String path) {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
          .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new AssertionError("GET " + path + " on port " + port + " failed: " + e, e);
    }
  }

  static Prometheus scrape(int port) {
    HttpResponse<String> res = get(port, "/metrics");
    assertEquals(200, res.statusCode(), res.body());
    String type = res.headers().firstValue("content-type").orElse("");
    assertTrue(type.startsWith("text/plain") && type.contains("version=0.0.4"), "content type " + type);
    return new Prometheus(res.body());
  }

  /** The sample's value; 0 when the series is absent. {@code labels}: name, value pairs that must all match. */
  double value(String name, String... labels) {
    double sum = 0;
    boolean found = false;
    for (Map.Entry<Series, Double> e : samples.entrySet()) {
      if (e.getKey().name().equals(name) && matches(e.getKey().labels(), labels)) {
        sum += e.getValue();
        found = true;
      }
    }
    return found ? sum : 0;
  }

  boolean has(String name, String... labels) {
    for (Series s : samples.keySet()) {
      if (s.name().equals(name) && matches(s.labels(), labels)) {
        return true;
      }
    }
    return false;
  }

  /** The values a label takes across the series of {@code name}. */
  Set<String> labelValues(String name, String label) {
    Set<String> out = new TreeSet<>();
    for (Series s : samples.keySet()) {
      if (s.name().equals(name) && s.labels().containsKey(label)) {
        out.add(s.labels().get(label));
      }
    }
    return out;
  }

  /** Every sample name (histograms contribute their _bucket, _count, _sum and _max). */
  Set<String> names() {
    return names;
  }

  String text() {
    return text;
  }

  private static boolean matches(Map<String, String> have, String... want) {
    for (int i = 0; i + 1 < want.length; i += 2) {
      if (!want[i + 1].equals(have.get(want[i]))) {
        return false;
      }
    }
    return true;
  }
}
