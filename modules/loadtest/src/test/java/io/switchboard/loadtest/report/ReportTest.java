package io.switchboard.loadtest.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.loadtest.stats.Latency;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportTest {
  @TempDir
  Path dir;

  @Test
  void jsonAndTableCarryTheSameNumbers() throws Exception {
    Report r = new Report("relay", "sb-2n", List.of(URI.create("http://127.0.0.1:4001")));
    r.params().put("rate", 1000);
    r.result("relay", "sent", "messages sent", 1000);
    r.result("relay", "lossPercent", "loss", 0.5, "%");
    Latency l = new Latency("relay");
    for (int i = 1; i <= 100; i++) {
      l.recordMicros(i * 100L);
    }
    r.latency("relay", "relay", "end-to-end latency", l.histogram());
    r.problem("5 of 1000 messages lost");
    r.finish(true);
    Path json = dir.resolve("sub/report.json");
    r.writeJson(json);
    JsonNode doc = Report.JSON.readTree(json.toFile());
    assertEquals("relay", doc.path("scenario").asText());
    assertEquals("sb-2n", doc.path("label").asText());
    assertEquals(1000, doc.path("results").path("sent").asLong());
    assertEquals(100, doc.path("latency").path("relay").path("count").asLong());
    assertEquals(9.9, doc.path("latency").path("relay").path("p99Ms").asDouble(), 0.1);
    assertTrue(doc.path("latency").path("relay").path("spectrum").size() > 5);
    assertFalse(doc.path("pass").asBoolean());
    assertEquals(3, doc.path("machine").path("loadAvgEnd").size());

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    r.printTable(new PrintStream(out, true, StandardCharsets.UTF_8));
    String table = out.toString(StandardCharsets.UTF_8);
    assertTrue(table.contains("messages sent"), table);
    assertTrue(table.contains("p99 9.9"), table);
    assertTrue(table.contains("FAIL: 1 problem(s)"), table);
  }

  @Test
  void formatsNumbers() {
    assertEquals("12", Report.fmt(12.0));
    assertEquals("1.50", Report.fmt(1.5));
    assertEquals("123.5", Report.fmt(123.456));
    assertEquals(0.123, Report.round(0.12345), 1e-12);
  }

  @Test
  void chartsRenderToPng() throws Exception {
    System.setProperty("java.awt.headless", "true");
    Path png = dir.resolve("plot.png");
    new Chart("spectrum", "percentile", Chart.XAxis.PERCENTILE)
        .add(new Chart.Series("a", List.of(new double[] {0, 0.5}, new double[] {99, 3}, new double[] {100, 20}), false))
        .add(new Chart.Series("b", List.of(new double[] {0, 1}, new double[] {99.9, 40}), true))
        .threshold(50, "50 ms")
        .write(png);
    BufferedImage img = ImageIO.read(png.toFile());
    assertEquals(1000, img.getWidth());
    assertEquals(600, img.getHeight());

    Path ramp = dir.resolve("ramp.png");
    new Chart("ramp", "rate", Chart.XAxis.LINEAR)
        .add(new Chart.Series("p99", List.of(new double[] {1000, 2}, new double[] {2000, 80}), false))
        .write(ramp);
    assertTrue(Files.size(ramp) > 1000);

    // Nothing to draw still gives a picture.
    new Chart("empty", "x", Chart.XAxis.LINEAR).write(dir.resolve("empty.png"));
  }

  @Test
  void percentileAxisSpreadsTheTail() {
    assertEquals(0, Chart.px(Chart.XAxis.PERCENTILE, 0), 1e-9);
    assertEquals(1, Chart.px(Chart.XAxis.PERCENTILE, 90), 1e-9);
    assertEquals(2, Chart.px(Chart.XAxis.PERCENTILE, 99), 1e-9);
    assertEquals(3, Chart.px(Chart.XAxis.PERCENTILE, 99.9), 1e-6);
    assertEquals(5, Chart.niceStep(4.1), 1e-9);
    assertEquals(1000, Chart.niceStep(900), 1e-9);
  }
}
