package io.switchboard.loadtest.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * A small line chart rendered headless to PNG (java.awt, no extra dependency): latency on a log
 * axis against either the percentile (HdrHistogram's spectrum view: 90%, 99%, 99.9% equally
 * spaced) or a linear x (the offered rate of a ramp).
 */
public final class Chart {
  /** The x axis. */
  public enum XAxis {
    /** x is a percentile 0..100, drawn as log10(1 / (1 - p/100)). */
    PERCENTILE,
    /** x is linear. */
    LINEAR
  }

  /** One line: a label and (x, y) points; y in milliseconds; {@code color} an index, or -1 for the next one. */
  public record Series(String label, List<double[]> points, boolean dashed, int color) {
    public Series(String label, List<double[]> points, boolean dashed) {
      this(label, points, dashed, -1);
    }
  }

  private static final Color[] COLORS = {
    new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0xff7f0e),
    new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f),
  };
  private static final int W = 1000;
  private static final int H = 600;
  private static final int LEFT = 80;
  private static final int RIGHT = 30;
  private static final int TOP = 50;
  private static final int BOTTOM = 70;

  private final String title;
  private final String xLabel;
  private final XAxis xAxis;
  private final List<Series> series = new ArrayList<>();
  private final List<double[]> hLines = new ArrayList<>();
  private final List<String> hLabels = new ArrayList<>();

  public Chart(String title, String xLabel, XAxis xAxis) {
    this.title = title;
    this.xLabel = xLabel;
    this.xAxis = xAxis;
  }

  public Chart add(Series s) {
    series.add(s);
    return this;
  }

  /** A horizontal reference line at {@code yMs} (e.g. the 50 ms target). */
  public Chart threshold(double yMs, String label) {
    hLines.add(new double[] {yMs});
    hLabels.add(label);
    return this;
  }

  static double px(XAxis axis, double x) {
    if (axis == XAxis.PERCENTILE) {
      double p = Math.min(x, 99.9999) / 100.0;
      return Math.log10(1.0 / (1.0 - p));
    }
    return x;
  }

  public void write(Path file) throws IOException {
    BufferedImage img = render();
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    ImageIO.write(img, "png", file.toFile());
  }

  public BufferedImage render() {
    BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    try {
      draw(g);
    } finally {
      g.dispose();
    }
    return img;
  }

  private void draw(Graphics2D g) {
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, W, H);

    // Ranges.
    double xMin = Double.MAX_VALUE;
    double xMax = -Double.MAX_VALUE;
    double yMin = Double.MAX_VALUE;
    double yMax = -Double.MAX_VALUE;
    for (Series s : series) {
      for (double[] p : s.points()) {
        xMin = Math.min(xMin, px(xAxis, p[0]));
        xMax = Math.max(xMax, px(xAxis, p[0]));
        double y = Math.max(p[1], 0.01);
        yMin = Math.min(yMin, y);
        yMax = Math.max(yMax, y);
      }
    }
    for (double[] h : hLines) {
      yMin = Math.min(yMin, h[0]);
      yMax = Math.max(yMax, h[0]);
    }
    if (xMin > xMax) {
      xMin = 0;
      xMax = 1;
      yMin = 0.1;
      yMax = 10;
    }
    if (xAxis == XAxis.PERCENTILE) {
      xMin = 0;
      xMax = Math.max(xMax, 2); // at least to 99%
      xMax = Math.ceil(xMax - 1e-9);
    } else {
      double pad = (xMax - xMin) * 0.03;
      xMin = Math.max(0, xMin - pad);
      xMax = xMax + pad + (xMax == xMin ? 1 : 0);
    }
    double lyMin = Math.floor(Math.log10(yMin));
    double lyMax = Math.ceil(Math.log10(yMax));
    if (lyMax <= lyMin) {
      lyMax = lyMin + 1;
    }
    final double fx0 = xMin;
    final double fx1 = xMax;
    final double fy0 = lyMin;
    final double fy1 = lyMax;
    int plotW = W - LEFT - RIGHT;
    int plotH = H - TOP - BOTTOM;
    java.util.function.DoubleUnaryOperator sx = x -> LEFT + (px(xAxis, x) - fx0) / (fx1 - fx0) * plotW;
    java.util.function.DoubleUnaryOperator sy = y -> TOP + plotH - (Math.log10(Math.max(y, 0.01)) - fy0)
        / (fy1 - fy0) * plotH;

    // Title.
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
    g.drawString(title, LEFT, 30);

    // Grid and y ticks (decades, with 2 and 5).
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    FontMetrics fm = g.getFontMetrics();
    for (int d = (int) lyMin; d <= (int) lyMax; d++) {
      for (int m : new int[] {1, 2, 5}) {
        double v = m * Math.pow(10, d);
        double l = Math.log10(v);
        if (l < lyMin - 1e-9 || l > lyMax + 1e-9) {
          continue;
        }
        int y = (int) Math.round(sy.applyAsDouble(v));
        g.setColor(m == 1 ? new Color(0xcccccc) : new Color(0xeeeeee));
        g.drawLine(LEFT, y, LEFT + plotW, y);
        g.setColor(Color.DARK_GRAY);
        String t = tick(v);
        g.drawString(t, LEFT - 6 - fm.stringWidth(t), y + 4);
      }
    }
    // x ticks.
    List<double[]> xt = new ArrayList<>();
    if (xAxis == XAxis.PERCENTILE) {
      String[] labels = {"0%", "90%", "99%", "99.9%", "99.99%", "99.999%", "99.9999%"};
      for (int k = 0; k <= (int) xMax && k < labels.length; k++) {
        xt.add(new double[] {100.0 * (1 - Math.pow(10, -k)), k});
      }
      for (double[] t : xt) {
        int x = (int) Math.round(LEFT + (t[1] - fx0) / (fx1 - fx0) * plotW);
        g.setColor(new Color(0xcccccc));
        g.drawLine(x, TOP, x, TOP + plotH);
        g.setColor(Color.DARK_GRAY);
        String s = labels[(int) t[1]];
        g.drawString(s, x - fm.stringWidth(s) / 2, TOP + plotH + 18);
      }
    } else {
      double step = niceStep((xMax - xMin) / 8);
      for (double v = Math.ceil(xMin / step) * step; v <= xMax; v += step) {
        int x = (int) Math.round(sx.applyAsDouble(v));
        g.setColor(new Color(0xeeeeee));
        g.drawLine(x, TOP, x, TOP + plotH);
        g.setColor(Color.DARK_GRAY);
        String s = tick(v);
        g.drawString(s, x - fm.stringWidth(s) / 2, TOP + plotH + 18);
      }
    }
    g.setColor(Color.BLACK);
    g.drawRect(LEFT, TOP, plotW, plotH);
    g.drawString(xLabel, LEFT + plotW / 2 - fm.stringWidth(xLabel) / 2, H - 25);
    Graphics2D gy = (Graphics2D) g.create();
    gy.rotate(-Math.PI / 2);
    String yl = "latency (ms, log scale)";
    gy.drawString(yl, -(TOP + plotH / 2) - fm.stringWidth(yl) / 2, 18);
    gy.dispose();

    // Thresholds.
    for (int i = 0; i < hLines.size(); i++) {
      int y = (int) Math.round(sy.applyAsDouble(hLines.get(i)[0]));
      g.setColor(new Color(0x999999));
      g.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {3, 3}, 0));
      g.drawLine(LEFT, y, LEFT + plotW, y);
      g.drawString(hLabels.get(i), LEFT + plotW - fm.stringWidth(hLabels.get(i)) - 4, y - 4);
    }

    // Series.
    int legendY = TOP + 18;
    for (int i = 0; i < series.size(); i++) {
      Series s = series.get(i);
      Color c = COLORS[(s.color() >= 0 ? s.color() : i) % COLORS.length];
      g.setColor(c);
      g.setStroke(s.dashed()
          ? new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10, new float[] {8, 5}, 0)
          : new BasicStroke(2f));
      Path2D path = new Path2D.Double();
      boolean first = true;
      for (double[] p : s.points()) {
        double x = sx.applyAsDouble(p[0]);
        double y = sy.applyAsDouble(p[1]);
        if (first) {
          path.moveTo(x, y);
          first = false;
        } else {
          path.lineTo(x, y);
        }
        if (xAxis == XAxis.LINEAR) {
          g.fillOval((int) x - 3, (int) y - 3, 6, 6);
        }
      }
      g.draw(path);
      g.setStroke(new BasicStroke(2f));
      g.drawLine(LEFT + 12, legendY - 4, LEFT + 40, legendY - 4);
      g.setColor(Color.BLACK);
      g.drawString(s.label(), LEFT + 46, legendY);
      legendY += 17;
    }
  }

  static double niceStep(double raw) {
    if (raw <= 0) {
      return 1;
    }
    double mag = Math.pow(10, Math.floor(Math.log10(raw)));
    double r = raw / mag;
    double n = r <= 1 ? 1 : r <= 2 ? 2 : r <= 5 ? 5 : 10;
    return n * mag;
  }

  static String tick(double v) {
    if (v >= 1000 && v % 1000 == 0) {
      return String.format(Locale.ROOT, "%.0fk", v / 1000);
    }
    if (v >= 1) {
      return String.format(Locale.ROOT, "%.0f", v);
    }
    return String.format(Locale.ROOT, "%s", Report.fmt(v));
  }
}
