package net.portcullis.gateway.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A mail transaction written down as a plain-text script, played against either shape (the
 * shared transaction directly, or through the milter adapter) with the same expectations: what
 * the client hears at each step, and what the decision record says. Files in
 * src/test/resources/transcripts; the format:
 *
 * <pre>
 * # a comment
 * config                          the lines below, indented, are added to gateway.yaml
 *   trusted_networks: [192.0.2.0/24]  ({clamd}: the test's clamd; {clamd-down}: a dead port)
 * dns NAME TYPE VALUE             an answer of the in-memory DNS (TIMEOUT: it cannot answer)
 * list black ip 203.0.113.66 why  an entry of the local lists (black or white; ip, domain or address)
 * connect 203.0.113.9 helo.name   the client's address and HELO
 * client pregreet 12              what the wire showed of the client: it talked (12 bytes) before
 * client pipelining               the banner, sent commands before our reply, or ended a command
 * client bare-newline             with a bare LF (the proxy sees these; the milter's MTA does not say)
 * mail a@sender.example => 250    each step and what the client must hear:
 * rcpt b@example.net => 554 5.7.1 Relay     "250", "hold", or a refusal's code, status and the start of its text
 * data => 250                     the message follows, indented, up to a line "."
 *   Subject: hi
 *
 *   body
 * .
 * record "verdict":"accepted"     the decision record contains this (JSON)
 * rules 45-greylist.rules         a local.d override of a shipped rule file, its text indented below
 * clock +6m                       the test's clock moves on (s, m, h, d): no test waits
 * </pre>
 */
public final class Transcript {
    /** A shape a transcript is played through. Each answer: "250", "hold", or "CODE STATUS TEXT" (our reference left out). */
    public interface Shape {
        void connect(InetAddress client, String helo) throws Exception;

        String mail(String sender) throws Exception;

        String rcpt(String recipient) throws Exception;

        String data(byte[] message) throws Exception;

        /** The transaction ends (QUIT, or the MTA's end of message); the record is written. */
        void end() throws Exception;

        /** The connection's facts, for a {@code client} step. */
        net.portcullis.gateway.session.MailSession session();
    }

    private record Line(int number, String verb, String args, String expect, byte[] message) { }

    public final String name;
    private final StringBuilder config = new StringBuilder();
    private final Map<String, String> localRules = new LinkedHashMap<>();
    private final List<String[]> dns = new ArrayList<>();
    private final List<String[]> listEntries = new ArrayList<>();
    private final List<Line> lines = new ArrayList<>();

    private Transcript(String name) {
        this.name = name;
    }

    public static Stream<Transcript> all() throws IOException {
        Path dir = Path.of("src/test/resources/transcripts");
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> sorted = files.filter(p -> p.toString().endsWith(".txt")).sorted().toList();
            List<Transcript> out = new ArrayList<>();
            for (Path p : sorted) {
                out.add(parse(p.getFileName().toString(), Files.readAllLines(p, StandardCharsets.UTF_8)));
            }
            return out.stream();
        }
    }

    static Transcript parse(String name, List<String> text) {
        Transcript t = new Transcript(name);
        for (int i = 0; i < text.size(); i++) {
            String raw = text.get(i);
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int n = i + 1;
            String[] expectSplit = line.split("\\s+=>\\s+", 2);
            String[] words = expectSplit[0].split("\\s+", 2);
            String verb = words[0];
            String args = words.length > 1 ? words[1] : "";
            String expect = expectSplit.length > 1 ? expectSplit[1] : null;
            switch (verb) {
                case "config" -> {
                    while (i + 1 < text.size() && text.get(i + 1).startsWith("  ")) {
                        t.config.append(text.get(++i).substring(2)).append('\n');
                    }
                }
                case "dns" -> t.dns.add(args.split("\\s+", 3));
                case "list" -> t.listEntries.add(args.split("\\s+", 4));
                case "rules" -> {
                    StringBuilder r = new StringBuilder();
                    while (i + 1 < text.size() && (text.get(i + 1).startsWith("  ") || text.get(i + 1).isEmpty())) {
                        r.append(text.get(++i).isEmpty() ? "" : text.get(i).substring(2)).append('\n');
                    }
                    t.localRules.put(args, r.toString());
                }
                case "data" -> {
                    StringBuilder m = new StringBuilder();
                    while (i + 1 < text.size() && !text.get(i + 1).equals(".")) {
                        String l = text.get(++i);
                        m.append(l.startsWith("  ") ? l.substring(2) : l.strip()).append("\r\n");
                    }
                    i++; // the "."
                    t.lines.add(new Line(n, verb, args, expect, m.toString().getBytes(StandardCharsets.UTF_8)));
                }
                case "connect", "mail", "rcpt", "record", "end", "clock", "client" -> t.lines.add(new Line(n, verb, args, expect, null));
                default -> throw new IllegalArgumentException(name + ":" + n + ": unknown step '" + verb + "'");
            }
        }
        return t;
    }

    /**
     * The configuration lines the transcript adds; {@code {clamd}} stands for the test JVM's
     * clamd (ClamdServer), {@code {clamd-down}} for a loopback port nobody listens on, {@code {rspamd}}
     * for its rspamd (RspamdServer).
     */
    public String config() throws Exception {
        String c = config.toString();
        if (c.contains("{clamd}")) {
            c = c.replace("{clamd}", net.portcullis.policy.av.ClamdServer.shared().address());
        }
        if (c.contains("{rspamd}")) {
            c = c.replace("{rspamd}", net.portcullis.policy.content.RspamdServer.shared().url());
        }
        if (c.contains("{clamd-down}")) {
            c = c.replace("{clamd-down}", "127.0.0.1:" + net.portcullis.policy.av.ClamdServer.deadPort());
        }
        return c;
    }

    /** The local.d rule files the transcript adds (file name to text). */
    public Map<String, String> localRules() {
        return localRules;
    }

    /** Plays the transcript through {@code shape}, over a context of {@code ctx} (its DNS filled first). */
    public void play(TestContext ctx, Shape shape) throws Exception {
        for (String[] d : dns) {
            if (d[2].equals("TIMEOUT")) {
                ctx.dns.fail(d[0], d[1]);
            } else {
                ctx.dns.add(d[0], d[1], d[2]);
            }
        }
        for (String[] e : listEntries) {
            ctx.list(e[0], e[1], e[2], e.length > 3 ? e[3] : "listed by the transcript");
        }
        boolean ended = false;
        for (Line l : lines) {
            String where = name + ":" + l.number() + " (" + l.verb() + " " + l.args() + ")";
            switch (l.verb()) {
                case "connect" -> {
                    String[] a = l.args().split("\\s+");
                    shape.connect(InetAddress.getByName(a[0]), a.length > 1 ? a[1] : null);
                }
                case "mail" -> {
                    ended = false; // a new transaction: its record is written when it ends
                    expect(where, l.expect(), shape.mail(l.args()));
                }
                case "rcpt" -> expect(where, l.expect(), shape.rcpt(l.args()));
                case "data" -> expect(where, l.expect(), shape.data(l.message()));
                case "end" -> {
                    shape.end();
                    ended = true;
                }
                case "clock" -> ctx.clock.advance(duration(where, l.args()));
                case "client" -> client(where, shape.session(), l.args().split("\\s+"));
                case "record" -> {
                    if (!ended) {
                        shape.end();
                        ended = true;
                    }
                    assertThat(ctx.lastDecision()).as(where + ": the decision record").contains(l.args());
                }
                default -> throw new IllegalStateException(l.verb());
            }
        }
        if (!ended) {
            shape.end();
        }
    }

    private static void client(String where, net.portcullis.gateway.session.MailSession s, String[] a) {
        switch (a[0]) {
            case "pregreet" -> s.greeting(new net.portcullis.policy.Client.Greeting("waited", Long.parseLong(a[1])));
            case "pipelining" -> s.conduct(() -> new net.portcullis.policy.Client.Conduct(true, false));
            case "bare-newline" -> s.conduct(() -> new net.portcullis.policy.Client.Conduct(false, true));
            default -> throw new IllegalArgumentException(where + ": client takes pregreet N, pipelining or bare-newline");
        }
    }

    private static java.time.Duration duration(String where, String arg) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\+(\\d+)([smhd])").matcher(arg.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException(where + ": clock takes +N with s, m, h or d, like +6m");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "s" -> java.time.Duration.ofSeconds(n);
            case "m" -> java.time.Duration.ofMinutes(n);
            case "h" -> java.time.Duration.ofHours(n);
            default -> java.time.Duration.ofDays(n);
        };
    }

    private static void expect(String where, String expected, String got) {
        if (expected != null) {
            assertThat(got).as(where).startsWith(expected);
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
