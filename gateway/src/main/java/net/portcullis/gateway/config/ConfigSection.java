package net.portcullis.gateway.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One mapping of the document, with the dotted path of its keys for error messages. */
public final class ConfigSection {
    /** A key the loader read: its value in the file (null: not set) and the default it used otherwise. */
    public record Read(String key, Object inFile, Object dflt) { }

    /** What the loader reads, key by key, while {@link #recording} is on in this thread (config show). */
    private static final ThreadLocal<Map<String, Read>> READS = new ThreadLocal<>();

    /** Runs {@code load} and returns every key it read, in the order read; keys read twice keep the last reading. */
    public static <T> Map<String, Read> recording(Loader<T> load) throws ConfigException {
        Map<String, Read> reads = new java.util.LinkedHashMap<>();
        READS.set(reads);
        try {
            load.load();
            return reads;
        } finally {
            READS.remove();
        }
    }

    @FunctionalInterface
    public interface Loader<T> {
        T load() throws ConfigException;
    }

    private void note(String k, Object dflt) {
        Map<String, Read> reads = READS.get();
        if (reads != null) {
            reads.put(key(k), new Read(key(k), map.get(k), dflt));
        }
    }

    private static final Duration MAX_DURATION = Duration.ofDays(3650);
    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)?");
    private static final Pattern SIZE = Pattern.compile("(\\d+)([kKmMgG]?)");
    private final String prefix;
    private final Map<?, ?> map;

    public ConfigSection(String prefix, Map<?, ?> map) {
        this.prefix = prefix;
        this.map = map;
    }

    public String key(String k) {
        return prefix.isEmpty() ? k : prefix + "." + k;
    }

    public void allow(Set<String> known) throws ConfigException {
        for (Object k : map.keySet()) {
            if (!known.contains(String.valueOf(k))) {
                String near = known.stream().filter(x -> distance(x, String.valueOf(k)) <= 2).findFirst()
                        .map(x -> " (did you mean '" + key(x) + "'?)").orElse("");
                throw new ConfigException(key(String.valueOf(k)) + ": unknown key" + near
                        + "; known keys here: " + String.join(", ", new java.util.TreeSet<>(known)));
            }
        }
    }

    /**
     * This section with one more key, for a key that moved here from another section (still read
     * where it was): refused when it is set in both places.
     */
    public ConfigSection withMoved(String k, Object v, String oldKey) throws ConfigException {
        if (map.containsKey(k)) {
            throw ConfigException.of(oldKey, v, "moved to " + key(k) + ", which is set too: keep only " + key(k));
        }
        Map<Object, Object> merged = new java.util.LinkedHashMap<>(map);
        merged.put(k, v);
        return new ConfigSection(prefix, merged);
    }

    public ConfigSection section(String k) throws ConfigException {
        Object v = map.get(k);
        if (v == null) {
            return new ConfigSection(key(k), Map.of());
        }
        if (!(v instanceof Map<?, ?> m)) {
            throw ConfigException.of(key(k), v, "must be a mapping of keys");
        }
        return new ConfigSection(key(k), m);
    }

    /**
     * Whether the key says "off": the word, or the false that YAML 1.1 makes of an unquoted
     * {@code off} (so {@code pause: off} works as {@code pause: "off"} does).
     */
    public boolean off(String k) {
        Object v = map.get(k);
        return Boolean.FALSE.equals(v) || "off".equals(v);
    }

    public Object raw(String k) {
        if (!(map.get(k) instanceof Map)) {
            note(k, null);
        }
        return map.get(k);
    }

    public String string(String k, String dflt) throws ConfigException {
        note(k, dflt);
        Object v = map.get(k);
        if (v == null) {
            return dflt;
        }
        if (v instanceof Map || v instanceof List) {
            throw ConfigException.of(key(k), v, "must be a single value");
        }
        if (Boolean.FALSE.equals(v)) {
            return "off"; // YAML 1.1 reads an unquoted off as false: `listen: off` means off
        }
        return String.valueOf(v).trim();
    }

    public List<String> strings(String k) throws ConfigException {
        note(k, List.of());
        Object v = map.get(k);
        if (v == null) {
            return List.of();
        }
        if (!(v instanceof List<?> l)) {
            throw ConfigException.of(key(k), v, "must be a list, e.g. [a, b]");
        }
        List<String> out = new ArrayList<>();
        for (Object o : l) {
            if (o == null || o instanceof Map || o instanceof List) {
                throw ConfigException.of(key(k), o, "must be a plain value in the list");
            }
            out.add(String.valueOf(o).trim());
        }
        return out;
    }

    public int integer(String k, int dflt, int min, int max) throws ConfigException {
        String s = string(k, null);
        note(k, dflt);
        if (s == null) {
            return dflt;
        }
        if (!s.matches("-?\\d{1,10}")) {
            throw ConfigException.of(key(k), s, "is not a whole number");
        }
        long v = Long.parseLong(s);
        if (v < min || v > max) {
            throw ConfigException.of(key(k), s, "is outside " + min + ".." + max);
        }
        return (int) v;
    }

    /** A number with an optional fraction (0.25), within min..max. */
    public double decimal(String k, double dflt, double min, double max) throws ConfigException {
        String s = string(k, null);
        note(k, dflt);
        if (s == null) {
            return dflt;
        }
        if (!s.matches("-?\\d{1,9}(\\.\\d{1,9})?")) {
            throw ConfigException.of(key(k), s, "is not a number like 0.25");
        }
        double v = Double.parseDouble(s);
        if (v < min || v > max) {
            throw ConfigException.of(key(k), s, "is outside " + min + ".." + max);
        }
        return v;
    }

    public boolean bool(String k, boolean dflt) throws ConfigException {
        note(k, dflt);
        Object v = map.get(k);
        if (v == null) {
            return dflt;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        throw ConfigException.of(key(k), v, "must be true or false");
    }

    public Duration duration(String k, Duration dflt) throws ConfigException {
        String s = string(k, null);
        note(k, dflt == null ? null : Durations.text(dflt));
        if (s == null) {
            return dflt;
        }
        Matcher m = DURATION.matcher(s);
        if (!m.matches()) {
            throw ConfigException.of(key(k), s, "is not a duration (e.g. 500ms, 30s, 5m, 1h)");
        }
        String unit = m.group(2) == null ? "s" : m.group(2);
        Duration d;
        try {
            d = duration(Long.parseLong(m.group(1)), unit);
        } catch (ArithmeticException | NumberFormatException e) {
            d = MAX_DURATION.plusDays(1);
        }
        // Durations become timeouts in milliseconds (int for sockets): ten years is plenty
        if (d.compareTo(MAX_DURATION) > 0) {
            throw ConfigException.of(key(k), s, "is longer than the longest duration allowed (3650d)");
        }
        if (d.isZero()) {
            throw ConfigException.of(key(k), s, "must be longer than zero");
        }
        return d;
    }

    public long size(String k, long dflt, long min) throws ConfigException {
        String s = string(k, null);
        note(k, dflt % (1 << 20) == 0 && dflt > 0 ? dflt / (1 << 20) + "M" : dflt % 1024 == 0 && dflt > 0 ? dflt / 1024 + "K" : dflt);
        if (s == null) {
            return dflt;
        }
        Matcher m = SIZE.matcher(s);
        if (!m.matches()) {
            throw ConfigException.of(key(k), s, "is not a size in bytes (e.g. 1048576, 512K, 25M, 1G)");
        }
        long v;
        try {
            v = bytes(Long.parseLong(m.group(1)), m.group(2));
        } catch (NumberFormatException e) {
            v = Long.MAX_VALUE; // beyond any bound below: refused as out of range, never wrapped
        }
        if (v < min || v > Integer.MAX_VALUE) {
            throw ConfigException.of(key(k), s, "is outside " + min + ".." + Integer.MAX_VALUE + " bytes");
        }
        return v;
    }

    /** Durations as the file writes them (30s, 5m, 1h, 14d), for config show. */
    static final class Durations {
        private Durations() {
        }

        static String text(Duration d) {
            long ms = d.toMillis();
            for (Object[] u : new Object[][] {{86_400_000L, "d"}, {3_600_000L, "h"}, {60_000L, "m"}, {1_000L, "s"}}) {
                long n = (Long) u[0];
                if (ms % n == 0) {
                    return ms / n + (String) u[1];
                }
            }
            return ms + "ms";
        }
    }

    /** n of a unit: ms, s (also ""), m, h, d. @throws ArithmeticException past Duration's range */
    public static Duration duration(long n, String unit) {
        return switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "d" -> Duration.ofDays(n);
            default -> Duration.ofSeconds(n);
        };
    }

    /** n with a size suffix (K, M, G in 1024s, or none); Long.MAX_VALUE when it overflows, so bounds refuse it, never wrap. */
    public static long bytes(long n, String suffix) {
        try {
            return switch (suffix.toUpperCase(Locale.ROOT)) {
                case "K" -> Math.multiplyExact(n, 1024L);
                case "M" -> Math.multiplyExact(n, 1024L * 1024);
                case "G" -> Math.multiplyExact(n, 1024L * 1024 * 1024);
                default -> n;
            };
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            int[] cur = new int[b.length() + 1];
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            prev = cur;
        }
        return prev[b.length()];
    }
}
