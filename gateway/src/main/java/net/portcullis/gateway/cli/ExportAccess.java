package net.portcullis.gateway.cli;

import java.time.Instant;
import java.util.List;
import net.portcullis.policy.store.ListEntry;

/** The rbldnsd export, for callers outside the CLI (the round-trip test). */
public final class ExportAccess {
    private ExportAccess() {
    }

    public static String rbldnsd(List<ListEntry> entries) {
        return ListExport.rbldnsd(entries, false, Instant.now());
    }

    public static String rbldnsdLinks(List<ListEntry> entries) {
        return ListExport.rbldnsdLinks(entries, Instant.now());
    }
}
