package net.portcullis.policy.checks;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import net.portcullis.policy.Client;
import net.portcullis.policy.Event;
import net.portcullis.policy.Signal;
import net.portcullis.rules.Stage;
import org.junit.jupiter.api.Test;

class KnownSendersCheckTest {
    final KnownSendersCheck.Book book = new KnownSendersCheck.Book(Duration.ofDays(1), 100);
    final KnownSendersCheck check = new KnownSendersCheck(book);

    Map<String, Object> signals(String sender) throws Exception {
        Event e = new Event(Stage.MAIL, new Client(InetAddress.getByName("203.0.113.5"), null, "mail.sender.example", false, null),
                sender, null, null);
        List<Signal> out = check.run(e);
        return out.stream().collect(Collectors.toMap(Signal::name, Signal::value));
    }

    @Test
    void aSenderIsKnownOnceItsMailWasDeliveredAndItsDomainWithIt() throws Exception {
        assertThat(signals("alice@sender.example")).containsEntry("sender.known", false).containsEntry("sender.domain_known", false)
                .containsEntry("sender.known_messages", 0L);
        book.delivered("Alice@Sender.Example");
        book.delivered("alice@sender.example");
        assertThat(signals("alice@sender.example")).containsEntry("sender.known", true).containsEntry("sender.known_messages", 2L);
        assertThat(signals("bob@sender.example")).containsEntry("sender.known", false).containsEntry("sender.domain_known", true);
        assertThat(signals("bob@other.example")).containsEntry("sender.domain_known", false);
    }

    @Test
    void theNullSenderAndMalformedAddressesAreNeverLearnedNorKnown() throws Exception {
        book.delivered("");
        book.delivered("not an address");
        assertThat(signals("")).containsEntry("sender.known", false).containsEntry("sender.domain_known", false);
        assertThat(signals("not an address")).containsEntry("sender.known", false);
    }

    @Test
    void theBookIsBoundedInSize() {
        KnownSendersCheck.Book small = new KnownSendersCheck.Book(Duration.ofDays(1), 10);
        for (int i = 0; i < 1000; i++) {
            small.delivered("user" + i + "@sender" + i + ".example");
        }
        small.cleanUp();
        assertThat(small.size()).isLessThanOrEqualTo(10);
    }
}
