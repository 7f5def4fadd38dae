package net.portcullis.gateway.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import net.portcullis.gateway.app.ConfigLoader;
import net.portcullis.gateway.config.ConfigException;
import net.portcullis.policy.store.ListEntry;
import net.portcullis.policy.store.ListStore;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "list", description = "The local black and white lists: add, remove, show, import, export.",
        subcommands = {ListCommand.Add.class, ListCommand.Remove.class, ListCommand.Show.class, ListCommand.Import.class,
                ListCommand.Export.class})
final class ListCommand {

    /** What an entry is about: exactly one of --ip, --domain, --address, --link. */
    static final class Target {
        @Option(names = "--ip", description = "an IPv4/IPv6 address or CIDR range") String ip;
        @Option(names = "--domain", description = "a domain (and its subdomains)") String domain;
        @Option(names = "--address", description = "an envelope address") String address;
        @Option(names = "--link", description = "a domain (and its subdomains) that links in message bodies point to") String link;

        ListEntry.Kind kind() {
            return ip != null ? ListEntry.Kind.IP : domain != null ? ListEntry.Kind.DOMAIN : link != null ? ListEntry.Kind.LINK
                    : ListEntry.Kind.ADDRESS;
        }

        String value() {
            return ip != null ? ip : domain != null ? domain : link != null ? link : address;
        }
    }

    abstract static class Base extends StoreCommand {
        @Option(names = "--white", description = "the whitelist (default: the blacklist)")
        boolean white;

        ListEntry.Color color() {
            return white ? ListEntry.Color.WHITE : ListEntry.Color.BLACK;
        }

        ListStore store() throws ConfigException {
            return ListsAccess.store(ConfigLoader.load(config));
        }
    }

    @Command(name = "add", description = "Add an entry (or replace the one for the same value).")
    static final class Add extends Base {
        @ArgGroup(exclusive = true, multiplicity = "1") Target target;
        @Option(names = "--reason", required = true, description = "why, in plain words (shown in refusals)") String reason;
        @Option(names = "--source", defaultValue = "admin", description = "who or what listed it (default: ${DEFAULT-VALUE})") String source;
        @Option(names = "--expires", description = "expiry date or time: 2026-12-31 or 2026-12-31T12:00:00Z") String expires;
        @Option(names = "--ttl", description = "expiry from now: 12h, 7d, 4w") String ttl;

        @Override
        int run() throws Exception {
            String value = ListEntry.normalise(target.kind(), target.value());
            Instant now = Instant.now();
            Instant exp = expiry(expires, ttl, now);
            store().put(new ListEntry(0, color(), target.kind(), value, reason.strip(), source, now, exp));
            System.out.println("added to the " + color().word() + "list: " + target.kind().word() + " " + value
                    + (exp == null ? "" : expires != null && !expires.contains("T") ? " until the end of " + expires.strip() + " (UTC)"
                    : " until " + Times.show(exp)));
            return 0;
        }
    }

    @Command(name = "remove", description = "Remove an entry; a delisted address is not relisted by the reports that listed it.")
    static final class Remove extends Base {
        @ArgGroup(exclusive = true, multiplicity = "1") Target target;

        @Override
        int run() throws Exception {
            String value = ListEntry.normalise(target.kind(), target.value());
            ListStore s = store();
            boolean gone = s.remove(color(), target.kind(), value);
            if (color() == ListEntry.Color.BLACK) {
                new net.portcullis.policy.reports.ReportStore(s.database()).delist(target.kind(), value, "admin", Instant.now());
            }
            System.out.println(gone ? "removed from the " + color().word() + "list: " + value : "not on the " + color().word() + "list: " + value);
            return gone ? 0 : 1;
        }
    }

    /** show and export read both lists unless told which (Base's --white means "not the blacklist", a default these lack). */
    abstract static class Reader extends StoreCommand {
        @Option(names = "--white", description = "only the whitelist") boolean white;
        @Option(names = "--black", description = "only the blacklist") boolean black;

        /** The entries of the list asked for. */
        List<ListEntry> entries() throws ConfigException, java.sql.SQLException {
            return all().stream().filter(e -> white == black || e.color() == (white ? ListEntry.Color.WHITE : ListEntry.Color.BLACK)).toList();
        }

        /** Every entry of both lists, the flags checked. */
        List<ListEntry> all() throws ConfigException, java.sql.SQLException {
            if (white && black) {
                throw new IllegalArgumentException("give --white or --black, not both (neither: both lists)");
            }
            return ListsAccess.store(ConfigLoader.load(config)).all();
        }
    }

    @Command(name = "show", description = "Show entries (all, or those for a value), of both lists unless --white or --black.")
    static final class Show extends Reader {
        @Parameters(arity = "0..1", paramLabel = "VALUE", description = "an address, domain or network as it was listed") String value;

        @Override
        int run() throws Exception {
            int n = 0;
            for (ListEntry e : entries()) {
                if (value == null || e.value().equalsIgnoreCase(value.strip())) {
                    System.out.printf("%-5s %-7s %-32s %s (source %s, added %s%s)%n", e.color().word(), e.kind().word(), e.value(),
                            e.reason(), e.source(), Times.show(e.created()), e.expires() == null ? "" : ", expires " + Times.show(e.expires()));
                    n++;
                }
            }
            System.out.println(n + " entr" + (n == 1 ? "y" : "ies"));
            return 0;
        }
    }

    @Command(name = "import", description = "Import a CSV file (header: " + ListExport.CSV_HEADER
            + "); a bad line names its number and nothing of the file is applied.")
    static final class Import extends Base {
        @Parameters(paramLabel = "FILE", description = "a CSV file as list export writes it") Path file;

        @Override
        int run() throws Exception {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            if (lines.isEmpty() || !lines.get(0).strip().toLowerCase(Locale.ROOT).startsWith("color,kind,value,reason")) {
                throw new IllegalArgumentException(file + ":1: expected the header line " + ListExport.CSV_HEADER);
            }
            List<ListEntry> entries = new ArrayList<>();
            Instant now = Instant.now();
            for (int i = 1; i < lines.size(); i++) {
                String line = lines.get(i);
                if (line.isBlank()) {
                    continue;
                }
                try {
                    List<String> f = Csv.split(line);
                    if (f.size() < 4) {
                        throw new IllegalArgumentException("expected at least color,kind,value,reason");
                    }
                    ListEntry.Color color = ListEntry.Color.valueOf(f.get(0).strip().toUpperCase(Locale.ROOT));
                    ListEntry.Kind kind = ListEntry.Kind.valueOf(f.get(1).strip().toUpperCase(Locale.ROOT));
                    String value = ListEntry.normalise(kind, f.get(2));
                    String source = f.size() > 4 && !f.get(4).isBlank() ? f.get(4).strip() : "import " + file.getFileName();
                    Instant created = f.size() > 5 && !f.get(5).isBlank() ? Instant.parse(f.get(5).strip()) : now;
                    Instant exp = f.size() > 6 && !f.get(6).isBlank() ? expiry(f.get(6).strip(), null, now) : null;
                    entries.add(new ListEntry(0, color, kind, value, f.get(3).strip(), source, created, exp));
                } catch (IllegalArgumentException | DateTimeParseException e) {
                    throw new IllegalArgumentException(file + ":" + (i + 1) + ": " + e.getMessage() + " — nothing was imported");
                }
            }
            store().importAll(entries);
            System.out.println("imported " + entries.size() + " entries from " + file);
            return 0;
        }
    }

    @Command(name = "export", description = "Export the lists: csv (the entries of both lists, or of --white or --black) or "
            + "rbldnsd (the address entries: the blacklist as a DNSBL with the whitelist as its exceptions; --white: the whitelist as a DNSWL).")
    static final class Export extends Reader {
        @Option(names = "--format", defaultValue = "csv", description = "csv or rbldnsd (default: ${DEFAULT-VALUE})") String format;
        @Option(names = "--out", description = "file to write (rbldnsd: IPv6 entries go to FILE.ip6, link domains to FILE.links); "
                + "default: standard output") Path out;
        @Option(names = "--links", description = "rbldnsd to standard output: the link domains' dnset instead of the addresses' ip4set")
        boolean links;

        @Override
        int run() throws Exception {
            Instant now = Instant.now();
            switch (format) {
                case "csv" -> write(out, ListExport.csv(entries()));
                case "rbldnsd" -> {
                    // every entry: the blacklist zone's exceptions are the whitelist's, and the whitelist zone picks its own
                    List<ListEntry> all = all();
                    if (out == null) {
                        write(null, links ? ListExport.rbldnsdLinks(all, now) : zone(all, false, now));
                    } else {
                        write(out, zone(all, false, now));
                        write(Path.of(out + ".ip6"), zone(all, true, now));
                        write(Path.of(out + ".links"), ListExport.rbldnsdLinks(all, now));
                    }
                }
                default -> throw new IllegalArgumentException("--format " + format + ": expected csv or rbldnsd");
            }
            return 0;
        }

        /** The rbldnsd dataset: the whitelist as a DNSWL with --white, else the blacklist with its exceptions. */
        private String zone(List<ListEntry> all, boolean ipv6, Instant now) {
            return white ? ListExport.rbldnsdWhite(all, ipv6, now) : ListExport.rbldnsd(all, ipv6, now);
        }

        private static void write(Path file, String text) throws IOException {
            if (file == null) {
                System.out.print(text);
            } else {
                Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), ".export", ".tmp");
                Files.writeString(tmp, text, StandardCharsets.UTF_8);
                Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            }
        }
    }

    /** --expires as a date (end of that day, UTC) or an instant; or --ttl as 12h, 7d, 4w. */
    static Instant expiry(String expires, String ttl, Instant now) {
        if (expires != null && ttl != null) {
            throw new IllegalArgumentException("give --expires or --ttl, not both");
        }
        if (ttl != null) {
            var m = java.util.regex.Pattern.compile("(\\d+)([hdw])").matcher(ttl.strip());
            if (!m.matches()) {
                throw new IllegalArgumentException("--ttl '" + ttl + "' is not a duration like 12h, 7d or 4w");
            }
            long n = Long.parseLong(m.group(1));
            return now.plus(switch (m.group(2)) {
                case "h" -> Duration.ofHours(n);
                case "d" -> Duration.ofDays(n);
                default -> Duration.ofDays(7 * n);
            });
        }
        if (expires == null) {
            return null;
        }
        Instant t;
        try {
            t = expires.contains("T") ? Instant.parse(expires) : LocalDate.parse(expires).plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + expires + "' is not a date (2026-12-31) or a time (2026-12-31T12:00:00Z)");
        }
        if (!t.isAfter(now)) {
            throw new IllegalArgumentException("expiry " + expires + " is in the past");
        }
        return t;
    }
}
