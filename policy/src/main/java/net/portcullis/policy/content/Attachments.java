package net.portcullis.policy.content;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;

/**
 * The files a message carries, and the files inside its zip archives (nested ones too), as a
 * {@link MimeWalk.Visitor}: their names, which are executable by type, which hide an
 * executable type behind a document's ("invoice.pdf.exe"), which archives are encrypted, and
 * whether unpacking passed its bounds — entries, expanded bytes, nesting — which is how a zip
 * bomb shows: as a finding, never as an exhausted heap (nothing is kept; entries are read
 * through and counted).
 */
public final class Attachments implements MimeWalk.Visitor {
    /** The bounds of unpacking one message's archives. */
    public record Limits(int maxEntries, long maxExpanded, int maxNesting) {
        public static final Limits DEFAULT = new Limits(1000, 100L << 20, 3);
    }

    /** File types that run when opened (Gmail, Microsoft 365 and the Proxmox defaults block about these). */
    static final Set<String> EXECUTABLE = Set.of("exe", "com", "scr", "pif", "bat", "cmd", "cpl", "msi", "msp", "msc", "hta", "jar",
            "js", "jse", "vbs", "vbe", "wsf", "wsh", "ws", "ps1", "psm1", "lnk", "reg", "inf", "gadget", "application", "appx",
            "appxbundle", "msix", "dll", "sys", "vb", "vxd", "scf", "iso", "img", "vhd", "vhdx", "xll", "wiz", "sct", "chm");
    /** Types people expect to be documents or media: one of these before an executable type is a disguise. */
    static final Set<String> DOCUMENT = Set.of("pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "txt", "rtf", "odt", "ods", "jpg",
            "jpeg", "png", "gif", "bmp", "mp3", "mp4", "avi", "mov", "zip", "rar", "htm", "html", "csv", "xml", "eml");
    private static final Set<String> EXECUTABLE_TYPES = Set.of("application/x-msdownload", "application/x-dosexec",
            "application/x-msdos-program", "application/x-ms-installer", "application/hta", "application/x-ms-shortcut");
    private static final int MAX_NAMES = 50;

    private final Limits limits;
    private final List<String> names = new ArrayList<>();
    private int files;
    private int entries;
    private long expanded;
    private String executable;
    private String doubleExtension;
    private boolean inArchive;
    private boolean encrypted;
    private boolean bomb;
    private String bombWhy;
    private String malformed;

    public Attachments(Limits limits) {
        this.limits = limits;
    }

    @Override
    public void text(String subtype, String text) {
        // text parts carry no files
    }

    @Override
    public void attachment(String filename, String contentType, MimeWalk.Content content) throws IOException {
        files++;
        String name = filename == null ? "(unnamed " + contentType + ")" : filename;
        note(name, filename == null && EXECUTABLE_TYPES.contains(contentType), false);
        if (isZip(filename, contentType)) {
            try (InputStream in = content.open()) {
                zip(in, name, 1);
            }
        }
    }

    private static boolean isZip(String filename, String contentType) {
        return contentType.equals("application/zip") || contentType.equals("application/x-zip-compressed")
                || filename != null && filename.toLowerCase(Locale.ROOT).endsWith(".zip");
    }

    private void note(String name, boolean executableType, boolean insideArchive) {
        if (names.size() < MAX_NAMES) {
            names.add(name);
        }
        String base = name.substring(name.lastIndexOf('/') + 1).strip().toLowerCase(Locale.ROOT);
        String[] parts = base.split("\\.");
        String ext = parts.length > 1 ? parts[parts.length - 1].strip() : "";
        boolean exec = executableType || EXECUTABLE.contains(ext);
        if (exec && executable == null) {
            executable = name;
        }
        if (exec && insideArchive) {
            inArchive = true;
        }
        if (exec && parts.length > 2 && DOCUMENT.contains(parts[parts.length - 2].strip()) && doubleExtension == null) {
            doubleExtension = name;
        }
    }

    private void zip(InputStream raw, String path, int depth) {
        if (depth > limits.maxNesting()) {
            bomb("archives nested deeper than " + limits.maxNesting() + " (" + path + ")");
            return;
        }
        try {
            ZipInputStream z = new ZipInputStream(raw);
            ZipEntry e;
            byte[] buf = new byte[16 * 1024];
            while (!bomb && (e = z.getNextEntry()) != null) {
                if (++entries > limits.maxEntries()) {
                    bomb("more than " + limits.maxEntries() + " archive entries");
                    return;
                }
                String inner = path + "/" + e.getName();
                if (e.isDirectory()) {
                    continue;
                }
                note(inner, false, true);
                if (e.getName().toLowerCase(Locale.ROOT).endsWith(".zip")) {
                    zip(new CountingStream(z), inner, depth + 1); // counted as it is read, inside the outer count
                    continue;
                }
                int n;
                while ((n = z.read(buf)) > 0) {
                    if ((expanded += n) > limits.maxExpanded()) {
                        bomb("archives expand past " + (limits.maxExpanded() >> 20) + " MB (" + inner + ")");
                        return;
                    }
                }
            }
        } catch (ZipException ex) {
            if (String.valueOf(ex.getMessage()).contains("encrypted")) {
                encrypted = true;
            } else {
                malformed = path + ": " + ex.getMessage();
            }
        } catch (EOFException ex) {
            malformed = path + ": truncated";
        } catch (IOException ex) {
            malformed = path + ": " + ex.getMessage();
        }
    }

    private void bomb(String why) {
        bomb = true;
        bombWhy = why;
    }

    /** A nested archive read through its parent: what it expands to counts against the same limit. */
    private final class CountingStream extends InputStream {
        private final InputStream in;

        CountingStream(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0 && (expanded += n) > limits.maxExpanded()) {
                bomb("archives expand past " + (limits.maxExpanded() >> 20) + " MB");
                return -1;
            }
            return n;
        }

        @Override
        public void close() {
            // the outer archive's stream stays open for its next entry
        }
    }

    public int files() {
        return files;
    }

    public List<String> names() {
        return names;
    }

    public String executable() {
        return executable;
    }

    public String doubleExtension() {
        return doubleExtension;
    }

    public boolean executableInArchive() {
        return inArchive;
    }

    public boolean encryptedArchive() {
        return encrypted;
    }

    public boolean bomb() {
        return bomb;
    }

    public String bombWhy() {
        return bombWhy;
    }

    public String malformed() {
        return malformed;
    }
}
