package net.portcullis.gateway.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import com.fasterxml.jackson.databind.ObjectMapper;
import net.portcullis.gateway.app.ConfigLoader;
import net.portcullis.gateway.config.ConfigException;
import net.portcullis.policy.store.DecisionStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code portcullis log}: the decisions the gateway stored (log.store), for postmasters and abuse desks. */
@Command(name = "log", description = "Review stored decisions: show one by ref, query, count, follow.",
        subcommands = {LogCommand.Show.class, LogCommand.Query.class, LogCommand.Stats.class, LogCommand.Tail.class})
final class LogCommand extends CommandGroup {
    static final ObjectMapper JSON = new ObjectMapper();

    abstract static class Base extends StoreCommand {
        DecisionStore store() throws ConfigException {
            var cfg = ConfigLoader.load(config);
            try {
                return new DecisionStore(ListsAccess.store(cfg).database())
                        .searchingAs(net.portcullis.gateway.app.PolicyWiring.addressesAsStored(cfg));
            } catch (java.io.IOException e) {
                throw new ConfigException("log.pseudonym_key: " + e.getMessage());
            }
        }
    }

    /** The search options shared by query and stats. */
    abstract static class Filtered extends Base {
        @Option(names = "--since", description = "from this time: 2h, 30m, 7d ago, or an instant like 2026-11-24T08:00:00Z")
        String since;
        @Option(names = "--until", description = "before this time (same forms)")
        String until;
        @Option(names = "--client", description = "client address")
        String client;
        @Option(names = "--sender", description = "envelope sender, or @DOMAIN for every sender of a domain")
        String sender;
        @Option(names = "--rcpt", description = "a recipient")
        String rcpt;
        @Option(names = "--verdict", description = "accepted, rejected, tempfail, held or aborted")
        String verdict;
        @Option(names = "--rule", description = "the check or rule that decided (decided_by)")
        String rule;
        @Option(names = "--queue-id", description = "the MTA's queue id (milter mode), as its log names the message")
        String queueId;
        @Option(names = "--limit", defaultValue = "50", description = "at most this many (default: ${DEFAULT-VALUE})")
        int limit;
        DecisionStore.Filter filter() {
            return net.portcullis.gateway.log.DecisionFilters.of("--", since, until, client, sender, rcpt, verdict, rule, limit)
                    .withQueueId(queueId);
        }
    }

    @Command(name = "show", description = "One decision in plain words: what was sent, what decided and why, the reply, what to do.")
    static final class Show extends Base {
        @Parameters(paramLabel = "REF", description = "the reference id of a reply, e.g. 7QX2K9AB")
        String ref;
        @Option(names = "--json", description = "the decision line(s) as stored")
        boolean json;

        @Override
        int run() throws Exception {
            if (!ref.matches("[A-Za-z0-9]{1,16}")) {
                throw new IllegalArgumentException("'" + ref + "' is not a reference id (8 letters and digits, as in [ref 7QX2K9AB])");
            }
            List<String> lines = store().find(ref);
            if (lines.isEmpty()) {
                System.err.println("portcullis: no decision with ref " + ref.toUpperCase() + " in the store (kept for log.retention)");
                return 1;
            }
            if (json) {
                List<Object> all = new ArrayList<>();
                for (String l : lines) {
                    all.add(JSON.readValue(l, Map.class));
                }
                System.out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(all.size() == 1 ? all.get(0) : all));
                return 0;
            }
            for (String l : lines) {
                System.out.print(net.portcullis.gateway.log.DecisionExplainer.explain(JSON.readValue(l, Map.class)));
            }
            return 0;
        }
    }

    @Command(name = "query", description = "Decisions matching the filters, newest first.")
    static final class Query extends Filtered {
        @Option(names = "--json", description = "the matching decision lines, as stored, in one JSON array")
        boolean json;

        @Override
        int run() throws Exception {
            List<String> lines = store().query(filter());
            if (json) {
                System.out.println("[" + String.join(",", lines) + "]");
                return 0;
            }
            for (String l : lines) {
                Map<?, ?> r = JSON.readValue(l, Map.class);
                System.out.printf("%s  %s  %-8s %-15s %-30s %s%n", r.get("time"), r.get("ref"), r.get("verdict"), r.get("client"),
                        r.get("sender") == null ? "-" : r.get("sender"), r.get("decided_by") == null ? "" : r.get("decided_by"));
            }
            System.out.println(lines.size() + " decision(s)");
            return 0;
        }
    }

    @Command(name = "stats", description = "Counts of the matching decisions: by verdict, by rule, per hour.")
    static final class Stats extends Filtered {
        @Option(names = "--json", description = "the counts as one JSON object: by verdict, by rule, per hour")
        boolean json;

        @Override
        int run() throws Exception {
            Map<String, Map<String, Long>> s = store().stats(filter());
            if (json) {
                System.out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(s));
                return 0;
            }
            s.forEach((what, counts) -> {
                System.out.println("by " + what + ":");
                counts.forEach((k, v) -> System.out.printf("  %-40s %d%n", k, v));
            });
            return 0;
        }
    }

    @Command(name = "tail", description = "Follow new decisions as they are stored (Ctrl-C ends).")
    static final class Tail extends Base {
        @Option(names = "--max", description = "stop after this many decisions")
        Integer max;
        @Option(names = "--json", description = "the decision lines as stored, one a line")
        boolean json;

        @Override
        int run() throws Exception {
            DecisionStore store = store();
            long last = store.lastId();
            int seen = 0;
            while (max == null || seen < max) {
                for (Map.Entry<Long, String> e : store.after(last, 500)) {
                    last = e.getKey();
                    Map<?, ?> r = JSON.readValue(e.getValue(), Map.class);
                    System.out.println(json ? e.getValue() : r.get("time") + "  " + r.get("ref") + "  " + r.get("verdict") + "  "
                            + r.get("client") + "  " + (r.get("decided_by") == null ? "" : r.get("decided_by")));
                    System.out.flush();
                    if (max != null && ++seen >= max) {
                        return 0;
                    }
                }
                Thread.sleep(300);
            }
            return 0;
        }
    }
}
