package net.portcullis.policy.checks;

import static org.assertj.core.api.Assertions.assertThat;

import net.portcullis.policy.dkim.Messages;
import org.junit.jupiter.api.Test;

class AttachmentCheckTest {
    @Test
    void onlyASingleTextPartThatIsNoFileSkipsTheWalk() {
        assertThat(AttachmentCheck.plainText(Messages.of("From: a@b.example\n\nhi\n"))).isTrue();
        assertThat(AttachmentCheck.plainText(Messages.of("From: a@b.example\nContent-Type: text/html; charset=utf-8\n\n<p>hi</p>\n"))).isTrue();
        assertThat(AttachmentCheck.plainText(Messages.of("From: a@b.example\nContent-Type: text/plain; name=\"run.js\"\n\nx\n"))).isFalse();
        assertThat(AttachmentCheck.plainText(Messages.of("From: a@b.example\nContent-Type: text/plain\n"
                + "Content-Disposition: attachment; filename=\"a.bat\"\n\nx\n"))).isFalse();
        assertThat(AttachmentCheck.plainText(Messages.of("From: a@b.example\nContent-Type: multipart/mixed; boundary=b\n\n--b--\n")))
                .isFalse();
        assertThat(AttachmentCheck.plainText(Messages.of("From: a@b.example\nContent-Type: application/octet-stream\n\nx\n"))).isFalse();
    }
}
