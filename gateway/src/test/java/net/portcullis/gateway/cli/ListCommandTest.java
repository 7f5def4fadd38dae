package net.portcullis.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ListCommandTest {
    @TempDir
    Path dir;
    String conf;

    @BeforeEach
    void config() throws Exception {
        Path c = dir.resolve("gateway.yaml");
        Files.writeString(c, """
                hostname: mx.example.net
                downstream: 127.0.0.1:2526
                domains: [example.net]
                store: {url: "jdbc:sqlite:%s"}
                """.formatted(dir.resolve("db.sqlite")));
        conf = c.toString();
    }

    @Test
    void addShowRemoveAndExport() {
        assertThat(Cli.run("list", "add", "--config", conf, "--ip", "192.0.2.0/24", "--reason", "botnet", "--ttl", "7d").exit()).isZero();
        assertThat(Cli.run("list", "add", "--config", conf, "--white", "--domain", "Partner.Example", "--reason", "partner").exit()).isZero();
        Cli.Result show = Cli.run("list", "show", "--config", conf);
        assertThat(show.out()).contains("black ip      192.0.2.0/24", "botnet (source admin", "white domain  partner.example", "2 entries");
        Cli.Result rbl = Cli.run("list", "export", "--config", conf, "--format", "rbldnsd");
        assertThat(rbl.out()).contains(":127.0.0.2:Listed by Portcullis: $", "192.0.2.0/24 :127.0.0.2:botnet");
        Cli.Result csv = Cli.run("list", "export", "--config", conf, "--format", "csv");
        assertThat(csv.out()).startsWith(ListExport.CSV_HEADER + "\n").contains("black,ip,192.0.2.0/24,botnet,admin,");
        assertThat(Cli.run("list", "remove", "--config", conf, "--ip", "192.0.2.0/24").exit()).isZero();
        assertThat(Cli.run("list", "remove", "--config", conf, "--ip", "192.0.2.0/24").exit()).isEqualTo(1);
    }

    @Test
    void linkDomainsAreAListOfTheirOwnExportedAsAnRbldnsdDnset() throws Exception {
        assertThat(Cli.run("list", "add", "--config", conf, "--link", "Pills.Example", "--reason", "advertised in spam").exit()).isZero();
        assertThat(Cli.run("list", "add", "--config", conf, "--ip", "192.0.2.0/24", "--reason", "botnet").exit()).isZero();
        assertThat(Cli.run("list", "show", "--config", conf).out()).contains("black link    pills.example");
        String links = Cli.run("list", "export", "--config", conf, "--format", "rbldnsd", "--links").out();
        assertThat(links).contains("(dnset)", "pills.example :127.0.0.2:advertised in spam", ".pills.example :127.0.0.2:")
                .doesNotContain("192.0.2.0");
        assertThat(Cli.run("list", "export", "--config", conf, "--format", "rbldnsd").out()).doesNotContain("pills.example");
        java.nio.file.Path out = java.nio.file.Files.createTempDirectory("export").resolve("portcullis.txt");
        assertThat(Cli.run("list", "export", "--config", conf, "--format", "rbldnsd", "--out", out.toString()).exit()).isZero();
        assertThat(java.nio.file.Files.readString(java.nio.file.Path.of(out + ".links"))).contains("pills.example :127.0.0.2:");
        assertThat(Cli.run("list", "remove", "--config", conf, "--link", "pills.example").exit()).isZero();
    }

    @Test
    void showAndExportReadTheListTheyAreToldAndPrintTimesToTheSecond() {
        assertThat(Cli.run("list", "add", "--config", conf, "--ip", "192.0.2.0/24", "--reason", "botnet", "--expires", "2099-12-31").out())
                .contains("until the end of 2099-12-31 (UTC)").doesNotContain("2100-01-01");
        assertThat(Cli.run("list", "add", "--config", conf, "--white", "--ip", "198.51.100.7", "--reason", "partner").exit()).isZero();
        assertThat(Cli.run("list", "show", "--config", conf, "--white").out()).contains("white ip      198.51.100.7", "1 entry")
                .doesNotContain("192.0.2.0/24");
        String black = Cli.run("list", "show", "--config", conf, "--black").out();
        assertThat(black).contains("black ip      192.0.2.0/24", "1 entry").doesNotContain("198.51.100.7");
        assertThat(black).containsPattern("added \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ, expires 2100-01-01T00:00:00Z\\)");
        assertThat(Cli.run("list", "export", "--config", conf, "--white").out()).contains("white,ip,198.51.100.7,partner")
                .doesNotContain("black,");
        assertThat(Cli.run("list", "export", "--config", conf, "--black").out()).contains("black,ip,192.0.2.0/24").doesNotContain("white,");
        assertThat(Cli.run("list", "export", "--config", conf, "--white", "--format", "rbldnsd").out())
                .contains(":127.0.0.2:Allowlisted by Portcullis", "\n198.51.100.7\n").doesNotContain("192.0.2.0");
        // the blacklist zone keeps the whitelist as its exceptions
        assertThat(Cli.run("list", "export", "--config", conf, "--format", "rbldnsd").out()).contains("192.0.2.0/24 :127.0.0.2:botnet",
                "!198.51.100.7");
        Cli.Result both = Cli.run("list", "show", "--config", conf, "--white", "--black");
        assertThat(both.exit()).isEqualTo(2);
        assertThat(both.err()).contains("give --white or --black, not both");
    }

    @Test
    void badAddressesRangesAndDatesGetClearErrors() {
        Cli.Result r = Cli.run("list", "add", "--config", conf, "--ip", "10.0.0.1/8", "--reason", "x");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("'10.0.0.1/8' has host bits set beyond /8 (did you mean 10.0.0.0/8?)");
        assertThat(Cli.run("list", "add", "--config", conf, "--ip", "300.1.1.1", "--reason", "x").err()).contains("has an octet over 255");
        assertThat(Cli.run("list", "add", "--config", conf, "--domain", "not a domain", "--reason", "x").err())
                .contains("'not a domain' is not a domain name");
        assertThat(Cli.run("list", "add", "--config", conf, "--ip", "192.0.2.1", "--reason", "x", "--expires", "31/12/2026").err())
                .contains("'31/12/2026' is not a date (2026-12-31) or a time (2026-12-31T12:00:00Z)");
        assertThat(Cli.run("list", "add", "--config", conf, "--ip", "192.0.2.1", "--reason", "x", "--expires", "2001-01-01").err())
                .contains("expiry 2001-01-01 is in the past");
    }

    @Test
    void anImportWithABadLineNamesItAndAppliesNothing() throws Exception {
        StringBuilder csv = new StringBuilder(ListExport.CSV_HEADER + "\n");
        for (int i = 1; i <= 9; i++) {
            csv.append("black,ip,203.0.113.").append(i).append(",imported,,,\n");
        }
        csv.append("black,ip,203.0.113.999,imported,,,\n");
        Path f = Files.writeString(dir.resolve("in.csv"), csv);
        Cli.Result r = Cli.run("list", "import", "--config", conf, f.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains(f + ":11: '203.0.113.999' has an octet over 255 — nothing was imported");
        assertThat(Cli.run("list", "show", "--config", conf).out()).contains("0 entries");
        Files.writeString(f, csv.toString().replace("203.0.113.999", "203.0.113.10"));
        assertThat(Cli.run("list", "import", "--config", conf, f.toString()).out()).contains("imported 10 entries");
    }
}
