package net.portcullis.policy.content;

import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;
import jakarta.mail.util.SharedByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import net.portcullis.policy.MessageFacts;

/**
 * The parts of a message, walked with Jakarta Mail within bounds: the bytes of the message
 * read, nesting depth (multiparts and forwarded message/rfc822 alike), number of parts, and the
 * decoded bytes read of each text part. Quoted-printable and base64 are undone by Jakarta Mail; a text part's charset is its
 * declared one (UTF-8 when it names none or one Java does not know). Malformed MIME never
 * throws out of here: the walk stops where it could not go on and says so in {@link Outcome}.
 */
public final class MimeWalk {
    /**
     * The bounds of one walk. {@code maxBytes} of the message are read at most: Jakarta Mail holds
     * what it parses in memory, and links and text come early while attachments make the bulk.
     */
    public record Limits(int maxDepth, int maxParts, int maxTextBytes, long maxBytes) {
        public static final Limits DEFAULT = new Limits(10, 200, 512 * 1024, 4L << 20);
    }

    /** What the walk met, beyond what the visitor was told. */
    public record Outcome(int parts, int depth, boolean tooDeep, boolean tooManyParts, boolean textCut, boolean tooBig, String malformed) {
        /** Whether any bound stopped the walk short of the whole message. */
        public boolean truncated() {
            return tooDeep || tooManyParts || textCut || tooBig;
        }
    }

    /** Hears each text part (text/plain, text/html, decoded) in message order. */
    public interface Visitor {
        void text(String subtype, String text);

        /**
         * A part that is a file: it has a file name, or is neither text nor a container. Its
         * content, decoded, is read from {@code content} if the visitor wants it.
         */
        default void attachment(String filename, String contentType, Content content) throws IOException {
        }
    }

    /** A part's decoded content, opened on demand. */
    @FunctionalInterface
    public interface Content {
        InputStream open() throws IOException;
    }

    private static final Session SESSION = Session.getInstance(new Properties());

    private final Limits limits;
    private final Visitor visitor;
    private int parts;
    private int deepest;
    private boolean tooDeep;
    private boolean tooManyParts;
    private boolean textCut;

    private MimeWalk(Limits limits, Visitor visitor) {
        this.limits = limits;
        this.visitor = visitor;
    }

    /** Walks {@code message} (its header fields and body source), telling {@code visitor} of each text part. */
    public static Outcome walk(MessageFacts message, Limits limits, Visitor visitor) {
        MimeWalk w = new MimeWalk(limits, visitor);
        String malformed = null;
        boolean tooBig = false;
        try (InputStream body = message.body().open()) {
            byte[] header = message.headerBlock();
            long cap = header.length + Math.min(limits.maxBytes(), Integer.MAX_VALUE - 16L - header.length);
            // sized by the message (a 5 KB message takes 5 KB, not max_scan), grown if its size was short
            byte[] bytes = java.util.Arrays.copyOf(header, (int) Math.min(cap, header.length + Math.max(0, message.size()) + 16));
            int n = header.length;
            while (true) {
                int r = body.read(bytes, n, bytes.length - n);
                if (r < 0) {
                    break;
                }
                n += r;
                if (n == bytes.length) {
                    if (bytes.length >= cap) {
                        tooBig = body.read() >= 0;
                        break;
                    }
                    bytes = java.util.Arrays.copyOf(bytes, (int) Math.min(cap, (long) bytes.length * 2));
                }
            }
            // a SharedInputStream: Jakarta Mail's parts point into this one array instead of copying it
            w.part(new MimeMessage(SESSION, new SharedByteArrayInputStream(bytes, 0, n)), 0);
        } catch (MessagingException | IOException | RuntimeException e) {
            // Jakarta Mail's own parse errors, and what a hostile structure makes it throw
            malformed = e.getClass().getSimpleName() + ": " + e.getMessage();
        }
        return new Outcome(w.parts, w.deepest, w.tooDeep, w.tooManyParts, w.textCut, tooBig, malformed);
    }

    private void part(Part p, int depth) throws MessagingException, IOException {
        deepest = Math.max(deepest, depth);
        if (depth > limits.maxDepth()) {
            tooDeep = true;
            return;
        }
        if (++parts > limits.maxParts()) {
            tooManyParts = true;
            return;
        }
        if (p.isMimeType("multipart/*")) {
            if (p.getContent() instanceof Multipart mp) {
                for (int i = 0; i < mp.getCount() && !tooManyParts; i++) {
                    BodyPart child = mp.getBodyPart(i);
                    part(child, depth + 1);
                }
            }
        } else if (p.isMimeType("message/rfc822")) {
            if (p.getContent() instanceof MimeMessage nested) {
                part(nested, depth + 1);
            }
        } else {
            boolean text = p.isMimeType("text/plain") || p.isMimeType("text/html");
            if (text) {
                visitor.text(p.isMimeType("text/html") ? "html" : "plain", text(p));
            }
            String name = filename(p);
            if (name != null || !text) {
                visitor.attachment(name, baseType(p), () -> {
                    try {
                        return p.getInputStream();
                    } catch (MessagingException e) {
                        throw new IOException(e.getMessage(), e);
                    }
                });
            }
        }
    }

    /** The part's file name (Content-Disposition's filename, else Content-Type's name), decoded from RFC 2047/2231; null when none. */
    private static String filename(Part p) {
        try {
            String n = p.getFileName();
            if (n == null) {
                String ct = p.getContentType();
                n = ct == null ? null : new ContentType(ct).getParameter("name");
            }
            return n == null ? null : MimeUtility.decodeText(n);
        } catch (MessagingException | IOException | RuntimeException e) {
            return null;
        }
    }

    private static String baseType(Part p) {
        try {
            return new ContentType(p.getContentType()).getBaseType().toLowerCase(java.util.Locale.ROOT);
        } catch (MessagingException | RuntimeException e) {
            return "application/octet-stream";
        }
    }

    private String text(Part p) throws MessagingException, IOException {
        byte[] bytes;
        try (InputStream in = p.getInputStream()) {
            bytes = in.readNBytes(limits.maxTextBytes() + 1);
        }
        if (bytes.length > limits.maxTextBytes()) {
            textCut = true;
            bytes = java.util.Arrays.copyOf(bytes, limits.maxTextBytes());
        }
        return new String(bytes, charset(p));
    }

    private static Charset charset(Part p) {
        try {
            String cs = new ContentType(p.getContentType()).getParameter("charset");
            return cs == null ? StandardCharsets.UTF_8 : Charset.forName(MimeUtility.javaCharset(cs));
        } catch (MessagingException | RuntimeException e) {
            return StandardCharsets.UTF_8;
        }
    }
}
