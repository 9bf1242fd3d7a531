package dev.slhf.serve.eval;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

/** Accuracy against refinement round, one line per leader. */
final class EvalPlot {

    private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c)};

    private EvalPlot() {}

    static void write(Map<String, RefinementEval.Stats> results, Path file) throws Exception {
        System.setProperty("java.awt.headless", "true");
        int w = 820, h = 500, left = 70, right = 220, top = 50, bottom = 60;
        int pw = w - left - right, ph = h - top - bottom;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString("Held-out accuracy by refinement round", left, 30);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        int rounds = results.values().iterator().next().accuracy().size() - 1;
        for (int y = 0; y <= 10; y += 2) {
            int py = top + ph - ph * y / 10;
            g.setColor(new Color(0xdddddd));
            g.drawLine(left, py, left + pw, py);
            g.setColor(Color.BLACK);
            g.drawString(String.format("%.1f", y / 10.0), left - 30, py + 4);
        }
        for (int k = 0; k <= rounds; k++) {
            int x = left + pw * k / Math.max(1, rounds);
            g.drawString(String.valueOf(k), x - 3, top + ph + 18);
        }
        g.drawString("round (0 = leader draft)", left + pw / 2 - 60, h - 20);
        g.drawRect(left, top, pw, ph);
        int s = 0;
        for (Map.Entry<String, RefinementEval.Stats> e : results.entrySet()) {
            List<Double> acc = e.getValue().accuracy();
            g.setColor(COLORS[s % COLORS.length]);
            g.setStroke(new BasicStroke(2.5f));
            for (int k = 0; k <= rounds; k++) {
                int x = left + pw * k / Math.max(1, rounds), y = top + ph - (int) (ph * acc.get(k));
                g.fillOval(x - 4, y - 4, 8, 8);
                if (k > 0) {
                    int px = left + pw * (k - 1) / Math.max(1, rounds), py = top + ph - (int) (ph * acc.get(k - 1));
                    g.drawLine(px, py, x, y);
                }
            }
            g.fillRect(w - right + 20, top + 20 + s * 22, 14, 14);
            g.setColor(Color.BLACK);
            g.drawString(e.getKey(), w - right + 40, top + 32 + s * 22);
            s++;
        }
        g.dispose();
        Files.createDirectories(file.toAbsolutePath().getParent());
        ImageIO.write(img, "png", file.toFile());
    }
}
