package net.portcullis.policy;

import java.util.ArrayList;
import java.util.List;

/**
 * The message as the data-stage checks see it: its header fields (unfolded, in order) and its
 * size. The body is not here: checks that need it are given the spool, never a copy in memory.
 */
public record MessageFacts(List<Header> headers, long size, int malformedLines, BodySource body) {
    /** @param raw the field exactly as received, folding included, without the final CRLF */
    public record Header(String name, String value, String raw) { }

    /** Opens the message body (after the header block), as many times as needed. */
    public interface BodySource {
        java.io.InputStream open() throws java.io.IOException;
    }

    public static final BodySource NO_BODY = () -> java.io.InputStream.nullInputStream();

    public MessageFacts {
        headers = List.copyOf(headers);
    }

    public MessageFacts(List<Header> headers, long size) {
        this(headers, size, 0, NO_BODY);
    }

    public List<String> all(String name) {
        List<String> out = new ArrayList<>();
        for (Header h : headers) {
            if (h.name().equalsIgnoreCase(name)) {
                out.add(h.value());
            }
        }
        return out;
    }

    public String first(String name) {
        List<String> a = all(name);
        return a.isEmpty() ? null : a.get(0);
    }

    /** The header fields as they came (unfolded lines kept as received), CRLF-ended, with the empty line after them. */
    public byte[] headerBlock() {
        StringBuilder b = new StringBuilder();
        for (Header h : headers) {
            b.append(h.raw() != null ? h.raw() : h.name() + ": " + h.value()).append("\r\n");
        }
        return b.append("\r\n").toString().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    /** The whole message, header block and body, as one stream (to hand it to a scanner). */
    public java.io.InputStream open() throws java.io.IOException {
        return new java.io.SequenceInputStream(new java.io.ByteArrayInputStream(headerBlock()), body.open());
    }

    /**
     * A whole message held in memory (a reported message, a file): its header block up to the
     * first empty line — bare LF line ends made CRLF, as a file may have them — and the rest as
     * its body.
     */
    public static MessageFacts of(byte[] message) {
        int end = message.length;
        int bodyAt = message.length;
        for (int i = 0; i + 1 < message.length; i++) {
            if (message[i] == '\n' && message[i + 1] == '\n') {
                end = i + 1;
                bodyAt = i + 2;
                break;
            }
            if (message[i] == '\n' && message[i + 1] == '\r' && i + 2 < message.length && message[i + 2] == '\n') {
                end = i + 1;
                bodyAt = i + 3;
                break;
            }
        }
        String header = new String(message, 0, end, java.nio.charset.StandardCharsets.ISO_8859_1).replaceAll("(?<!\r)\n", "\r\n") + "\r\n";
        byte[] body = java.util.Arrays.copyOfRange(message, Math.min(bodyAt, message.length), message.length);
        return parse(header.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), message.length,
                () -> new java.io.ByteArrayInputStream(body));
    }

    public static MessageFacts parse(byte[] headerBlock, long size) {
        return parse(headerBlock, size, NO_BODY);
    }

    /**
     * Parses a header block (CRLF lines up to the blank line), unfolding continuation lines.
     * Text is read as ISO-8859-1 so that every byte survives for DKIM; lines that are not header
     * fields are counted, not kept.
     */
    public static MessageFacts parse(byte[] headerBlock, long size, BodySource body) {
        String h = new String(headerBlock, java.nio.charset.StandardCharsets.ISO_8859_1);
        List<Header> out = new ArrayList<>();
        String name = null;
        StringBuilder value = new StringBuilder();
        StringBuilder raw = new StringBuilder();
        int malformed = 0;
        for (String line : h.split("\r\n", -1)) {
            if (line.isEmpty()) {
                break;
            }
            if ((line.charAt(0) == ' ' || line.charAt(0) == '\t')) {
                if (name != null) {
                    value.append(line);
                    raw.append("\r\n").append(line);
                } else {
                    malformed++;
                }
                continue;
            }
            if (name != null) {
                out.add(new Header(name, value.toString().strip(), raw.toString()));
            }
            int colon = line.indexOf(':');
            if (colon <= 0 || !line.substring(0, colon).matches("[\\x21-\\x39\\x3b-\\x7e]+")) {
                name = null;
                malformed++;
                continue;
            }
            name = line.substring(0, colon);
            value = new StringBuilder(line.substring(colon + 1));
            raw = new StringBuilder(line);
        }
        if (name != null) {
            out.add(new Header(name, value.toString().strip(), raw.toString()));
        }
        return new MessageFacts(out, size, malformed, body);
    }

}
