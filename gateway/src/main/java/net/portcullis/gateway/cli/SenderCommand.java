package net.portcullis.gateway.cli;

import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import net.portcullis.gateway.app.ConfigLoader;
import net.portcullis.gateway.config.ConfigException;
import net.portcullis.policy.consent.ConsentEvent;
import net.portcullis.policy.consent.ConsentStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "sender", description = "The registry of bulk senders (marketers).",
        subcommands = {SenderCommand.Register.class, SenderCommand.Unregister.class, SenderCommand.ListAll.class})
final class SenderCommand {
    static ConsentStore store(Path config) throws ConfigException {
        return new ConsentStore(ListsAccess.store(ConfigLoader.load(config)).database());
    }

    @Command(name = "register", description = "Register a domain as a bulk sender: its mail needs opt-in per recipient.")
    static final class Register implements Callable<Integer> {
        @Option(names = "--config", defaultValue = "conf/gateway.yaml", description = "(default: ${DEFAULT-VALUE})") Path config;
        @Option(names = "--note", defaultValue = "", description = "why, or who asked (shown by sender list)") String note;
        @Parameters(paramLabel = "DOMAIN", description = "the sender's domain, as in MAIL FROM") String domain;

        public Integer call() throws Exception {
            String d;
            try {
                d = ConsentEvent.party("domain", domain);
                if (d.contains("@")) {
                    throw new IllegalArgumentException("'" + domain + "' is an address: register its domain");
                }
            } catch (IllegalArgumentException e) {
                System.err.println("portcullis: " + e.getMessage());
                return 2;
            }
            store(config).registerSender(d, note, "admin", Instant.now());
            System.out.println("registered bulk sender " + d);
            return 0;
        }
    }

    @Command(name = "unregister", description = "Remove a domain from the bulk sender registry.")
    static final class Unregister implements Callable<Integer> {
        @Option(names = "--config", defaultValue = "conf/gateway.yaml", description = "(default: ${DEFAULT-VALUE})") Path config;
        @Parameters(paramLabel = "DOMAIN", description = "a registered domain") String domain;

        public Integer call() throws Exception {
            boolean gone = store(config).unregisterSender(domain.toLowerCase());
            System.out.println(gone ? "unregistered " + domain : domain + " was not registered");
            return gone ? 0 : 1;
        }
    }

    @Command(name = "list", description = "List the registered bulk senders.")
    static final class ListAll implements Callable<Integer> {
        @Option(names = "--config", defaultValue = "conf/gateway.yaml", description = "(default: ${DEFAULT-VALUE})") Path config;

        public Integer call() throws Exception {
            for (var b : store(config).bulkSenderEntries()) {
                System.out.println(b.domain() + "  registered " + Times.show(b.registeredAt()) + " by " + b.registeredBy()
                        + (b.note() == null || b.note().isBlank() ? "" : ": " + b.note()));
            }
            return 0;
        }
    }
}
