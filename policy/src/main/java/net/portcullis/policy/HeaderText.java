package net.portcullis.policy;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;

/** The text of a header field as a person reads it: RFC 2047 encoded words, or raw UTF-8 (SMTPUTF8 mail), decoded. */
public final class HeaderText {
    private HeaderText() {
    }

    /** The decoded text; null for null. Header fields are read octet for octet (ISO-8859-1) by {@link MessageFacts}. */
    public static String decode(String s) {
        if (s == null) {
            return null;
        }
        String t = rawUtf8(s);
        try {
            return jakarta.mail.internet.MimeUtility.decodeText(t);
        } catch (java.io.UnsupportedEncodingException ex) {
            return t;
        }
    }

    /** A field read octet for octet that is valid UTF-8, as UTF-8; anything else as it is. */
    private static String rawUtf8(String s) {
        boolean high = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c > 0xff) {
                return s;
            }
            high |= c >= 0x80;
        }
        if (!high) {
            return s;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(s.getBytes(StandardCharsets.ISO_8859_1))).toString();
        } catch (CharacterCodingException e) {
            return s;
        }
    }
}
