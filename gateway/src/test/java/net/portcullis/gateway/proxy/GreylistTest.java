package net.portcullis.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Greylisting over real SMTP, with the shipped rule turned on (its copy in local.d without
 * "monitor"): a first attempt is deferred, a retry from another address of the same network
 * after the delay passes, and the exemptions hold — trusted clients, an SPF-passing sender of a
 * listed provider, a network and domain that delivered enough. Shipped as is, it only watches.
 */
class GreylistTest {
    @TempDir
    Path var;

    /** Where the state lives: this process's memory here, Redis in the subclass that runs the same cases. */
    String store() {
        return "";
    }

    GatewayHarness start(String greylist, boolean enforce) throws Exception {
        Files.createDirectories(var.resolve("local.d"));
        if (enforce) {
            Files.writeString(var.resolve("local.d/45-greylist.rules"),
                    Files.readString(Path.of("../conf/rules/45-greylist.rules")).replace("  monitor\n", ""));
        }
        return GatewayHarness.withWiser(var, store() + "greylist: {" + greylist + "}\n");
    }

    @Test
    void aFirstAttemptIsDeferredAndARetryFromTheSameNetworkAfterTheDelayPasses() throws Exception {
        try (GatewayHarness gw = start("delay: 1s, window: 1h", true)) {
            assertThat(gw.message("127.0.0.1", "a@other.org", "u@example.net", "hi"))
                    .startsWith("451 4.7.1 Greylisted: please try again in a few minutes [ref ");
            assertThat(gw.message("127.0.0.1", "a@other.org", "u@example.net", "hi")).startsWith("451 4.7.1");
            Thread.sleep(1200); // the greylist delay (1s here) is real time the client must let pass; transcript 12 does it on a clock
            // the provider's pool: another address of the same /24 retries
            assertThat(gw.message("127.0.0.5", "a@other.org", "u@example.net", "hi")).startsWith("250 ");
            assertThat(gw.message("127.0.0.1", "a@other.org", "u@example.net", "hi")).startsWith("250 ");
            // another recipient is another triplet
            assertThat(gw.message("127.0.0.1", "a@other.org", "v@example.net", "hi")).startsWith("451 4.7.1");
            // (decision lines are written as sessions end, not in the order they began)
            assertThat(gw.awaitDecisions(5)).filteredOn(l -> l.contains("\"greylist.result\":\"new\"")).hasSize(2);
            assertThat(gw.decisions).filteredOn(l -> l.contains("\"greylist.result\":\"early\"")).hasSize(1);
            assertThat(gw.decisions).filteredOn(l -> l.contains("\"greylist.result\":\"pass\"")).hasSize(2);
        }
    }

    @Test
    void trustedClientsListedProvidersAndSendersThatDeliveredEnoughAreSpared() throws Exception {
        try (GatewayHarness gw = start("delay: 1s, window: 1h, auto_allow: 2", true)) {
            assertThat(gw.message("127.0.0.2", "a@other.org", "u@example.net", "hi")).as("trusted").startsWith("250 ");
            Path providers = Files.writeString(var.resolve("providers.txt"), "# test providers\nprovider.example\n");
            // an SPF pass for a listed provider's domain: spared, its one-time code does not wait
            try (GatewayHarness gw2 = new GatewayHarness(GatewayHarness.port(gw.downstream()), var.resolve("two"),
                    "greylist: {delay: 1s, providers: " + providers + "}\nrules: {directory: ../conf/rules, local: " + var.resolve("local.d")
                            + ", lists: ../conf/lists}\n")) {
                gw2.dns.add("provider.example", "TXT", "v=spf1 ip4:127.0.0.0/8 -all");
                assertThat(gw2.message("127.0.0.1", "otp@provider.example", "u@example.net", "code 1234"))
                        .startsWith("250 ");
                assertThat(gw2.awaitDecisions(1).get(0)).contains("\"greylist.provider\":true");
            }
            // two delivered from this network and domain, then new recipients pass at once
            for (String rcpt : new String[] {"x@example.net", "y@example.net"}) {
                assertThat(gw.message("127.0.0.1", "n@shop.example", rcpt, "hi")).startsWith("451");
            }
            Thread.sleep(1200); // the greylist delay (1s here) is real time the client must let pass; transcript 12 does it on a clock
            for (String rcpt : new String[] {"x@example.net", "y@example.net"}) {
                assertThat(gw.message("127.0.0.1", "n@shop.example", rcpt, "hi")).startsWith("250 ");
            }
            assertThat(gw.message("127.0.0.1", "n@shop.example", "z@example.net", "hi")).startsWith("250 ");
            assertThat(gw.awaitDecisions(6)).filteredOn(l -> l.contains("\"greylist.result\":\"allowed\"")).singleElement()
                    .asString().contains("z@example.net");
        }
    }

    @Test
    void asShippedItOnlyWatches() throws Exception {
        try (GatewayHarness gw = start("delay: 1s", false)) {
            assertThat(gw.message("127.0.0.1", "a@other.org", "u@example.net", "hi")).startsWith("250 ");
            assertThat(gw.awaitDecisions(1).get(0)).contains("\"greylist.result\":\"new\"", "\"rule\":\"greylist\"", "\"outcome\":\"monitor\"");
        }
    }
}
