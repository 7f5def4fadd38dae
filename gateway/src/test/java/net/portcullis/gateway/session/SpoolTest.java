package net.portcullis.gateway.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import net.portcullis.gateway.session.Spool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolTest {
    @TempDir
    Path dir;

    @Test
    void aLargeMessageGoesToDiskAndComesBackWholeAndTheFileIsDeleted() throws Exception {
        byte[] data = new byte[300_000];
        new Random(7).nextBytes(data);
        Spool s = new Spool(dir, 1024);
        for (int i = 0; i < data.length; i += 1000) {
            s.write(data, i, Math.min(1000, data.length - i));
        }
        assertThat(s.onDisk()).isTrue();
        assertThat(s.size()).isEqualTo(data.length);
        try (InputStream in = s.open()) {
            assertThat(in.readAllBytes()).isEqualTo(data);
        }
        try (var files = Files.list(dir)) {
            assertThat(files.count()).isEqualTo(1);
        }
        s.close();
        try (var files = Files.list(dir)) {
            assertThat(files.count()).as("spool file deleted after the transaction").isZero();
        }
    }

    @Test
    void aSmallMessageStaysInMemory() throws Exception {
        try (Spool s = new Spool(dir, 1024)) {
            s.write(new byte[500], 0, 500);
            assertThat(s.onDisk()).isFalse();
        }
        try (var files = Files.list(dir)) {
            assertThat(files.count()).isZero();
        }
    }
}
