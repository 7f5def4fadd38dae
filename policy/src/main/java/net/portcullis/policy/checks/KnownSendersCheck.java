package net.portcullis.policy.checks;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import net.portcullis.policy.Check;
import net.portcullis.policy.Check.Spec;
import net.portcullis.policy.Event;
import net.portcullis.policy.MailAddress;
import net.portcullis.policy.Signal;
import net.portcullis.rules.SignalSpec;
import net.portcullis.rules.Stage;
import net.portcullis.rules.Type;

/**
 * Whether mail from this sender came through before (rspamd's {@code known_senders}): a first
 * contact is what a phishing run or a lookalike domain looks like to its recipient, and what
 * Exchange's "first contact" tip warns of. {@code sender.known} (the address delivered here
 * within known_senders.remember), {@code sender.domain_known} (its domain did), and
 * {@code sender.known_messages}. The envelope sender is the client's word: rules combine it
 * with SPF or DMARC before trusting it. Rules decide (47-known-senders.rules).
 */
public final class KnownSendersCheck implements Check {
    /**
     * The senders whose mail was delivered lately, counted per address and per domain: in this
     * process's memory (Caffeine), bounded in size, each entry expiring {@code remember} after
     * its last delivery.
     */
    public static final class Book {
        private final Cache<String, Long> seen;

        public Book(Duration remember, long maxTracked) {
            this.seen = Caffeine.newBuilder().executor(Runnable::run).expireAfterWrite(remember).maximumSize(maxTracked).build();
        }

        /** A message from {@code sender} was delivered (the null sender is never learned: bounces are anyone's). */
        public void delivered(String sender) {
            Key k = Key.of(sender);
            if (k != null) {
                count(k.address());
                count("@" + k.domain());
            }
        }

        /** One write: the entry expires {@code remember} after the last delivery. */
        private void count(String key) {
            seen.asMap().merge(key, 1L, Long::sum);
        }

        /** Addresses and domains kept now (for tests and metrics). */
        public long size() {
            return seen.estimatedSize();
        }

        /** Runs the cache's pending evictions now. */
        public void cleanUp() {
            seen.cleanUp();
        }

        long messages(String key) {
            Long n = seen.getIfPresent(key);
            return n == null ? 0 : n;
        }
    }

    private record Key(String address, String domain) {
        static Key of(String sender) {
            if (sender == null || sender.isEmpty()) {
                return null;
            }
            try {
                MailAddress a = MailAddress.parse(sender);
                return new Key(a.address().toLowerCase(Locale.ROOT), a.asciiDomain().toLowerCase(Locale.ROOT));
            } catch (MailAddress.InvalidAddress e) {
                return null;
            }
        }
    }

    private final Book book;

    public KnownSendersCheck(Book book) {
        this.book = book;
    }

    private static final Spec SPEC = Spec.inline("known-senders", Stage.MAIL, List.of(
                new SignalSpec("sender.known", Type.BOOL, Stage.MAIL, "mail from this envelope sender was delivered here within "
                        + "known_senders.remember (false for the null sender)", "true"),
                new SignalSpec("sender.domain_known", Type.BOOL, Stage.MAIL, "mail from this sender's domain was delivered here within "
                        + "known_senders.remember", "true"),
                new SignalSpec("sender.known_messages", Type.NUMBER, Stage.MAIL, "messages from this envelope sender delivered here "
                        + "within known_senders.remember", "12")));

    @Override
    public Spec spec() {
        return SPEC;
    }

    @Override
    public List<Signal> run(Event e) {
        Key k = Key.of(e.sender());
        long address = k == null ? 0 : book.messages(k.address());
        long domain = k == null ? 0 : book.messages("@" + k.domain());
        String who = k == null ? "the null sender" : k.address();
        return List.of(
                Signal.of("sender.known", address > 0, who + ": " + address + " delivered lately"),
                Signal.of("sender.domain_known", domain > 0, k == null ? "no domain" : k.domain() + ": " + domain + " delivered lately"),
                new Signal("sender.known_messages", address, who));
    }
}
