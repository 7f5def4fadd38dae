package net.portcullis.gateway.hold;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import net.portcullis.gateway.config.GatewayConfig;
import net.portcullis.gateway.downstream.DownstreamException;
import net.portcullis.gateway.downstream.Downstreams;
import net.portcullis.gateway.downstream.Resend;
import net.portcullis.policy.MessageFacts;
import net.portcullis.policy.store.HoldStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells recipients about mail held for them: one digest per recipient, through the protected
 * server like any mail, listing sender, subject and date of each newly held message with a
 * one-click release link (signed, expiring with the message, good once). A recipient is told
 * of a message once; a digest the server does not take is tried again next time.
 */
public final class HoldDigest {
    private static final Logger LOG = LoggerFactory.getLogger(HoldDigest.class);

    private final HoldStore holds;
    private final Downstreams pool;
    private final GatewayConfig.Digest cfg;
    private final String hostname;

    public HoldDigest(HoldStore holds, Downstreams pool, GatewayConfig.Digest cfg, String hostname) {
        this.holds = holds;
        this.pool = pool;
        this.cfg = cfg;
        this.hostname = hostname;
    }

    /** Sends the digests due now; returns how many the server took. */
    public int sendDue(Instant now) {
        int sent = 0;
        try {
            for (Map.Entry<String, List<HoldStore.Held>> e : holds.awaitingDigest().entrySet()) {
                String rcpt = e.getKey();
                byte[] digest = compose(rcpt, e.getValue(), now);
                Resend.Outcome o = Resend.send(pool, cfg.from(), List.of(rcpt), digest);
                if (!o.delivered()) {
                    LOG.warn("digest for {} not taken by the mail server: {}", rcpt, o.replies());
                    continue;
                }
                for (HoldStore.Held h : e.getValue()) {
                    holds.markDigested(h.ref(), rcpt, now);
                }
                sent++;
            }
        } catch (DownstreamException ex) {
            LOG.warn("digests of held mail wait for the mail server: {}", ex.getMessage());
        } catch (SQLException | IOException | RuntimeException ex) {
            LOG.warn("digests of held mail failed: {}", ex.toString());
        }
        return sent;
    }

    byte[] compose(String rcpt, List<HoldStore.Held> held, Instant now) throws IOException {
        DateTimeFormatter rfc = DateTimeFormatter.RFC_1123_DATE_TIME;
        StringBuilder b = new StringBuilder();
        b.append("From: Mail filter <").append(cfg.from()).append(">\r\n");
        b.append("To: <").append(rcpt).append(">\r\n");
        b.append("Subject: ").append(held.size()).append(" message(s) held for you\r\n");
        b.append("Date: ").append(rfc.format(ZonedDateTime.ofInstant(now, ZoneOffset.UTC))).append("\r\n");
        b.append("Message-ID: <digest.").append(UUID.randomUUID()).append('@').append(hostname).append(">\r\n");
        b.append("Auto-Submitted: auto-generated\r\n");
        b.append("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n");
        b.append("Our mail filter held these messages to you for review instead of delivering them.\r\n");
        b.append("If one is mail you want, open its link to have it delivered to you.\r\n");
        if (cfg.reportUrl() != null) {
            b.append("Its Spam or Not spam link tells us what it is, which helps us filter better for everyone.\r\n");
        }
        b.append("\r\n");
        for (HoldStore.Held h : held) {
            b.append("From:    ").append(h.sender().isEmpty() ? "<>" : h.sender()).append("\r\n");
            b.append("Subject: ").append(subject(h)).append("\r\n");
            b.append("Date:    ").append(rfc.format(ZonedDateTime.ofInstant(h.heldAt(), ZoneOffset.UTC))).append("\r\n");
            b.append("Why:     ").append(oneLine(h.reason())).append("\r\n");
            b.append("Deliver: ").append(cfg.releaseUrl().replace("{token}", holds.releaseToken(h.ref(), rcpt, h.expiresAt())))
                    .append("\r\n");
            if (cfg.unsubscribeUrl() != null && offersOneClick(h)) {
                b.append("Unsubscribe: ").append(cfg.unsubscribeUrl().replace("{token}", holds.unsubscribeToken(h.ref(), rcpt, h.expiresAt())))
                        .append("\r\n");
            }
            if (cfg.reportUrl() != null) {
                b.append("Spam:    ").append(cfg.reportUrl().replace("{token}", holds.reportToken(h.ref(), rcpt, true, h.expiresAt())))
                        .append("\r\n");
                b.append("Not spam: ").append(cfg.reportUrl().replace("{token}", holds.reportToken(h.ref(), rcpt, false, h.expiresAt())))
                        .append("\r\n");
            }
            b.append("Kept until ").append(rfc.format(ZonedDateTime.ofInstant(h.expiresAt(), ZoneOffset.UTC)))
                    .append(", then deleted. Reference ").append(h.ref()).append(".\r\n\r\n");
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Whether the held message offers RFC 8058 one-click unsubscription (the link does it for the recipient). */
    private boolean offersOneClick(HoldStore.Held h) {
        try {
            return net.portcullis.policy.consent.OneClickUnsubscribe.offeredBy(holds.read(h.ref()), cfg.unsubscribeInsecure()).isPresent();
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** The held message's Subject, decoded, on one line; the recipient is entitled to read it. */
    private String subject(HoldStore.Held h) {
        try {
            byte[] m = holds.read(h.ref());
            String text = new String(m, StandardCharsets.ISO_8859_1);
            int end = text.indexOf("\r\n\r\n");
            byte[] header = end < 0 ? m : java.util.Arrays.copyOf(m, end + 4);
            String s = MessageFacts.parse(header, m.length).first("Subject");
            if (s == null) {
                return "(none)";
            }
            return oneLine(net.portcullis.policy.HeaderText.decode(s));
        } catch (IOException | RuntimeException e) {
            return "(unreadable)";
        }
    }

    private static String oneLine(String s) {
        String t = s.replaceAll("[\\r\\n\\t]+", " ").strip();
        return t.length() > 200 ? t.substring(0, 200) + "…" : t;
    }
}
