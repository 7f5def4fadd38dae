package net.portcullis.policy.content;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.Base64;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import net.portcullis.policy.dkim.Messages;
import org.junit.jupiter.api.Test;

class AttachmentsTest {
    static byte[] zip(Map<String, byte[]> files) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(b)) {
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                z.putNextEntry(new ZipEntry(f.getKey()));
                z.write(f.getValue());
                z.closeEntry();
            }
        }
        return b.toByteArray();
    }

    static String message(String filename, String type, byte[] content) {
        return "From: a@sender.example\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"b\"\n\n--b\nContent-Type: text/plain\n\n"
                + "attached\n--b\nContent-Type: " + type + "\nContent-Disposition: attachment; filename=\"" + filename + "\"\n"
                + "Content-Transfer-Encoding: base64\n\n" + Base64.getMimeEncoder().encodeToString(content) + "\n--b--\n";
    }

    static Attachments read(String message, Attachments.Limits limits) {
        Attachments a = new Attachments(limits);
        MimeWalk.walk(Messages.of(message), MimeWalk.Limits.DEFAULT, a);
        return a;
    }

    @Test
    void executableTypesAttachedOrDisguisedOrInsideAnArchive() throws Exception {
        Attachments exe = read(message("setup.exe", "application/octet-stream", new byte[] {'M', 'Z'}), Attachments.Limits.DEFAULT);
        assertThat(exe.files()).isEqualTo(1);
        assertThat(exe.executable()).isEqualTo("setup.exe");
        assertThat(exe.doubleExtension()).isNull();

        Attachments disguised = read(message("Invoice.PDF.exe", "application/pdf", new byte[] {1}), Attachments.Limits.DEFAULT);
        assertThat(disguised.doubleExtension()).isEqualTo("Invoice.PDF.exe");

        Attachments zipped = read(message("docs.zip", "application/zip", zip(Map.of("readme.txt", "hi".getBytes(),
                "invoice.js", "x".getBytes()))), Attachments.Limits.DEFAULT);
        assertThat(zipped.executable()).isEqualTo("docs.zip/invoice.js");
        assertThat(zipped.executableInArchive()).isTrue();
        assertThat(zipped.names()).contains("docs.zip", "docs.zip/readme.txt");

        Attachments nested = read(message("a.zip", "application/zip", zip(Map.of("b.zip", zip(Map.of("run.scr", new byte[] {1}))))),
                Attachments.Limits.DEFAULT);
        assertThat(nested.executable()).isEqualTo("a.zip/b.zip/run.scr");

        Attachments clean = read(message("report.pdf", "application/pdf", "%PDF-1.4".getBytes()), Attachments.Limits.DEFAULT);
        assertThat(clean.executable()).isNull();
        assertThat(clean.bomb()).isFalse();
    }

    @Test
    void aZipBombIsAFindingNotAnExhaustedHeap() throws Exception {
        byte[] zeros = zip(Map.of("zeros.bin", new byte[20 << 20])); // 20 MB of zeros, about 20 KB packed
        assertThat(zeros.length).isLessThan(100_000);
        Attachments.Limits tight = new Attachments.Limits(1000, 10L << 20, 3);
        Attachments big = read(message("z.zip", "application/zip", zeros), tight);
        assertThat(big.bomb()).isTrue();
        assertThat(big.bombWhy()).contains("expand past 10 MB");

        java.util.Map<String, byte[]> many = new java.util.LinkedHashMap<>();
        for (int i = 0; i < 30; i++) {
            many.put("f" + i + ".txt", new byte[] {1});
        }
        assertThat(read(message("m.zip", "application/zip", zip(many)), new Attachments.Limits(20, 1L << 30, 3)).bombWhy())
                .contains("more than 20 archive entries");

        byte[] deep = zip(Map.of("in.txt", new byte[] {1}));
        for (int i = 0; i < 4; i++) {
            deep = zip(Map.of("level" + i + ".zip", deep));
        }
        assertThat(read(message("deep.zip", "application/zip", deep), Attachments.Limits.DEFAULT).bombWhy()).contains("nested deeper than 3");
    }

    @Test
    void encryptedAndTruncatedArchives() throws Exception {
        byte[] z = zip(Map.of("secret.docx", "content".getBytes()));
        z[6] |= 1; // the local header's "encrypted" flag, as an encrypting zip tool sets it
        assertThat(read(message("s.zip", "application/zip", z), Attachments.Limits.DEFAULT).encryptedArchive()).isTrue();

        byte[] noise = new byte[5000];
        new java.util.Random(1).nextBytes(noise); // incompressible: half the archive cuts the entry's data
        byte[] whole = zip(Map.of("a.txt", noise));
        byte[] cut = java.util.Arrays.copyOf(whole, whole.length / 2);
        Attachments truncated = read(message("cut.zip", "application/zip", cut), Attachments.Limits.DEFAULT);
        assertThat(truncated.malformed()).startsWith("cut.zip: ");
    }

    @Test
    void randomBytesCalledZipNeverThrow() throws Exception {
        java.util.Random r = new java.util.Random(7);
        byte[] seed = zip(Map.of("a.exe", new byte[300], "b.zip", zip(Map.of("c.txt", new byte[100]))));
        for (int n = 0; n < 300; n++) {
            byte[] m = seed.clone();
            for (int k = 0; k < 1 + r.nextInt(20); k++) {
                m[r.nextInt(m.length)] = (byte) r.nextInt(256);
            }
            read(message("x.zip", "application/zip", m), Attachments.Limits.DEFAULT);
        }
    }
}
