package net.portcullis.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.subethamail.wiser.WiserMessage;

/**
 * Recipients learn of mail held for them: a digest through the mail server lists it with a
 * signed link; opening the link asks, its button delivers to that recipient only, once.
 */
class HoldDigestTest {
    @TempDir
    Path var;

    /** A gateway that holds mail from held.example and sends digests with release (and report) links. */
    private GatewayHarness withDigests() throws Exception {
        Files.createDirectories(var.resolve("local.d"));
        Files.writeString(var.resolve("local.d/90-hold.rules"), HoldEndToEndTest.HOLD_RULE);
        return GatewayHarness.withWiser(var, """
                review: {public_listen: 127.0.0.1:0}
                hold: {digest: {every: 1d, release_url: "https://p.example.net/release/{token}"}}
                """);
    }

    @Test
    void aDigestTellsEachRecipientAndItsLinkDeliversOnceToThatRecipientOnly() throws Exception {
        try (GatewayHarness gw = withDigests()) {
            String ref = HoldEndToEndTest.deliver(gw);
            assertThat(gw.gateway.sendDigests()).isEqualTo(2);
            assertThat(gw.gateway.sendDigests()).as("each recipient is told once").isZero();
            List<WiserMessage> digests = gw.downstream().getMessages();
            assertThat(digests).extracting(WiserMessage::getEnvelopeReceiver).containsExactlyInAnyOrder("u1@example.net", "u2@example.net");
            WiserMessage toU1 = digests.stream().filter(m -> m.getEnvelopeReceiver().equals("u1@example.net")).findFirst().orElseThrow();
            String text = new String(toU1.getData(), StandardCharsets.UTF_8);
            assertThat(text).contains("Subject: 1 message(s) held for you", "Auto-Submitted: auto-generated", "From:    a@held.example",
                    "Subject: quarterly", "Why:     mail from held.example is reviewed first", "Reference " + ref);
            Matcher m = Pattern.compile("https://p\\.example\\.net/release/(\\S+)").matcher(text);
            assertThat(m.find()).isTrue();
            String token = m.group(1);

            HttpClient http = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + gw.gateway.refPagePort() + "/release/";
            HttpResponse<String> ask = http.send(HttpRequest.newBuilder(URI.create(base + token)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(ask.statusCode()).isEqualTo(200);
            assertThat(ask.body()).contains("<form method=\"post\">", "Deliver it to u1@example.net");
            assertThat(gw.downstream().getMessages()).as("a GET delivers nothing").hasSize(2);

            HttpResponse<String> done = http.send(HttpRequest.newBuilder(URI.create(base + token)).POST(HttpRequest.BodyPublishers.noBody())
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
            assertThat(gw.downstream().getMessages()).hasSize(3);
            WiserMessage released = gw.downstream().getMessages().get(2);
            assertThat(released.getEnvelopeReceiver()).isEqualTo("u1@example.net");
            assertThat(new String(released.getData(), StandardCharsets.ISO_8859_1)).endsWith(HoldEndToEndTest.MESSAGE);

            assertThat(http.send(HttpRequest.newBuilder(URI.create(base + token)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).as("once only").isEqualTo(409);
            String forged = token.substring(0, token.indexOf('.')) + ".AAAA" + token.substring(token.indexOf('.') + 5);
            assertThat(http.send(HttpRequest.newBuilder(URI.create(base + forged)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(403);
            assertThat(gw.downstream().getMessages()).hasSize(3);
            assertThat(gw.gateway.holds().find(ref).state()).as("still held for u2").isEqualTo("held");
            // the admin's release now goes to u2 only: u1 has it already
            Path conf = Files.writeString(var.resolve("g.yaml"), "hostname: mx.example.net\ndownstream: 127.0.0.1:"
                    + GatewayHarness.port(gw.downstream()) + "\ndomains: [example.net]\nvar_dir: " + var + "\n"
                    + "rules: {directory: ../conf/rules, local: " + var.resolve("local.d") + ", lists: ../conf/lists}\n");
            var admin = DecisionStoreEndToEndTest.cli("hold", "release", ref, "--config", conf.toString());
            assertThat(admin.exit()).as(admin.err()).isZero();
            assertThat(gw.downstream().getMessages()).hasSize(4);
            assertThat(gw.downstream().getMessages().get(3).getEnvelopeReceiver()).isEqualTo("u2@example.net");
            assertThat(gw.gateway.holds().find(ref).state()).isEqualTo("released");
        }
    }

    @Test
    void aDigestsSpamAndNotSpamLinksAreEachRecipientsSignedReport() throws Exception {
        try (GatewayHarness gw = withDigests()) {
            String ref = HoldEndToEndTest.deliver(gw);
            assertThat(gw.gateway.sendDigests()).isEqualTo(2);
            String u1 = digestTo(gw, "u1@example.net");
            String u2 = digestTo(gw, "u2@example.net");
            String spam = link(u1, "Spam:    ");
            String notSpam = link(u2, "Not spam: ");
            String release = link(u1, "Deliver: ");
            var reports = new net.portcullis.policy.reports.ReportStore(gw.gateway.listStore().database());

            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> ask = http.send(HttpRequest.newBuilder(URI.create(local(gw, spam))).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(ask.statusCode()).isEqualTo(200);
            assertThat(ask.body()).contains("Report this message as spam?", "<form method=\"post\">");
            assertThat(reports.recent(10)).as("a GET (a mail scanner following links) reports nothing").isEmpty();

            HttpResponse<String> done = post(http, local(gw, spam));
            assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
            assertThat(done.body()).contains("is recorded");
            assertThat(post(http, local(gw, notSpam)).statusCode()).isEqualTo(200);
            assertThat(reports.recent(10)).extracting(r -> r.reporter() + " " + r.feedbackType() + " " + r.ref() + " " + r.counted())
                    .containsExactlyInAnyOrder("u1@example.net abuse " + ref + " true", "u2@example.net not-spam " + ref + " true");
            assertThat(post(http, local(gw, spam)).body()).contains("You already reported this message as spam");

            String forged = spam.substring(0, spam.lastIndexOf('.') + 1) + "AAAA" + spam.substring(spam.lastIndexOf('.') + 5);
            assertThat(post(http, local(gw, forged)).statusCode()).isEqualTo(403);
            String releaseAsReport = local(gw, spam).replaceFirst("/report/.*", "/report/" + release.substring(release.lastIndexOf('/') + 1));
            assertThat(post(http, releaseAsReport).statusCode()).as("a release token is no report token").isEqualTo(403);
            assertThat(reports.recent(10)).hasSize(2);
            assertThat(gw.gateway.holds().find(ref).state()).as("reporting releases nothing").isEqualTo("held");
        }
    }

    private static String digestTo(GatewayHarness gw, String rcpt) {
        return gw.downstream().getMessages().stream().filter(m -> m.getEnvelopeReceiver().equals(rcpt))
                .map(m -> new String(m.getData(), StandardCharsets.UTF_8)).findFirst().orElseThrow();
    }

    private static String link(String digest, String label) {
        Matcher m = Pattern.compile(Pattern.quote(label) + "(https://\\S+)").matcher(digest);
        assertThat(m.find()).as(label + " in\n" + digest).isTrue();
        return m.group(1);
    }

    /** The link as served by this gateway's public listener (the digest names the public URL). */
    private static String local(GatewayHarness gw, String link) {
        return link.replace("https://p.example.net", "http://127.0.0.1:" + gw.gateway.refPagePort());
    }

    private static HttpResponse<String> post(HttpClient http, String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
