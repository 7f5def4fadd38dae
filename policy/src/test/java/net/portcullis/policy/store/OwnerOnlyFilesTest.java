package net.portcullis.policy.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OwnerOnlyFilesTest {
    @TempDir
    Path dir;

    @Test
    void aSecretIsWrittenWholeReadableByItsOwnerOnlyAndLeavesNoTempFile() throws Exception {
        Path key = dir.resolve("sub/feed-signing.key");
        OwnerOnlyFiles.write(key, "secret\n".getBytes());
        assertThat(Files.readString(key)).isEqualTo("secret\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
        OwnerOnlyFiles.write(key, "other\n".getBytes());
        assertThat(Files.readString(key)).isEqualTo("other\n");
        try (var files = Files.list(key.getParent())) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("feed-signing.key");
        }
    }
}
