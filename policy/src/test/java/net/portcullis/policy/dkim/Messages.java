package net.portcullis.policy.dkim;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import net.portcullis.policy.MessageFacts;

/** Test messages as the gateway would see them: CRLF lines, header block and body apart (DKIM, content and report tests). */
public final class Messages {
    private Messages() {
    }

    public static MessageFacts load(Path file) throws Exception {
        return of(Files.readAllBytes(file));
    }

    /** A message written as text in a test (UTF-8). */
    public static MessageFacts of(String text) {
        return of(text.getBytes(StandardCharsets.UTF_8));
    }

    /** A message under src/test/resources. */
    public static MessageFacts resource(String path) throws Exception {
        return load(Path.of("src/test/resources", path));
    }

    public static MessageFacts of(byte[] raw) {
        String text = new String(raw, StandardCharsets.ISO_8859_1).replace("\r\n", "\n").replace("\n", "\r\n");
        int end = text.indexOf("\r\n\r\n");
        String header = end < 0 ? text : text.substring(0, end + 4);
        byte[] body = (end < 0 ? "" : text.substring(end + 4)).getBytes(StandardCharsets.ISO_8859_1);
        return MessageFacts.parse(header.getBytes(StandardCharsets.ISO_8859_1), text.length(),
                () -> new ByteArrayInputStream(body));
    }
}
