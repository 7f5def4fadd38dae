package net.portcullis.gateway.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import net.portcullis.gateway.app.ConfigLoader;
import net.portcullis.gateway.config.ConfigException;
import net.portcullis.policy.consent.ConsentBook;
import net.portcullis.policy.consent.ConsentEvent;
import net.portcullis.policy.consent.ConsentStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "consent", description = "Opt-in consent records: grant, confirm, revoke, show, history, import, export, purge.",
        subcommands = {ConsentCommand.Grant.class, ConsentCommand.Confirm.class, ConsentCommand.Revoke.class, ConsentCommand.Show.class,
                ConsentCommand.History.class, ConsentCommand.Import.class, ConsentCommand.Export.class, ConsentCommand.Purge.class})
final class ConsentCommand {
    static final String CSV_HEADER = "recipient,sender,action,method,evidence,actor,at,valid_until";

    abstract static class Base extends StoreCommand {
        ConsentStore store() throws ConfigException {
            return new ConsentStore(ListsAccess.store(ConfigLoader.load(config)).database());
        }
    }

    abstract static class Change extends Base {
        @Option(names = "--recipient", required = true, description = "an address, or a domain we host for all its addresses")
        String recipient;
        @Option(names = "--sender", required = true, description = "the sender domain, or one sender address")
        String sender;
        @Option(names = "--evidence", required = true, description = "what proves it: confirmation Message-ID or token, form URL, importer")
        String evidence;
        @Option(names = "--actor", defaultValue = "admin", description = "who records it (default: ${DEFAULT-VALUE})")
        String actor;

        abstract ConsentEvent.Action action();

        String method() {
            return "admin";
        }

        Instant until() {
            return null;
        }

        @Override
        int run() throws Exception {
            ConsentEvent e = new ConsentEvent(0, ConsentEvent.party("recipient", recipient), ConsentEvent.party("sender", sender),
                    action(), method(), evidence.strip(), actor, Instant.now(), until());
            long id = store().append(e);
            System.out.println("recorded event #" + id + ": " + e.action().word() + " " + e.recipient() + " <- " + e.sender());
            return 0;
        }
    }

    @Command(name = "grant", description = "Record that a recipient agreed to commercial mail from a sender.")
    static final class Grant extends Change {
        @Option(names = "--method", required = true, description = "web-form, double-opt-in (counts once confirmed), import, admin, api")
        String method;
        @Option(names = "--until", description = "end of the consent: 2027-12-31 or 2027-12-31T00:00:00Z")
        String until;

        ConsentEvent.Action action() {
            return ConsentEvent.Action.GRANT;
        }

        @Override
        String method() {
            if (!ConsentEvent.METHODS.contains(method)) {
                throw new IllegalArgumentException("--method '" + method + "': expected one of " + ConsentEvent.METHODS);
            }
            return method;
        }

        @Override
        Instant until() {
            return until == null ? null : ListCommand.expiry(until, null, Instant.now());
        }
    }

    @Command(name = "confirm", description = "Record the confirmation of a double opt-in.")
    static final class Confirm extends Change {
        ConsentEvent.Action action() {
            return ConsentEvent.Action.CONFIRM;
        }
    }

    @Command(name = "revoke", description = "Record a withdrawal: mail stops from the next transaction (within consent.refresh).")
    static final class Revoke extends Change {
        ConsentEvent.Action action() {
            return ConsentEvent.Action.REVOKE;
        }
    }

    @Command(name = "show", description = "Where consent stands for a recipient and a sender.")
    static final class Show extends Base {
        @Option(names = "--recipient", required = true, description = "the recipient's address") String recipient;
        @Option(names = "--sender", required = true, description = "the sender: an address, or a domain for all its addresses") String sender;

        @Override
        int run() throws Exception {
            ConsentBook.Decision d = new ConsentBook(store(), Duration.ofSeconds(1), Clock.systemUTC())
                    .lookup(ConsentEvent.party("recipient", recipient), ConsentEvent.party("sender", sender), "");
            System.out.println(d.state() == null ? "none: no record for " + recipient + " <- " + sender
                    : d.status().name().toLowerCase(Locale.ROOT) + ": decided by event #" + d.state().decidedBy().id() + " ("
                    + d.state().decidedBy().action().word() + " via " + d.state().decidedBy().method() + ", evidence "
                    + d.state().decidedBy().evidence() + ", at " + d.state().decidedBy().at() + ")");
            return d.granted() ? 0 : 1;
        }
    }

    @Command(name = "history", description = "Every recorded event, oldest first: the evidence in a dispute.")
    static final class History extends Base {
        @Option(names = "--recipient", description = "only this recipient's records") String recipient;
        @Option(names = "--sender", description = "only the records for this sender (an address or a domain)") String sender;

        @Override
        int run() throws Exception {
            List<ConsentEvent> events = store().events(recipient == null ? null : ConsentEvent.party("recipient", recipient),
                    sender == null ? null : ConsentEvent.party("sender", sender));
            for (ConsentEvent e : events) {
                System.out.printf("#%d %s %-7s %s <- %s via %s, evidence %s, by %s%s%n", e.id(), e.at(), e.action().word(), e.recipient(),
                        e.sender(), e.method(), e.evidence(), e.actor(), e.validUntil() == null ? "" : ", until " + e.validUntil());
            }
            System.out.println(events.size() + " event(s)");
            return 0;
        }
    }

    @Command(name = "import", description = "Import events from CSV (header: " + CSV_HEADER + "); a bad line names its number and "
            + "nothing of the file is applied.")
    static final class Import extends Base {
        @Parameters(paramLabel = "FILE", description = "a CSV file as consent export writes it") Path file;

        @Override
        int run() throws Exception {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            if (lines.isEmpty() || !lines.get(0).strip().toLowerCase(Locale.ROOT).startsWith("recipient,sender,action")) {
                throw new IllegalArgumentException(file + ":1: expected the header line " + CSV_HEADER);
            }
            List<ConsentEvent> events = new ArrayList<>();
            // A row without a time is dated by the file (its modification time, to the millisecond):
            // importing the same file again then adds nothing, since identical events are skipped.
            Instant now = Files.getLastModifiedTime(file).toInstant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
            for (int i = 1; i < lines.size(); i++) {
                if (lines.get(i).isBlank()) {
                    continue;
                }
                try {
                    List<String> f = Csv.split(lines.get(i));
                    if (f.size() < 5) {
                        throw new IllegalArgumentException("expected at least recipient,sender,action,method,evidence");
                    }
                    ConsentEvent.Action action;
                    try {
                        action = ConsentEvent.Action.valueOf(f.get(2).strip().toUpperCase(Locale.ROOT));
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("action '" + f.get(2) + "' is not grant, confirm, revoke or expire");
                    }
                    String method = f.get(3).strip();
                    if (!ConsentEvent.METHODS.contains(method)) {
                        throw new IllegalArgumentException("method '" + method + "' is not one of " + ConsentEvent.METHODS);
                    }
                    if (f.get(4).isBlank()) {
                        throw new IllegalArgumentException("evidence is empty");
                    }
                    Instant at = f.size() > 6 && !f.get(6).isBlank() ? Instant.parse(f.get(6).strip()) : now;
                    Instant until = f.size() > 7 && !f.get(7).isBlank() ? Instant.parse(f.get(7).strip()) : null;
                    events.add(new ConsentEvent(0, ConsentEvent.party("recipient", f.get(0)), ConsentEvent.party("sender", f.get(1)),
                            action, method, f.get(4).strip(), f.size() > 5 && !f.get(5).isBlank() ? f.get(5).strip() : "import " + file.getFileName(),
                            at, until));
                } catch (IllegalArgumentException | DateTimeParseException e) {
                    throw new IllegalArgumentException(file + ":" + (i + 1) + ": " + e.getMessage() + " — nothing was imported");
                }
            }
            int added = store().appendAll(events);
            System.out.println("imported " + added + " consent event(s) from " + file
                    + (added < events.size() ? " (" + (events.size() - added) + " already present, not stored again)" : ""));
            return 0;
        }
    }

    @Command(name = "export", description = "Export every event as CSV (the import format).")
    static final class Export extends Base {
        @Override
        int run() throws Exception {
            StringBuilder b = new StringBuilder(CSV_HEADER).append('\n');
            for (ConsentEvent e : store().events(null, null)) {
                b.append(e.recipient()).append(',').append(e.sender()).append(',').append(e.action().word()).append(',')
                        .append(e.method()).append(',').append(q(e.evidence())).append(',').append(q(e.actor())).append(',')
                        .append(e.at()).append(',').append(e.validUntil() == null ? "" : e.validUntil().toString()).append('\n');
            }
            System.out.print(b);
            return 0;
        }

        private static String q(String s) {
            return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
        }
    }

    @Command(name = "purge", description = "Retention: drop events older than consent.retention, keeping each pair's last event.")
    static final class Purge extends Base {
        @Override
        int run() throws Exception {
            var cfg = ConfigLoader.load(config);
            int n = store().purgeBefore(Instant.now().minus(cfg.consent().retention()));
            System.out.println("purged " + n + " event(s) older than " + cfg.consent().retention().toDays() + " days");
            return 0;
        }
    }

}
