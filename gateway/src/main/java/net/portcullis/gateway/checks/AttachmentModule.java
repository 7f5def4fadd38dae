package net.portcullis.gateway.checks;

import java.util.List;
import java.util.Set;
import net.portcullis.gateway.config.ConfigException;
import net.portcullis.gateway.config.ConfigSection;
import net.portcullis.policy.Check;
import net.portcullis.policy.checks.AttachmentCheck;
import net.portcullis.policy.content.Attachments;
import net.portcullis.policy.content.MimeWalk;

/**
 * {@code attachments:} in gateway.yaml — the files a message carries (docs/content.md):
 *
 * <pre>
 * attachments:
 *   max_scan: 4M           # bytes of each message read for files
 *   max_entries: 1000      # archive entries unpacked at most
 *   max_expanded: 100M     # bytes the archives may expand to
 *   max_nesting: 3         # archives inside archives
 * </pre>
 *
 * No state: a reload applies a change at once.
 */
public final class AttachmentModule implements CheckModule<AttachmentCheck.Settings> {
    @Override
    public String name() {
        return "attachments";
    }

    @Override
    public String section() {
        return "attachments";
    }

    @Override
    public Class<AttachmentCheck.Settings> configType() {
        return AttachmentCheck.Settings.class;
    }

    @Override
    public boolean reloadable() {
        return true;
    }

    @Override
    public AttachmentCheck.Settings parse(ConfigSection s) throws ConfigException {
        s.allow(Set.of("max_scan", "max_depth", "max_parts", "max_entries", "max_expanded", "max_nesting"));
        MimeWalk.Limits mime = new MimeWalk.Limits(s.integer("max_depth", 10, 1, 100), s.integer("max_parts", 200, 1, 10_000),
                MimeWalk.Limits.DEFAULT.maxTextBytes(), Math.min(1L << 30, s.size("max_scan", 4L << 20, 64 * 1024)));
        Attachments.Limits archives = new Attachments.Limits(s.integer("max_entries", 1000, 1, 1_000_000),
                s.size("max_expanded", 100L << 20, 1024), s.integer("max_nesting", 3, 1, 20));
        return new AttachmentCheck.Settings(mime, archives);
    }

    @Override
    public List<Check> build(CheckEnv env) {
        return List.of(new AttachmentCheck(env.section(this)));
    }
}
