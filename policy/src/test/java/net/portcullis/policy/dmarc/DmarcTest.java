package net.portcullis.policy.dmarc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import net.portcullis.policy.dns.InMemoryDns;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** DMARC record parsing and alignment against OpenDMARC's own test tables, then evaluation. */
class DmarcTest {
    static final Path DATA = Path.of("src/test/resources/dmarc");

    static Stream<String[]> rows(String file) throws Exception {
        return Files.readAllLines(DATA.resolve(file)).stream().filter(l -> !l.startsWith("#") && !l.isBlank())
                .map(l -> l.split("\t", -1));
    }

    static Stream<org.junit.jupiter.params.provider.Arguments> records() throws Exception {
        return rows("dmarc_record_parse.tsv").map(r -> org.junit.jupiter.params.provider.Arguments.of((Object) r));
    }

    static Stream<org.junit.jupiter.params.provider.Arguments> alignments() throws Exception {
        return rows("dmarc_alignment.tsv").map(r -> org.junit.jupiter.params.provider.Arguments.of((Object) r));
    }

    @ParameterizedTest
    @MethodSource("records")
    void recordsParseAsOpenDmarcSays(String[] row) {
        String record = row[1];
        boolean ok = row[2].equals("DMARC_PARSE_OKAY");
        if (ok) {
            assertThat(DmarcRecord.parse(record).policy()).isIn("none", "quarantine", "reject");
        } else {
            assertThatThrownBy(() -> DmarcRecord.parse(record)).as("record %s: %s", row[0], record)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @ParameterizedTest
    @MethodSource("alignments")
    void alignmentMatchesOpenDmarc(String[] row) {
        boolean strict = row[2].endsWith("STRICT");
        assertThat(OrgDomains.aligned(row[0], row[1], strict)).as("%s vs %s", row[0], row[1]).isEqualTo(row[3].equals("0"));
    }

    @Test
    void theOrganisationalDomainComesFromThePublicSuffixList() {
        assertThat(OrgDomains.of("mail.example.co.uk")).isEqualTo("example.co.uk");
        assertThat(OrgDomains.of("a.b.example.com")).isEqualTo("example.com");
        assertThat(OrgDomains.of("example.com")).isEqualTo("example.com");
    }

    @Test
    void npAppliesToSubdomainsThatDoNotExist() {
        assertThat(DmarcRecord.parse("v=DMARC1; p=none; np=r").nonExistentPolicy()).isEqualTo("reject");
        assertThat(DmarcRecord.parse("v=DMARC1; p=quarantine").nonExistentPolicy()).isEqualTo("quarantine");
        assertThat(DmarcRecord.parse("v=DMARC1; p=none; sp=reject").nonExistentPolicy()).isEqualTo("reject");
        assertThatThrownBy(() -> DmarcRecord.parse("v=DMARC1; p=none; np=maybe")).hasMessageContaining("np=maybe");
        InMemoryDns dns = new InMemoryDns().add("_dmarc.shopco.com", "TXT", "v=DMARC1; p=none; np=reject")
                .add("news.shopco.com", "A", "192.0.2.1").fail("flaky.shopco.com", "A");
        DmarcEvaluator d = new DmarcEvaluator(dns);
        DmarcResult invented = d.evaluate("invented.shopco.com", "none", null, List.of());
        assertThat(invented.policy()).isEqualTo("reject");
        assertThat(invented.reason()).contains("invented.shopco.com does not exist (NXDOMAIN): np=reject applies");
        assertThat(d.evaluate("news.shopco.com", "none", null, List.of()).policy()).isEqualTo("none");
        assertThat(d.evaluate("flaky.shopco.com", "none", null, List.of()).result()).isEqualTo("temperror");
    }

    @Test
    void evaluationFindsTheRecordAlignsAndCarriesThePolicy() {
        InMemoryDns dns = new InMemoryDns()
                .add("_dmarc.bankco.com", "TXT", "v=DMARC1; p=reject; sp=quarantine; pct=50")
                .add("_dmarc.strictco.com", "TXT", "v=DMARC1; p=reject; adkim=s; aspf=s")
                .fail("_dmarc.flakyco.com", "TXT");
        DmarcEvaluator d = new DmarcEvaluator(dns);
        DmarcResult spfOnly = d.evaluate("bankco.com", "pass", "bounces.bankco.com", List.of());
        assertThat(spfOnly.result()).isEqualTo("pass");
        assertThat(spfOnly.spfAligned()).isTrue();
        DmarcResult forged = d.evaluate("bankco.com", "fail", "bankco.com", List.of("otherco.com"));
        assertThat(forged.result()).isEqualTo("fail");
        assertThat(forged.policy()).isEqualTo("reject");
        assertThat(forged.pct()).isEqualTo(50);
        assertThat(d.evaluate("news.bankco.com", "none", null, List.of()).policy()).isEqualTo("quarantine");
        assertThat(d.evaluate("news.bankco.com", "none", null, List.of("bankco.com")).result()).isEqualTo("pass");
        assertThat(d.evaluate("strictco.com", "pass", "mail.strictco.com", List.of("mail.strictco.com")).result()).isEqualTo("fail");
        assertThat(d.evaluate("strictco.com", "pass", "strictco.com", List.of()).result()).isEqualTo("pass");
        assertThat(d.evaluate("nothingco.com", "pass", "nothingco.com", List.of()).result()).isEqualTo("none");
        assertThat(d.evaluate("flakyco.com", "pass", "flakyco.com", List.of()).result()).isEqualTo("temperror");
        assertThat(d.evaluate(null, "pass", "x.example", List.of()).result()).isEqualTo("permerror");
    }

    @Test
    void twoRecordsAtOneNameAreNoRecord() {
        InMemoryDns dns = new InMemoryDns().add("_dmarc.multico.com", "TXT", "v=DMARC1; p=reject;")
                .add("_dmarc.multico.com", "TXT", "v=DMARC1; p=quarantine;");
        assertThat(new DmarcEvaluator(dns).evaluate("multico.com", "fail", "multico.com", List.of()).result()).isEqualTo("none");
    }

    @org.junit.jupiter.api.Test
    void randomAndMutatedRecordsAreValidOrRefusedWithAReason() {
        java.util.Random rnd = new java.util.Random(7489);
        String seed = "v=DMARC1; p=reject; sp=quarantine; pct=50; adkim=s; aspf=r; rua=mailto:d@example.org; fo=1";
        String junk = "=; ,:vpDMARC1rejectnone0123456789\t\u00e9";
        for (int n = 0; n < 5000; n++) {
            StringBuilder b = new StringBuilder(seed);
            for (int k = rnd.nextInt(6); k >= 0; k--) {
                int at = rnd.nextInt(b.length() + 1);
                if (rnd.nextInt(3) == 0) {
                    b.insert(at, "9".repeat(1 + rnd.nextInt(25)));
                } else if (rnd.nextBoolean()) {
                    b.insert(at, junk.charAt(rnd.nextInt(junk.length())));
                } else if (at < b.length()) {
                    b.deleteCharAt(at);
                }
            }
            try {
                DmarcRecord r = DmarcRecord.parse(b.toString());
                org.assertj.core.api.Assertions.assertThat(r.pct()).isBetween(0, 100);
            } catch (IllegalArgumentException refused) {
                org.assertj.core.api.Assertions.assertThat(refused.getMessage()).isNotBlank();
            }
        }
    }
}
