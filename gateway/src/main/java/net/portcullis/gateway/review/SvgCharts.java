package net.portcullis.gateway.review;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The overview's charts, drawn here as SVG: two chart shapes do not justify a charting library
 * and its script (the page has none, and must work offline), so this is our own, in presentation
 * attributes only (the Content-Security-Policy allows no inline style).
 */
final class SvgCharts {
    /** Colour-blind-safe palette (Okabe–Ito), then grey for "other". */
    private static final String[] PALETTE = {"#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"};
    private static final String OTHER = "#999999";
    private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("MM-dd HH'h'").withZone(ZoneOffset.UTC);

    private SvgCharts() {
    }

    /**
     * Bars per hour from {@code from} to {@code to}, stacked by series (most counted first; past
     * the palette, the rest are summed as "other").
     */
    static String stackedHours(String id, String title, Map<String, Map<Instant, Long>> series, Instant from, Instant to,
                               Map<String, String> fixedColours) {
        List<Instant> hours = new ArrayList<>();
        for (Instant h = Instant.ofEpochMilli(from.toEpochMilli() / 3_600_000 * 3_600_000); h.isBefore(to); h = h.plus(Duration.ofHours(1))) {
            hours.add(h);
        }
        Map<String, Map<Instant, Long>> shown = topSeries(series);
        Map<String, String> colours = new LinkedHashMap<>();
        int i = 0;
        for (String name : shown.keySet()) {
            colours.put(name, fixedColours.getOrDefault(name, name.equals("other") ? OTHER : PALETTE[i++ % PALETTE.length]));
        }
        long max = 0;
        for (Instant h : hours) {
            long sum = 0;
            for (Map<Instant, Long> m : shown.values()) {
                sum += m.getOrDefault(h, 0L);
            }
            max = Math.max(max, sum);
        }
        max = niceCeiling(max);
        int w = 760;
        int h = 240;
        int left = 48;
        int bottom = 28;
        int plotW = w - left - 8;
        int plotH = h - bottom - 8;
        double bw = (double) plotW / Math.max(1, hours.size());
        StringBuilder b = new StringBuilder();
        b.append("<figure id=\"").append(Html.esc(id)).append("\"><svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ")
                .append(w).append(' ').append(h).append("\" role=\"img\" aria-labelledby=\"").append(Html.esc(id)).append("-t\"><title id=\"")
                .append(Html.esc(id)).append("-t\">").append(Html.esc(title)).append("</title>");
        axis(b, left, plotH, plotW, max);
        for (int x = 0; x < hours.size(); x++) {
            Instant hour = hours.get(x);
            double y = 8 + plotH;
            for (Map.Entry<String, Map<Instant, Long>> s : shown.entrySet()) {
                long n = s.getValue().getOrDefault(hour, 0L);
                if (n == 0) {
                    continue;
                }
                double bh = (double) n * plotH / max;
                y -= bh;
                b.append("<rect x=\"").append(fmt(left + x * bw + 0.5)).append("\" y=\"").append(fmt(y)).append("\" width=\"")
                        .append(fmt(Math.max(1, bw - 1))).append("\" height=\"").append(fmt(bh)).append("\" fill=\"")
                        .append(colours.get(s.getKey())).append("\"><title>").append(Html.esc(HOUR.format(hour) + " " + s.getKey() + ": " + n))
                        .append("</title></rect>");
            }
            int step = hours.size() <= 48 ? 4 : 24;
            if (x % step == 0 && left + x * bw < w - 60) {
                b.append("<text x=\"").append(fmt(left + x * bw)).append("\" y=\"").append(h - 10).append("\" class=\"tick\">")
                        .append(Html.esc(HOUR.format(hour))).append("</text>");
            }
        }
        b.append("</svg><figcaption>").append(Html.esc(title)).append(" (UTC)");
        if (shown.isEmpty()) {
            b.append(": none");
        }
        b.append("<ul class=\"legend\">");
        colours.forEach((name, colour) -> b.append("<li><svg width=\"12\" height=\"12\" aria-hidden=\"true\"><rect width=\"12\" height=\"12\" fill=\"")
                .append(colour).append("\"/></svg> ").append(Html.esc(name)).append(' ').append(total(shown.get(name))).append("</li>"));
        b.append("</ul></figcaption></figure>");
        return b.toString();
    }

    /** Horizontal bars, one per label, longest first (the map's order). */
    static String bars(String id, String title, Map<String, Long> counts, String linkPrefix) {
        long max = Math.max(1, counts.values().stream().mapToLong(Long::longValue).max().orElse(1));
        int rowH = 22;
        int w = 560;
        int labelW = 220;
        int h = Math.max(1, counts.size()) * rowH + 4;
        StringBuilder b = new StringBuilder();
        b.append("<figure id=\"").append(Html.esc(id)).append("\"><svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ")
                .append(w).append(' ').append(h).append("\" role=\"img\" aria-labelledby=\"").append(Html.esc(id)).append("-t\"><title id=\"")
                .append(Html.esc(id)).append("-t\">").append(Html.esc(title)).append("</title>");
        int y = 2;
        for (Map.Entry<String, Long> e : counts.entrySet()) {
            double bw = (double) e.getValue() * (w - labelW - 60) / max;
            String label = e.getKey().length() > 40 ? e.getKey().substring(0, 39) + "…" : e.getKey();
            b.append("<a href=\"").append(Html.esc(linkPrefix + Html.url(e.getKey()))).append("\"><text x=\"").append(labelW - 6)
                    .append("\" y=\"").append(y + 15).append("\" class=\"label\" text-anchor=\"end\">").append(Html.esc(label))
                    .append("</text></a><rect x=\"").append(labelW).append("\" y=\"").append(y + 3).append("\" width=\"").append(fmt(Math.max(1, bw)))
                    .append("\" height=\"").append(rowH - 6).append("\" fill=\"").append(PALETTE[3]).append("\"><title>")
                    .append(Html.esc(e.getKey() + ": " + e.getValue())).append("</title></rect><text x=\"").append(fmt(labelW + bw + 6))
                    .append("\" y=\"").append(y + 15).append("\" class=\"value\">").append(e.getValue()).append("</text>");
            y += rowH;
        }
        b.append("</svg><figcaption>").append(Html.esc(title)).append(counts.isEmpty() ? ": none" : "").append("</figcaption></figure>");
        return b.toString();
    }

    /** The smallest of 2, 4, 10, 20, 40, 100, … at or above n: round numbers for the axis, halved for the middle tick. */
    static long niceCeiling(long n) {
        long base = 1;
        while (true) {
            for (long m : new long[] {2, 4, 10}) {
                if (n <= m * base) {
                    return m * base;
                }
            }
            if (base > Long.MAX_VALUE / 100) {
                return n + (n & 1);
            }
            base *= 10;
        }
    }

    private static void axis(StringBuilder b, int left, int plotH, int plotW, long max) {
        b.append("<line x1=\"").append(left).append("\" y1=\"").append(8 + plotH).append("\" x2=\"").append(left + plotW).append("\" y2=\"")
                .append(8 + plotH).append("\" stroke=\"#666\"/>");
        for (long v : new long[] {0, max / 2, max}) {
            double y = 8 + plotH - (double) v * plotH / max;
            b.append("<text x=\"").append(left - 4).append("\" y=\"").append(fmt(y + 4)).append("\" class=\"tick\" text-anchor=\"end\">")
                    .append(v).append("</text><line x1=\"").append(left).append("\" y1=\"").append(fmt(y)).append("\" x2=\"")
                    .append(left + plotW).append("\" y2=\"").append(fmt(y)).append("\" stroke=\"#ddd\"/>");
        }
    }

    private static Map<String, Map<Instant, Long>> topSeries(Map<String, Map<Instant, Long>> series) {
        List<Map.Entry<String, Map<Instant, Long>>> sorted = new ArrayList<>(series.entrySet());
        sorted.sort((a, c) -> Long.compare(total(c.getValue()), total(a.getValue())));
        Map<String, Map<Instant, Long>> out = new LinkedHashMap<>();
        Map<Instant, Long> other = new java.util.TreeMap<>();
        for (int i = 0; i < sorted.size(); i++) {
            if (i < PALETTE.length - 1) {
                out.put(sorted.get(i).getKey(), sorted.get(i).getValue());
            } else {
                sorted.get(i).getValue().forEach((k, v) -> other.merge(k, v, Long::sum));
            }
        }
        if (!other.isEmpty()) {
            out.put("other", other);
        }
        return out;
    }

    private static long total(Map<Instant, Long> m) {
        return m.values().stream().mapToLong(Long::longValue).sum();
    }

    private static String fmt(double d) {
        return String.format(java.util.Locale.ROOT, "%.1f", d);
    }
}
