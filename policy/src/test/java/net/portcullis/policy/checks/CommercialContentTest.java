package net.portcullis.policy.checks;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import net.portcullis.policy.Client;
import net.portcullis.policy.Event;
import net.portcullis.policy.MessageFacts;
import net.portcullis.policy.Signal;
import net.portcullis.policy.dkim.Messages;
import net.portcullis.rules.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The commercial-content signs: advertising labels only in their real forms, discussion lists
 * not taken for advertising, and the false-positive rate measured on SpamAssassin's ham.
 */
class CommercialContentTest {
    static final Path CORPUS = Path.of("src/test/resources/spamham");

    static List<Signal> run(MessageFacts m) throws Exception {
        Client c = new Client(InetAddress.getByName("203.0.113.5"), null, "mail.sender.example", false, null);
        return new ConsentChecks.Content().run(new Event(Stage.DATA, c, "a@sender.example", null, m));
    }

    static Object value(List<Signal> s, String name) {
        return s.stream().filter(x -> x.name().equals(name)).findFirst().map(Signal::value).orElse(null);
    }

    static List<Signal> withSubject(String subject, String... more) throws Exception {
        String h = "From: a@sender.example\r\nSubject: " + subject + "\r\n" + String.join("", more) + "\r\nbody\r\n";
        return run(Messages.of(h.getBytes(StandardCharsets.UTF_8)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"[AD] Winter sale", "(ADV) new offers", "ADV: your house", "AD: cheap", "【广告】 双十一", "广告：促销",
            "广告 促销", "(광고) 할인", "[ ADV ] spaced", "=?UTF-8?B?44CQ5bm/5ZGK44CRIOS/g+mUgA==?="})
    void realLabelsAreFound(String subject) throws Exception {
        assertThat(value(withSubject(subject), "commercial.subject_labelled")).as(subject).isEqualTo(true);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Ad hoc meeting at 3", "ad: lowercase is not the label", "Advice on the contract", "ADVERTISING budget",
            "Adam's notes", "AD2026 planning", "[Admin] password reset", "RE: [ad-hoc] group", "广告投放方案", "Re: AD group policy"})
    void ordinaryWordsAreNotLabels(String subject) throws Exception {
        assertThat(value(withSubject(subject), "commercial.subject_labelled")).as(subject).isEqualTo(false);
    }

    @Test
    void aDiscussionListIsNotAdvertisingButANewsletterIs() throws Exception {
        List<Signal> list = withSubject("Re: [dev] release plan", "List-Id: <dev.lists.example.org>\r\n",
                "List-Post: <mailto:dev@lists.example.org>\r\n", "List-Unsubscribe: <mailto:dev-leave@lists.example.org>\r\n",
                "Precedence: list\r\n");
        assertThat(value(list, "commercial.content")).isEqualTo(false);
        List<Signal> news = withSubject("Our winter offers", "List-Unsubscribe: <https://shop.example/u?x=1>\r\n",
                "Precedence: bulk\r\n");
        assertThat(value(news, "commercial.content")).isEqualTo(true);
        List<Signal> announce = withSubject("Offers", "List-Post: NO\r\n", "List-Unsubscribe: <mailto:u@shop.example>\r\n");
        assertThat(value(announce, "commercial.content")).isEqualTo(true);
    }

    /**
     * SpamAssassin's ham (nice/) and spam: no ham message carries a label; the share of ham taken
     * for commercial mail is the figure docs/consent.md states.
     */
    @Test
    void falsePositivesOnHamAreMeasured() throws Exception {
        int ham = 0;
        int hamCommercial = 0;
        int hamLabelled = 0;
        StringBuilder which = new StringBuilder();
        try (Stream<Path> files = Files.walk(CORPUS.resolve("nice"))) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                List<Signal> s = run(Messages.load(f));
                ham++;
                if (Boolean.TRUE.equals(value(s, "commercial.content"))) {
                    hamCommercial++;
                    which.append(CORPUS.relativize(f)).append(" (").append(value(s, "commercial.signs")).append(") ");
                }
                if (Boolean.TRUE.equals(value(s, "commercial.subject_labelled"))) {
                    hamLabelled++;
                }
            }
        }
        assertThat(ham).isEqualTo(61);
        assertThat(hamLabelled).isZero();
        assertThat(hamCommercial).as("the figure in docs/consent.md: " + which).isLessThanOrEqualTo(1);
    }
}
