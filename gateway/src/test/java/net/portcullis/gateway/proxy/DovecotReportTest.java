package net.portcullis.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import net.portcullis.policy.reports.ReportStore;
import net.portcullis.gateway.testing.Eventually;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.subethamail.wiser.Wiser;

/**
 * The IMAP inlet as shipped in conf/dovecot: Debian's Dovecot with Pigeonhole's IMAPSieve runs
 * the shipped sieve scripts when a real IMAP client (Jakarta Mail) MOVEs a message delivered
 * through the gateway into Junk or out of it, and the shipped portcullis-report posts it to the
 * gateway's report API with the user who moved it as reporter.
 */
class DovecotReportTest {
    static final String TOKEN = "dovecot1-token-0123456789";

    @TempDir
    Path tmp;

    @Test
    void movingIntoJunkReportsSpamMovingOutReportsHamAndAReportWaitsOutADownGateway() throws Exception {
        Wiser downstream = GatewayHarness.wiser((f, r) -> true);
        try (GatewayHarness gw = new GatewayHarness(GatewayHarness.port(downstream), tmp,
                "reports: {reporters: 5, api_listen: \"127.0.0.1:0\", api_tokens: {dovecot1: " + TOKEN + "}}");
             DovecotServer dovecot = new DovecotServer("http://127.0.0.1:" + gw.gateway.reportApiPort(), TOKEN)) {
            assertThat(gw.message("127.0.0.9", "deals@other.org", "alice@example.net", "cheap offer")).startsWith("250 ");
            assertThat(gw.message("127.0.0.10", "news@other.org", "alice@example.net", "weekly news")).startsWith("250 ");
            ReportStore reports = new ReportStore(gw.gateway.listStore().database());

            Store imap = dovecot.login("alice@example.net");
            try {
                Folder inbox = imap.getFolder("INBOX");
                Folder junk = imap.getFolder("Junk");
                junk.create(Folder.HOLDS_MESSAGES);
                // delivered: the messages as the gateway passed them, our Received field on top
                inbox.appendMessages(delivered(downstream));
                inbox.open(Folder.READ_WRITE);
                ((IMAPFolder) inbox).moveMessages(new Message[] {inbox.getMessage(1)}, junk);
                List<ReportStore.Stored> spam = await(dovecot, "no report after a move into Junk", () -> reports.recent(10), r -> r.size() == 1);
                assertThat(spam.get(0).reporter()).isEqualTo("alice@example.net");
                assertThat(spam.get(0).feedbackType()).isEqualTo("abuse");
                assertThat(spam.get(0).sourceIp()).isEqualTo("127.0.0.9");
                assertThat(spam.get(0).counted()).as("our Received field leads to our decision").isTrue();

                junk.open(Folder.READ_WRITE);
                ((IMAPFolder) junk).moveMessages(new Message[] {junk.getMessage(1)}, inbox);
                // her last word on that message stands: the one report is now "not spam"
                List<ReportStore.Stored> ham = await(dovecot, "no report after a move out of Junk", () -> reports.recent(10),
                        r -> r.size() == 1 && r.get(0).feedbackType().equals("not-spam"));
                assertThat(ham.get(0).reporter()).isEqualTo("alice@example.net");

                // the gateway cannot take reports: the report waits in the spool, and goes with the next one
                dovecot.pointAt("http://127.0.0.1:" + net.portcullis.policy.testing.Loopback.freePort(), TOKEN);
                inbox.close(false);
                inbox.open(Folder.READ_WRITE);
                Message news = inbox.search(new jakarta.mail.search.BodyTerm("weekly news"))[0];
                ((IMAPFolder) inbox).moveMessages(new Message[] {news}, junk);
                await(dovecot, "the report in the spool", () -> spooled(dovecot), l -> l.size() == 1);
                assertThat(reports.recent(10)).hasSize(1);
                dovecot.pointAt("http://127.0.0.1:" + gw.gateway.reportApiPort(), TOKEN);
                junk.close(false);
                junk.open(Folder.READ_WRITE);
                Message cheap = inbox.search(new jakarta.mail.search.BodyTerm("cheap offer"))[0];
                ((IMAPFolder) inbox).moveMessages(new Message[] {cheap}, junk);
                List<ReportStore.Stored> both = await(dovecot, "the spooled report was not sent with the next", () -> reports.recent(10),
                        r -> r.size() == 2 && r.stream().allMatch(x -> x.feedbackType().equals("abuse")));
                assertThat(both).extracting(ReportStore.Stored::sourceIp).containsExactlyInAnyOrder("127.0.0.9", "127.0.0.10");
                assertThat(spooled(dovecot)).isEmpty();
            } finally {
                imap.close();
            }
        } finally {
            downstream.stop();
        }
    }

    /** Waits for what Dovecot's sieve pipe does; on a timeout, says what Dovecot logged. */
    private static <T> T await(DovecotServer d, String what, java.util.concurrent.Callable<T> attempt, java.util.function.Predicate<T> done)
            throws Exception {
        try {
            return Eventually.value(what, Duration.ofSeconds(20), attempt, done);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\ndovecot log:\n" + log(d), e);
        }
    }

    private static Message[] delivered(Wiser downstream) throws Exception {
        Session s = Session.getInstance(new Properties());
        return downstream.getMessages().stream().map(m -> {
            try {
                return (Message) new MimeMessage(s, new ByteArrayInputStream(m.getData()));
            } catch (jakarta.mail.MessagingException e) {
                throw new IllegalStateException(e);
            }
        }).toArray(Message[]::new);
    }

    private static List<Path> spooled(DovecotServer d) throws Exception {
        if (!Files.isDirectory(d.spool)) {
            return List.of();
        }
        try (var files = Files.list(d.spool)) {
            return files.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith(".")).toList();
        }
    }

    private static String log(DovecotServer d) {
        try {
            return d.log();
        } catch (Exception e) {
            return "(unreadable: " + e + ")";
        }
    }
}
