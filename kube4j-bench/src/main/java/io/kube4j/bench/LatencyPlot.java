package io.kube4j.bench;

import javax.imageio.ImageIO;
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
import java.util.List;
import java.util.TreeSet;

/**
 * Draws latency curves into a PNG with java.awt (headless, no extra dependency): x is logarithmic (base 2, ticks at
 * the measured x values), y logarithmic (decades). Called by benchmarks after their run, from one thread.
 */
final class LatencyPlot {
    private static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
            new Color(0x9467bd), new Color(0xff7f0e), new Color(0x8c564b), new Color(0x17becf)};
    private static final int WIDTH = 960;
    private static final int HEIGHT = 600;
    private static final int LEFT = 80;
    private static final int RIGHT = 200;
    private static final int TOP = 50;
    private static final int BOTTOM = 60;

    /**
     * One curve: points {x, y} in order of x; {@code color} indexes the palette; {@code dashed} draws it dashed.
     */
    record Series(String name, int color, boolean dashed, List<double[]> points) {
    }

    static {
        // no display on a benchmark machine; must be set before the first AWT class initialises
        System.setProperty("java.awt.headless", "true");
    }

    private LatencyPlot() {
    }

    static void write(Path png, String title, String xLabel, String yLabel, List<Series> series) throws IOException {
        TreeSet<Double> xs = new TreeSet<>();
        double yMin = Double.MAX_VALUE;
        double yMax = 0;
        for (Series s : series) {
            for (double[] p : s.points()) {
                if (p[0] > 0 && p[1] > 0 && Double.isFinite(p[1])) {
                    xs.add(p[0]);
                    yMin = Math.min(yMin, p[1]);
                    yMax = Math.max(yMax, p[1]);
                }
            }
        }
        if (xs.isEmpty()) {
            xs.add(1.0);
            yMin = 1;
            yMax = 10;
        }
        double lx0 = log2(xs.first());
        double lx1 = Math.max(lx0 + 1, log2(xs.last()));
        double ly0 = Math.floor(Math.log10(yMin));
        double ly1 = Math.max(ly0 + 1, Math.ceil(Math.log10(yMax)));
        int plotW = WIDTH - LEFT - RIGHT;
        int plotH = HEIGHT - TOP - BOTTOM;

        BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
            g.setColor(Color.BLACK);
            g.drawString(title, LEFT, 28);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            FontMetrics fm = g.getFontMetrics();
            // grid and y ticks: 1, 2, 5 per decade
            for (int d = (int) ly0; d <= (int) ly1; d++) {
                for (int m : new int[]{1, 2, 5}) {
                    double v = m * Math.pow(10, d);
                    double lv = Math.log10(v);
                    if (lv < ly0 || lv > ly1) {
                        continue;
                    }
                    int y = TOP + plotH - (int) Math.round((lv - ly0) / (ly1 - ly0) * plotH);
                    g.setColor(m == 1 ? new Color(0xcccccc) : new Color(0xeeeeee));
                    g.drawLine(LEFT, y, LEFT + plotW, y);
                    g.setColor(Color.DARK_GRAY);
                    String label = v >= 1 ? String.format("%.0f", v) : String.format("%s", (float) v);
                    g.drawString(label, LEFT - 8 - fm.stringWidth(label), y + 4);
                }
            }
            for (double x : xs) {
                int px = LEFT + (int) Math.round((log2(x) - lx0) / (lx1 - lx0) * plotW);
                g.setColor(new Color(0xeeeeee));
                g.drawLine(px, TOP, px, TOP + plotH);
                g.setColor(Color.DARK_GRAY);
                String label = String.format("%.0f", x);
                g.drawString(label, px - fm.stringWidth(label) / 2, TOP + plotH + 18);
            }
            g.setColor(Color.BLACK);
            g.drawRect(LEFT, TOP, plotW, plotH);
            g.drawString(xLabel, LEFT + plotW / 2 - fm.stringWidth(xLabel) / 2, HEIGHT - 18);
            Graphics2D gy = (Graphics2D) g.create();
            gy.rotate(-Math.PI / 2);
            gy.drawString(yLabel + " (log)", -(TOP + plotH / 2 + fm.stringWidth(yLabel) / 2), 22);
            gy.dispose();

            int legendY = TOP + 10;
            for (Series s : series) {
                Color c = PALETTE[Math.floorMod(s.color(), PALETTE.length)];
                g.setColor(c);
                g.setStroke(s.dashed() ? new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 1f,
                        new float[]{6f, 5f}, 0f) : new BasicStroke(2.2f));
                Path2D line = new Path2D.Double();
                boolean started = false;
                for (double[] p : s.points()) {
                    if (!(p[0] > 0 && p[1] > 0 && Double.isFinite(p[1]))) {
                        continue;
                    }
                    double px = LEFT + (log2(p[0]) - lx0) / (lx1 - lx0) * plotW;
                    double py = TOP + plotH - (Math.log10(p[1]) - ly0) / (ly1 - ly0) * plotH;
                    if (started) {
                        line.lineTo(px, py);
                    } else {
                        line.moveTo(px, py);
                        started = true;
                    }
                    g.fillOval((int) px - 3, (int) py - 3, 7, 7);
                }
                g.draw(line);
                g.drawLine(LEFT + plotW + 15, legendY, LEFT + plotW + 45, legendY);
                g.setStroke(new BasicStroke(1f));
                g.setColor(Color.BLACK);
                g.drawString(s.name(), LEFT + plotW + 52, legendY + 4);
                legendY += 18;
            }
        } finally {
            g.dispose();
        }
        Files.createDirectories(png.toAbsolutePath().getParent());
        if (!ImageIO.write(img, "png", png.toFile())) {
            throw new IOException("no PNG writer");
        }
    }

    private static double log2(double v) {
        return Math.log(v) / Math.log(2);
    }
}
