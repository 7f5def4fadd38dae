package net.portcullis.policy.reports;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What may leave us about a reported message: its header, our users taken out (RFC 6590). */
class RedactionTest {
    static final Set<String> OURS = Set.of("example.net");

    @Test
    void recipientsDisplayNamesForClausesAndOurAddressesAnywhereAreRedactedTheSendersFieldsKept() {
        String message = "Received: from spam.example (unknown [203.0.113.9])\r\n\tby mx.example.net (Portcullis) with ESMTP id X\r\n"
                + "\tfor <alice@example.net>; Tue, 24 Nov 2026 10:00:00 +0000\r\n"
                + "From: \"Deals\" <deals@spam.example>\r\nReply-To: sales@spam.example\r\n"
                + "To: \"Alice Liddell\" <alice@example.net>,\r\n Bob Smith <bob@partner.example>\r\n"
                + "Cc: carol@example.net\r\nDelivered-To: alice@example.net\r\nX-Original-To: alice@sub.example.net\r\n"
                + "Subject: for dave@example.net only\r\n\r\nbody mentioning alice@example.net\r\n";
        String h = Redaction.headers(message.getBytes(StandardCharsets.ISO_8859_1), OURS);
        assertThat(h).doesNotContain("alice", "Alice", "Liddell", "bob@", "Bob Smith", "carol", "dave", "body")
                .contains("for <redacted@example.net>", "To: redacted@example.net, redacted@partner.example", "Cc: redacted@example.net",
                        "From: \"Deals\" <deals@spam.example>", "Reply-To: sales@spam.example", "Subject: for redacted@example.net only",
                        "X-Original-To: redacted@sub.example.net")
                .endsWith("\r\n");
    }

    @Test
    void aHugeOrHeaderlessMessageStaysBoundedAndNeverFails() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 20_000; i++) {
            b.append("X-Junk-").append(i).append(": user").append(i).append("@example.net\r\n");
        }
        String h = Redaction.headers(b.toString().getBytes(StandardCharsets.ISO_8859_1), OURS);
        assertThat(h.length()).isLessThanOrEqualTo(Redaction.MAX_HEADERS + 20_000);
        assertThat(h).doesNotContain("user1@");
        assertThat(Redaction.headers(new byte[0], OURS)).isEqualTo("\r\n");
        assertThat(Redaction.headers("no colon here".getBytes(StandardCharsets.ISO_8859_1), OURS)).isEqualTo("no colon here\r\n");
    }
}
