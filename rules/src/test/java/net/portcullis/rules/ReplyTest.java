package net.portcullis.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ReplyTest {

    @Test
    void lineEndsWithTheReference() {
        Reply r = new Reply(550, "5.7.1", "Relay access denied");
        assertThat(r.line("7QX2K9")).isEqualTo("550 5.7.1 Relay access denied [ref 7QX2K9]");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "250|2.0.0|ok|reply code 250 is not a 4xx or 5xx refusal",
            "550|4.7.1|no|enhanced status 4.7.1 does not match the class of reply code 550",
            "451|4.x.1|no|enhanced status '4.x.1' is not of the form class.subject.detail",
            "451|4.3.0| |reply text is empty",
    })
    void invalidRepliesAreRefusedWithTheReason(int code, String status, String text, String message) {
        assertThatThrownBy(() -> new Reply(code, status, text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
    }

    @Test
    void lineBreaksCannotBeInjected() {
        assertThatThrownBy(() -> new Reply(550, "5.7.1", "no\r\n250 ok"))
                .hasMessageContaining("outside printable ASCII");
        assertThat(Reply.sanitized(550, "5.7.1", "no\r\n250 ok").text()).isEqualTo("no??250 ok");
    }

    @Test
    void softBounceTurnsPermanentIntoTemporary() {
        Verdict v = Verdict.refuse(new Reply(554, "5.7.1", "listed"), "r1", "listed");
        Verdict soft = v.softBounced();
        assertThat(soft.kind()).isEqualTo(Verdict.Kind.TEMPFAIL);
        assertThat(soft.reply().code()).isEqualTo(454);
        assertThat(soft.reply().status()).isEqualTo("4.7.1");
        Verdict temp = Verdict.refuse(new Reply(451, "4.3.0", "later"), "r2", "x");
        assertThat(temp.softBounced()).isSameAs(temp);
    }
}
