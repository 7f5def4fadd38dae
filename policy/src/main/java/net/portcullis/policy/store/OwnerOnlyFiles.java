package net.portcullis.policy.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/** Secrets we make ourselves (keys, a generated certificate): written whole or not at all, readable by this user only. */
public final class OwnerOnlyFiles {
    private OwnerOnlyFiles() {
    }

    /**
     * Writes {@code content} to a temp file beside {@code file}, mode 0600, and moves it into place
     * atomically: a reader never sees half a key, and nobody else ever reads one.
     */
    public static void write(Path file, byte[] content) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
        try {
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException notPosix) {
                // a file system without permissions: the directory's own protection must do
            }
            Files.write(tmp, content);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
