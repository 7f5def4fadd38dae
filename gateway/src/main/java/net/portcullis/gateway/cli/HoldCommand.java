package net.portcullis.gateway.cli;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.portcullis.gateway.app.ConfigLoader;
import net.portcullis.gateway.config.ConfigException;
import net.portcullis.gateway.config.GatewayConfig;
import net.portcullis.gateway.downstream.Downstreams;
import net.portcullis.gateway.hold.HoldRelease;
import net.portcullis.policy.store.HoldStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code portcullis hold}: messages a rule held for review (action hold): list, show, release, delete. */
@Command(name = "hold", description = "Messages held for review: list, show, release (relay), delete.",
        subcommands = {HoldCommand.ListHeld.class, HoldCommand.Show.class, HoldCommand.Release.class, HoldCommand.Delete.class})
final class HoldCommand extends CommandGroup {
    abstract static class Base extends StoreCommand {
        GatewayConfig cfg() throws ConfigException {
            return ConfigLoader.load(config);
        }

        HoldStore store(GatewayConfig cfg) throws ConfigException, java.io.IOException {
            return new HoldStore(ListsAccess.store(cfg).database(), cfg.hold().directory(), cfg.hold().keyFile());
        }

        /** The configured hold store. */
        HoldStore open() throws ConfigException, java.io.IOException {
            return store(cfg());
        }

        static HoldStore.Held held(HoldStore s, String ref) throws java.sql.SQLException {
            HoldStore.Held h = s.find(ref.toUpperCase(java.util.Locale.ROOT));
            if (h == null) {
                throw new NotFound("no held message with ref " + ref.toUpperCase(java.util.Locale.ROOT));
            }
            return h;
        }
    }

    @Command(name = "list", description = "Messages waiting for review, newest first.")
    static final class ListHeld extends Base {
        @Option(names = "--all", description = "also released, deleted and expired ones")
        boolean all;
        @Option(names = "--json", description = "one JSON array")
        boolean json;

        @Override
        int run() throws Exception {
            List<HoldStore.Held> list = open().list(all);
            if (json) {
                List<Map<String, Object>> out = new ArrayList<>();
                for (HoldStore.Held h : list) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("ref", h.ref());
                    m.put("held_at", h.heldAt().toString());
                    m.put("client", h.client());
                    m.put("sender", h.sender());
                    m.put("recipients", h.recipients());
                    m.put("size", h.size());
                    m.put("rule", h.rule());
                    m.put("reason", h.reason());
                    m.put("expires_at", h.expiresAt().toString());
                    m.put("state", h.state());
                    out.add(m);
                }
                System.out.println(LogCommand.JSON.writeValueAsString(out));
                return 0;
            }
            for (HoldStore.Held h : list) {
                System.out.printf("%s  %s  %-8s %-30s -> %s  (%s: %s)%n", h.heldAt(), h.ref(), h.state(), h.sender().isEmpty() ? "<>" : h.sender(),
                        String.join(", ", h.recipients()), h.rule(), h.reason());
            }
            System.out.println(list.size() + " message(s)");
            return 0;
        }
    }

    @Command(name = "show", description = "One held message: who sent it to whom, why it was held, and its header.")
    static final class Show extends Base {
        @Parameters(paramLabel = "REF", description = "the held message's reference id (hold list shows them)")
        String ref;

        @Override
        int run() throws Exception {
            HoldStore s = open();
            HoldStore.Held h = held(s, ref);
            System.out.println("ref       " + h.ref() + " (" + h.state() + (h.actedBy() == null ? "" : " by " + h.actedBy()) + ")");
            System.out.println("held      " + h.heldAt() + " by rule " + h.rule() + ": " + h.reason());
            System.out.println("client    " + h.client() + ", HELO " + h.helo());
            System.out.println("envelope  " + (h.sender().isEmpty() ? "<>" : h.sender()) + " -> " + String.join(", ", h.recipients()));
            System.out.println("size      " + h.size() + " octets; expires " + h.expiresAt());
            if (h.state().equals("held")) {
                String text = new String(s.read(h.ref()), java.nio.charset.StandardCharsets.ISO_8859_1);
                int end = text.indexOf("\r\n\r\n");
                System.out.println();
                System.out.print((end < 0 ? text : text.substring(0, end + 2)).replace("\r\n", "\n"));
            }
            return 0;
        }
    }

    @Command(name = "release", description = "Relay a held message to the mail server with its original envelope.")
    static final class Release extends Base {
        @Parameters(paramLabel = "REF", description = "the held message's reference id (hold list shows them)")
        String ref;
        @Option(names = "--by", defaultValue = "admin", description = "who releases it, for the record (default: ${DEFAULT-VALUE})")
        String by;
        @Option(names = "--force", description = "release even when today's rules, less the one that held it, refuse or hold it")
        boolean force;

        @Override
        int run() throws Exception {
            GatewayConfig cfg = cfg();
            HoldStore s = store(cfg);
            net.portcullis.policy.store.DecisionStore decisions = new net.portcullis.policy.store.DecisionStore(
                    ListsAccess.store(cfg).database());
            if (decisions.find(ref.toUpperCase(java.util.Locale.ROOT)).isEmpty()) {
                System.err.println("portcullis: no stored decision for " + ref.toUpperCase(java.util.Locale.ROOT)
                        + " (log.store off?): rules not checked again");
            }
            var catalogue = net.portcullis.gateway.app.PolicyWiring.catalogue();
            GatewayConfig.Rules r = cfg.rules();
            try (Downstreams pool = Downstreams.of(cfg)) {
                HoldRelease.Result res = new HoldRelease(s, decisions, () -> net.portcullis.rules.RuleLoader.load(
                        new net.portcullis.rules.RuleLoader.Dirs(r.directory(), r.local(), r.lists()), catalogue), catalogue, pool)
                        .release(ref, by, force);
                res.replies().forEach((rcpt, reply) -> System.out.println(rcpt + ": " + reply));
                switch (res.status()) {
                    case RELEASED -> {
                        System.out.println(res.message());
                        return 0;
                    }
                    case PARTLY -> {
                        System.out.println(res.message());
                        return 1;
                    }
                    case NOT_HELD -> throw new NotFound(res.message());
                    case UNAVAILABLE -> {
                        System.err.println("portcullis: " + res.message());
                        return 75; // EX_TEMPFAIL
                    }
                    default -> {
                        System.err.println("portcullis: " + res.message().replace("(force releases", "(--force releases"));
                        return 1;
                    }
                }
            }
        }
    }

    @Command(name = "delete", description = "Delete a held message without relaying it.")
    static final class Delete extends Base {
        @Parameters(paramLabel = "REF", description = "the held message's reference id (hold list shows them)")
        String ref;
        @Option(names = "--by", defaultValue = "admin", description = "who deletes it, for the record (default: ${DEFAULT-VALUE})")
        String by;

        @Override
        int run() throws Exception {
            HoldStore s = open();
            HoldStore.Held h = held(s, ref);
            if (!s.settle(h.ref(), "deleted", by, Instant.now())) {
                throw new NotFound(h.ref() + " is " + h.state() + ", not held");
            }
            System.out.println("deleted " + h.ref());
            return 0;
        }
    }
}
