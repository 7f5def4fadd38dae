package net.portcullis.gateway.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import net.portcullis.gateway.app.ConfigLoader;
import net.portcullis.gateway.config.ConfigException;
import net.portcullis.gateway.config.GatewayConfig;
import net.portcullis.policy.privacy.PersonalData;
import net.portcullis.policy.store.HoldStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "privacy", description = "A person's data in the store: subject access and erasure (docs/privacy.md).",
        subcommands = {PrivacyCommand.Export.class, PrivacyCommand.Erase.class, PrivacyCommand.RotateKey.class})
final class PrivacyCommand {

    static PersonalData open(Path config) throws ConfigException, java.io.IOException {
        GatewayConfig cfg = ConfigLoader.load(config);
        var db = ListsAccess.store(cfg).database();
        PersonalData data = new PersonalData(db, new HoldStore(db, cfg.hold().directory(), cfg.hold().keyFile()));
        return cfg.log().pseudonymKey() == null ? data : data.withPseudonyms(net.portcullis.policy.privacy.Pseudonyms.load(cfg.log().pseudonymKey()));
    }

    @Command(name = "export", description = "Print, as JSON, everything stored about an address: decisions, consent events, "
            + "reports it made, held mail to or from it, list entries and review actions naming it.")
    static final class Export implements Callable<Integer> {
        @Option(names = "--config", defaultValue = "conf/gateway.yaml", description = "(default: ${DEFAULT-VALUE})")
        Path config;

        @Parameters(paramLabel = "ADDRESS", description = "the person's address")
        String address;

        @Override
        public Integer call() throws Exception {
            PersonalData data;
            try {
                data = open(config);
            } catch (ConfigException e) {
                System.err.println("portcullis: configuration error: " + e.getMessage());
                return 78;
            }
            System.out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(data.export(address)));
            return 0;
        }
    }

    @Command(name = "erase", description = "Replace an address with a pseudonym everywhere it is stored, and delete held mail it "
            + "alone was to receive; consent events and list entries are kept (said in the summary).")
    static final class Erase implements Callable<Integer> {
        @Option(names = "--config", defaultValue = "conf/gateway.yaml", description = "(default: ${DEFAULT-VALUE})")
        Path config;

        @Option(names = "--yes", description = "do it: without it, nothing is changed")
        boolean yes;

        @Parameters(paramLabel = "ADDRESS", description = "the person's address")
        String address;

        @Override
        public Integer call() throws Exception {
            if (!yes) {
                System.err.println("portcullis: privacy erase changes the store for good: run `privacy export " + address
                        + "` first if you need a copy, then again with --yes");
                return 2;
            }
            PersonalData data;
            try {
                data = open(config);
            } catch (ConfigException e) {
                System.err.println("portcullis: configuration error: " + e.getMessage());
                return 78;
            }
            PersonalData.Erased e;
            try {
                e = data.erase(address, "privacy-erase", Instant.now());
            } catch (IllegalArgumentException bad) {
                System.err.println("portcullis: " + bad.getMessage());
                return 2;
            }
            System.out.println(address + " is now " + e.pseudonym() + ": " + e.decisions() + " decision(s), " + e.reports() + " report(s), "
                    + e.heldUpdated() + " held message(s) (" + e.heldDeleted() + " deleted, held for it alone), " + e.actions()
                    + " review action(s)");
            if (e.consentEventsKept() > 0) {
                System.out.println("kept: " + e.consentEventsKept() + " consent event(s), the evidence of what the address allowed "
                        + "(a withdrawal must keep refusing; `consent purge` drops them past consent.retention)");
            }
            if (e.listEntriesKept() > 0) {
                System.out.println("kept: " + e.listEntriesKept() + " list entr(ies) naming it (`list remove` takes them off)");
            }
            return 0;
        }
    }

    @Command(name = "rotate-key", description = "Add a new key on top of log.pseudonym_key: decisions from the next start on use it; "
            + "older ones stay findable by the older keys below it (delete a line to make its records unlinkable).")
    static final class RotateKey implements Callable<Integer> {
        @Option(names = "--config", defaultValue = "conf/gateway.yaml", description = "(default: ${DEFAULT-VALUE})")
        Path config;

        @Override
        public Integer call() throws Exception {
            GatewayConfig cfg;
            try {
                cfg = ConfigLoader.load(config);
            } catch (ConfigException e) {
                System.err.println("portcullis: configuration error: " + e.getMessage());
                return 78;
            }
            if (cfg.log().pseudonymKey() == null) {
                System.err.println("portcullis: log.pseudonymise is off: there is no key to rotate");
                return 2;
            }
            net.portcullis.policy.privacy.Pseudonyms.rotate(cfg.log().pseudonymKey());
            System.out.println("a new key is on top of " + cfg.log().pseudonymKey() + "; restart the gateway to write with it");
            return 0;
        }
    }
}
