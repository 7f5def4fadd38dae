package net.portcullis.policy.testing;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import net.portcullis.policy.MessageFacts;

/** A message as the data stage sees it — its header fields and a body source — from the text of an .eml file. */
public final class Emails {
    private Emails() {
    }

    public static MessageFacts facts(String eml) {
        return facts(eml.getBytes(StandardCharsets.UTF_8));
    }

    public static MessageFacts resource(String path) throws IOException {
        return facts(Files.readAllBytes(Path.of("src/test/resources", path)));
    }

    /** Lines end in CRLF as on the wire, whatever the file had. */
    public static MessageFacts facts(byte[] eml) {
        byte[] m = crlf(eml);
        int end = m.length;
        for (int i = 0; i + 3 < m.length; i++) {
            if (m[i] == '\r' && m[i + 1] == '\n' && m[i + 2] == '\r' && m[i + 3] == '\n') {
                end = i + 4;
                break;
            }
        }
        byte[] header = Arrays.copyOf(m, end);
        byte[] body = Arrays.copyOfRange(m, end, m.length);
        return MessageFacts.parse(header, m.length, () -> new ByteArrayInputStream(body));
    }

    static byte[] crlf(byte[] in) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(in.length + in.length / 20);
        for (int i = 0; i < in.length; i++) {
            if (in[i] == '\n' && (i == 0 || in[i - 1] != '\r')) {
                out.write('\r');
            }
            out.write(in[i]);
        }
        return out.toByteArray();
    }
}
