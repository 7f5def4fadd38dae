package net.portcullis.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuleLoaderTest {
    @TempDir
    Path conf;

    static final Catalogue CAT = new Catalogue(List.of(
            new SignalSpec("client.ip", Type.IP, Stage.CONNECT, "", ""),
            new SignalSpec("rcpt.domain", Type.STRING, Stage.RELAY, "", "")));

    @Test
    void siteFilesReplaceShippedOnesOfTheSameNameAndAddNewOnesInNameOrder() throws Exception {
        Path rules = Files.createDirectories(conf.resolve("rules"));
        Path local = Files.createDirectories(conf.resolve("local.d"));
        Files.createDirectories(conf.resolve("lists"));
        Files.writeString(rules.resolve("10-a.rules"), "rule shipped-a\n stage connect\n when client.ip in [192.0.2.1]\n accept\n");
        Files.writeString(rules.resolve("20-b.rules"), "rule shipped-b\n stage connect\n when client.ip in [192.0.2.2]\n accept\n");
        Files.writeString(local.resolve("20-b.rules"), "rule site-b\n stage connect\n when client.ip in [192.0.2.3]\n accept\n");
        Files.writeString(local.resolve("15-new.rules"), "rule site-new\n stage connect\n when client.ip in @mine\n accept\n");
        Files.writeString(conf.resolve("lists/mine.txt"), "# mine\n198.51.100.0/24\n\n2001:db8::/32  # v6\n");
        RuleSet set = RuleLoader.load(RuleLoader.Dirs.under(conf), CAT);
        assertThat(set.rules()).extracting(Rule::name).containsExactly("shipped-a", "site-new", "site-b");
    }

    @Test
    void siteListsReplaceShippedLists() throws Exception {
        Files.createDirectories(conf.resolve("rules"));
        Files.createDirectories(conf.resolve("lists"));
        Files.createDirectories(conf.resolve("local.d/lists"));
        Files.writeString(conf.resolve("rules/a.rules"), "rule r\n stage connect\n when client.ip in @nets\n accept\n");
        Files.writeString(conf.resolve("lists/nets.txt"), "192.0.2.0/24\n");
        Files.writeString(conf.resolve("local.d/lists/nets.txt"), "203.0.113.0/24\n");
        RuleSet set = RuleLoader.load(RuleLoader.Dirs.under(conf), CAT);
        assertThat(set.evaluate(Stage.CONNECT, null, n -> Network.address("203.0.113.9"), 0).verdict().kind()).isEqualTo(Verdict.Kind.ACCEPT);
        assertThat(set.evaluate(Stage.CONNECT, null, n -> Network.address("192.0.2.9"), 0).verdict().kind()).isEqualTo(Verdict.Kind.CONTINUE);
    }

    @Test
    void badListEntriesNameFileAndLine() throws Exception {
        Files.createDirectories(conf.resolve("rules"));
        Files.createDirectories(conf.resolve("lists"));
        Files.writeString(conf.resolve("lists/nets.txt"), "# ok\n192.0.2.0/24\n10.1.1.1/8\ntwo words\n");
        RuleErrors e = catchThrowableOfType(RuleErrors.class, () -> RuleLoader.load(RuleLoader.Dirs.under(conf), CAT));
        assertThat(e.errors()).extracting(RuleError::toString).containsExactly(
                conf.resolve("lists/nets.txt") + ":3:1: not a valid address or CIDR range: '10.1.1.1/8' has host bits set beyond /8 (did you mean 10.0.0.0/8?)\n    10.1.1.1/8\n    ^",
                conf.resolve("lists/nets.txt") + ":4:1: one entry a line: 'two' holds a space\n    two words\n    ^".replace("'two'", "'two words'"));
    }
}
