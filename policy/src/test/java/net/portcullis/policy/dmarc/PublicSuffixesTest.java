package net.portcullis.policy.dmarc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The PSL's algorithm on its own published examples (rules, wildcards, exceptions, the default rule), and OrgDomains over it. */
class PublicSuffixesTest {
    @TempDir
    Path dir;

    @AfterEach
    void bundled() {
        OrgDomains.use(null);
    }

    PublicSuffixes list() throws IOException {
        return PublicSuffixes.load(Files.writeString(dir.resolve("public_suffix_list.dat"), """
                // ===BEGIN ICANN DOMAINS===
                com
                uk
                co.uk
                *.ck
                !www.ck
                // 日本
                jp
                香港
                """));
    }

    @Test
    void theListsOwnExamples() throws IOException {
        PublicSuffixes l = list();
        assertThat(l.registrable("example.com")).isEqualTo("example.com");
        assertThat(l.registrable("a.b.example.com")).isEqualTo("example.com");
        assertThat(l.registrable("com")).isNull();
        assertThat(l.registrable("mail.example.co.uk")).isEqualTo("example.co.uk");
        assertThat(l.registrable("co.uk")).isNull();
        assertThat(l.registrable("www.foo.ck")).isEqualTo("www.foo.ck"); // *.ck: foo.ck is a suffix
        assertThat(l.registrable("foo.ck")).isNull();
        assertThat(l.registrable("www.www.ck")).isEqualTo("www.ck"); // !www.ck: the exception is registrable
        assertThat(l.registrable("news.shop.test")).isEqualTo("shop.test"); // the default rule "*"
        assertThat(l.registrable("test")).isNull();
        assertThat(l.registrable("shop.香港")).isEqualTo("shop.xn--j6w193g");
    }

    @Test
    void orgDomainsUsesALoadedListAndTheDefaultRuleEitherWay() throws IOException {
        assertThat(OrgDomains.of("news.shop.test")).as("bundled list").isEqualTo("shop.test");
        assertThat(OrgDomains.of("mail.example.co.uk")).isEqualTo("example.co.uk");
        OrgDomains.use(list());
        assertThat(OrgDomains.source()).contains("public_suffix_list.dat");
        assertThat(OrgDomains.of("news.shop.test")).isEqualTo("shop.test");
        assertThat(OrgDomains.aligned("a.news.shop.test", "shop.test", false)).isTrue();
    }

    @Test
    void debiansListLoadsWhenInstalled() throws IOException {
        Path debian = Path.of("/usr/share/publicsuffix/public_suffix_list.dat");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isReadable(debian), "Debian's publicsuffix package (bin/test installs it)");
        PublicSuffixes l = PublicSuffixes.load(debian);
        assertThat(l.size()).isGreaterThan(5000);
        assertThat(l.registrable("mail.example.co.uk")).isEqualTo("example.co.uk");
        assertThat(l.registrable("a.b.c.kawasaki.jp")).isEqualTo("b.c.kawasaki.jp"); // *.kawasaki.jp
        assertThat(l.registrable("www.city.kawasaki.jp")).isEqualTo("city.kawasaki.jp"); // !city.kawasaki.jp
    }

    @Test
    void aFileWithoutRulesIsRefused() throws IOException {
        Path empty = Files.writeString(dir.resolve("empty.dat"), "// nothing\n");
        assertThatThrownBy(() -> PublicSuffixes.load(empty)).hasMessageContaining("holds no public suffix rules");
    }
}
