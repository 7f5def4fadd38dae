package net.portcullis.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The RFC5322.From domain DMARC aligns with, over OpenDMARC's finddomain cases (libopendmarc/tests/test_finddomain.c,
 * BSD licence; our parser refuses a From of several addresses, which OpenDMARC reads as its first) and the
 * quoted-display-name forgeries they point at.
 */
class AddressesTest {
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', nullValues = "NONE", quoteCharacter = '`', value = {
        "Joe Johnson <joe@joe.com>                         | joe.com",
        "\"Johnson, Joe <joe@joe.com>\" joe@joe.com        | joe.com",
        "\"Joe Johnson\" <joe@joe.com>                     | joe.com",
        "(Joe Johnson) joe@joe.com                         | joe.com",
        "joe@joe.com                                       | joe.com",
        "<<<><joe@joe.com>>>                               | NONE",
        "Joe Johnson <joe@joe.com>, ace@ace.com            | NONE",
        "Mail From:<joe@joe.com>                           | joe.com",
        "\"Mandel, Bob\" <joe@joe.com>                     | joe.com",
        "(,) joe@joe.com                                   | joe.com",
        "\"( bob@bob.com)\" joe@joe.com                    | joe.com",
        "Davide D'Marco <user@blah.com>                    | blah.com",
        // the '<' of a quoted display name is text: the address is the one outside the quotes
        "\"Bank <service@bank.example>\" <x@evil.example>  | evil.example",
        "\"Bank <service@bank.example>\" x@evil.example    | evil.example",
        "\"a>b\" <x@evil.example>                          | evil.example",
        "\"john doe\"@quoted.example                       | quoted.example",
    })
    void theAuthorDomain(String from, String domain) {
        assertThat(Addresses.authorDomain(List.of(from.strip()))).isEqualTo(domain);
    }
}
