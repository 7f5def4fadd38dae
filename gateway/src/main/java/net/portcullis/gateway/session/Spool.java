package net.portcullis.gateway.session;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A message body while its transaction lasts: in memory up to a threshold, then in a file under
 * the spool directory, so a large message is never held whole in memory. The file is deleted on
 * close; the spool is not a queue (the gateway is in-line and holds nothing past a transaction).
 */
public final class Spool implements AutoCloseable {
    private final Path directory;
    private final int threshold;
    private byte[] memory = new byte[4096];
    private int used;
    private Path file;
    private OutputStream fileOut;
    private long size;

    public Spool(Path directory, int threshold) {
        this.directory = directory;
        this.threshold = threshold;
    }

    public void write(byte[] b, int off, int len) throws IOException {
        if (fileOut == null && used + len > threshold) {
            Files.createDirectories(directory);
            file = Files.createTempFile(directory, "msg-", ".eml");
            fileOut = new java.io.BufferedOutputStream(Files.newOutputStream(file), 64 * 1024);
        }
        if (fileOut != null) {
            fileOut.write(b, off, len);
        } else {
            if (used + len > memory.length) {
                memory = java.util.Arrays.copyOf(memory, Math.max(memory.length * 2, used + len));
            }
            System.arraycopy(b, off, memory, used, len);
            used += len;
        }
        size += len;
    }

    public long size() {
        return size;
    }

    boolean onDisk() {
        return file != null;
    }

    /** The whole message from its first byte; call after the last write. */
    public InputStream open() throws IOException {
        ByteArrayInputStream head = new ByteArrayInputStream(memory, 0, used);
        if (fileOut == null) {
            return head;
        }
        fileOut.flush();
        return new SequenceInputStream(head, Files.newInputStream(file));
    }

    @Override
    public void close() {
        memory = null;
        if (file != null) {
            try {
                fileOut.close();
                Files.deleteIfExists(file);
            } catch (IOException e) {
                org.slf4j.LoggerFactory.getLogger(Spool.class).warn("could not delete spool file {}: {}", file, e.toString());
            }
        }
    }
}
