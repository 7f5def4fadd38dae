package net.portcullis.policy.checks;

import java.util.ArrayList;
import java.util.List;
import net.portcullis.policy.Check;
import net.portcullis.policy.Check.Spec;
import net.portcullis.policy.Event;
import net.portcullis.policy.Signal;
import net.portcullis.policy.content.Attachments;
import net.portcullis.policy.content.MimeWalk;
import net.portcullis.rules.SignalSpec;
import net.portcullis.rules.Stage;
import net.portcullis.rules.Type;

/**
 * The files a message carries, as signals (the attachment policy of Proxmox Mail Gateway,
 * Microsoft 365's common attachment filter, Gmail's blocked types): executable types, a
 * document's extension hiding an executable one, executables inside zip archives, encrypted
 * archives (which no scanner can read), and archives that pass their unpacking bounds.
 */
public final class AttachmentCheck implements Check {
    public record Settings(MimeWalk.Limits mime, Attachments.Limits archives) { }

    private static final Spec SPEC = Spec.inline("attachments", Stage.DATA, List.of(
            new SignalSpec("attach.count", Type.NUMBER, Stage.DATA, "files attached (archive entries not counted)", "1"),
            new SignalSpec("attach.names", Type.STRING, Stage.DATA, "their names, and those inside zip archives as archive/entry; "
                    + "space-separated, the first 50", "invoice.zip invoice.zip/invoice.pdf"),
            new SignalSpec("attach.executable", Type.BOOL, Stage.DATA, "a file of a type that runs when opened (.exe, .js, .scr, .lnk, "
                    + ".iso, …), attached or inside a zip", "false"),
            new SignalSpec("attach.executable_name", Type.STRING, Stage.DATA, "the first such file; absent when none", "invoice.exe"),
            new SignalSpec("attach.double_extension", Type.BOOL, Stage.DATA, "an executable type behind a document's, like "
                    + "invoice.pdf.exe", "false"),
            new SignalSpec("attach.executable_in_archive", Type.BOOL, Stage.DATA, "the executable is inside a zip archive", "false"),
            new SignalSpec("attach.encrypted_archive", Type.BOOL, Stage.DATA, "a zip archive is encrypted: no scanner can read it", "false"),
            new SignalSpec("av.archive_bomb", Type.BOOL, Stage.DATA, "unpacking the archives passed its bounds (entries, expanded size, "
                    + "nesting): a zip bomb, or an archive too big to judge", "false"),
            new SignalSpec("attach.malformed", Type.BOOL, Stage.DATA, "a truncated or malformed archive or MIME structure", "false")));

    private final Settings settings;

    public AttachmentCheck(Settings settings) {
        this.settings = settings;
    }

    @Override
    public Spec spec() {
        return SPEC;
    }

    /**
     * Whether the message is one text part that is not a file: then it carries none, and its MIME
     * structure is not walked a second time (the URIBL check walks it for links).
     */
    static boolean plainText(net.portcullis.policy.MessageFacts m) {
        String ct = m.first("Content-Type");
        String t = ct == null ? "" : ct.toLowerCase(java.util.Locale.ROOT);
        return m.first("Content-Disposition") == null && (ct == null || t.strip().startsWith("text/") && !t.contains("name"));
    }

    @Override
    public List<Signal> run(Event e) {
        Attachments a = new Attachments(settings.archives());
        MimeWalk.Outcome o = plainText(e.message()) ? null : MimeWalk.walk(e.message(), settings.mime(), a);
        String seen = a.files() + " file(s)" + (a.names().isEmpty() ? "" : ": " + String.join(", ", a.names()));
        List<Signal> out = new ArrayList<>();
        out.add(new Signal("attach.count", (long) a.files(), seen));
        out.add(Signal.of("attach.names", String.join(" ", a.names()), seen));
        out.add(Signal.of("attach.executable", a.executable() != null, a.executable() == null ? "no executable type" : a.executable()));
        if (a.executable() != null) {
            out.add(Signal.of("attach.executable_name", a.executable(), "its name"));
        }
        out.add(Signal.of("attach.double_extension", a.doubleExtension() != null,
                a.doubleExtension() == null ? "no disguised type" : a.doubleExtension()));
        out.add(Signal.of("attach.executable_in_archive", a.executableInArchive(), a.executableInArchive() ? a.executable() : "none"));
        out.add(Signal.of("attach.encrypted_archive", a.encryptedArchive(), a.encryptedArchive() ? "an encrypted zip entry" : "none"));
        out.add(Signal.of("av.archive_bomb", a.bomb(), a.bomb() ? a.bombWhy() : "within the unpacking bounds"));
        String bad = a.malformed() != null ? a.malformed() : o == null ? null : o.malformed();
        out.add(Signal.of("attach.malformed", bad != null, bad == null ? "well formed" : bad));
        return out;
    }
}
