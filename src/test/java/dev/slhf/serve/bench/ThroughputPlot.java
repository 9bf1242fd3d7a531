package dev.slhf.serve.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

/** A plain line chart of aggregate tokens/s (relative to one stream) against concurrent streams. */
final class ThroughputPlot {

    private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
        new Color(0xff7f0e), new Color(0x9467bd), new Color(0x8c564b)};

    private ThroughputPlot() {}

    static void write(List<ThroughputBenchmark.Row> rows, Path file) throws Exception {
        System.setProperty("java.awt.headless", "true");
        int w = 900, h = 560, left = 80, right = 260, top = 50, bottom = 70;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        Map<String, List<double[]>> series = new LinkedHashMap<>();
        Map<String, Double> base = new LinkedHashMap<>();
        double maxY = 1;
        for (ThroughputBenchmark.Row r : rows) {
            String key = r.model() + " / " + r.path();
            if (r.streams() == 1) {
                base.put(key, r.aggregate());
            }
            double rel = r.aggregate() / base.getOrDefault(key, r.aggregate());
            series.computeIfAbsent(key, k -> new ArrayList<>()).add(new double[] {r.streams(), rel});
            maxY = Math.max(maxY, rel);
        }
        maxY = Math.ceil(maxY + 0.5);
        int pw = w - left - right, ph = h - top - bottom;
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString("Aggregate tokens/s relative to one stream", left, 30);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.drawRect(left, top, pw, ph);
        int[] xs = ThroughputBenchmark.STREAMS;
        for (int i = 0; i < xs.length; i++) {
            int x = left + (int) (pw * i / (double) (xs.length - 1));
            g.setColor(new Color(0xdddddd));
            g.drawLine(x, top, x, top + ph);
            g.setColor(Color.BLACK);
            g.drawString(String.valueOf(xs[i]), x - 4, top + ph + 18);
        }
        for (int y = 0; y <= maxY; y++) {
            int py = top + ph - (int) (ph * y / maxY);
            g.setColor(new Color(0xdddddd));
            g.drawLine(left, py, left + pw, py);
            g.setColor(Color.BLACK);
            g.drawString(y + "x", left - 30, py + 4);
        }
        g.drawString("concurrent streams", left + pw / 2 - 50, h - 25);
        int s = 0;
        for (Map.Entry<String, List<double[]>> e : series.entrySet()) {
            Color c = COLORS[s % COLORS.length];
            g.setColor(c);
            g.setStroke(new BasicStroke(2.5f));
            int px = -1, py = -1;
            for (double[] p : e.getValue()) {
                int idx = indexOf(xs, (int) p[0]);
                int x = left + (int) (pw * idx / (double) (xs.length - 1));
                int y = top + ph - (int) (ph * p[1] / maxY);
                g.fillOval(x - 4, y - 4, 8, 8);
                if (px >= 0) {
                    g.drawLine(px, py, x, y);
                }
                px = x;
                py = y;
            }
            g.fillRect(w - right + 20, top + 20 + s * 22, 14, 14);
            g.setColor(Color.BLACK);
            g.drawString(e.getKey(), w - right + 40, top + 32 + s * 22);
            s++;
        }
        g.dispose();
        ImageIO.write(img, "png", file.toFile());
    }

    private static int indexOf(int[] xs, int v) {
        for (int i = 0; i < xs.length; i++) {
            if (xs[i] == v) {
                return i;
            }
        }
        return 0;
    }
}
