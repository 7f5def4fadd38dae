package net.portcullis.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MailAddressTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "user@example.net|user|example.net",
            "<User.Name+tag@Example.NET>|User.Name+tag|example.net",
            "\"john doe\"@example.net|\"john doe\"|example.net",
            "postmaster|postmaster|",
            "o'brien@example.net|o'brien|example.net",
            "ü@bücher.example|ü|bücher.example",
    })
    void validAddresses(String in, String local, String domain) throws Exception {
        MailAddress a = MailAddress.parse(in);
        assertThat(a.localPart()).isEqualTo(local);
        assertThat(a.domain()).isEqualTo(domain);
    }

    @org.junit.jupiter.api.Test
    void addressLiteralsAreValidSyntaxLeftToPolicy() throws Exception {
        // RFC 5321 4.1.3: valid; the recipient stage calls it a routing trick, a rule refuses it as a sender
        assertThat(MailAddress.parse("a@[192.0.2.1]").isAddressLiteral()).isTrue();
        assertThat(MailAddress.parse("a@[IPv6:2001:db8::1]").isAddressLiteral()).isTrue();
        assertThat(MailAddress.parse("a@example.net").isAddressLiteral()).isFalse();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = { // the texts quote with '
            "a%b@example.net|ROUTING_TRICK|'%' in the local part (the percent hack) is not accepted",
            "b!a@example.net|ROUTING_TRICK|'!' in the local part (a UUCP bang path) is not accepted",
            "\"a@b\"@example.net|ROUTING_TRICK|a quoted local part holding '@', '%' or '!' is not accepted",
            "@x.org:a@example.net|ROUTING_TRICK|source routes (@host:user@domain) are not accepted",
            "a@[192.0.2.300]|SYNTAX|address literal [192.0.2.300] is neither an IPv4 nor an IPv6: address",
            "a@[mail.example]|SYNTAX|address literal [mail.example] is neither an IPv4 nor an IPv6: address",
            "a@[IPv6:2001:db8::1::2]|SYNTAX|address literal [IPv6:2001:db8::1::2] is not a valid IPv6 address",
            "a@[192.0.2.1|SYNTAX|unterminated address literal",
            "a@example.net.|ROUTING_TRICK|a domain with a trailing dot is not accepted",
            "a@b.org@example.net|ROUTING_TRICK|an address with more than one '@' is not accepted",
            "\"a\"@b.org@example.net|ROUTING_TRICK|an address with more than one '@' is not accepted",
            "``|SYNTAX|empty address",
            "user|SYNTAX|address has no domain",
            "@|ROUTING_TRICK|source routes (@host:user@domain) are not accepted",
            "a@|SYNTAX|address has an empty domain",
            "a..b@example.net|SYNTAX|local part has a misplaced dot",
            "a b@example.net|SYNTAX|character ' ' is not allowed in an unquoted local part",
            "a\\@x@example.net|ROUTING_TRICK|an address with more than one '@' is not accepted",
            "a\\x@example.net|SYNTAX|character '\\' is not allowed in an unquoted local part",
            "a@exa_mple.net|SYNTAX|character '_' is not allowed in a domain",
            "a@-x.net|SYNTAX|domain label starts or ends with '-'",
            "a@x..net|SYNTAX|domain has an empty label",
            "\"abc|SYNTAX|unterminated quoted local part",
    })
    void problemsAreClassifiedAndExplained(String in, MailAddress.Problem.Kind kind, String reason) {
        MailAddress.InvalidAddress e = catchThrowableOfType(MailAddress.InvalidAddress.class, () -> MailAddress.parse(in));
        assertThat(e).as(in).isNotNull();
        assertThat(e.problem().kind()).isEqualTo(kind);
        assertThat(e.problem().reason()).isEqualTo(reason);
    }
}
