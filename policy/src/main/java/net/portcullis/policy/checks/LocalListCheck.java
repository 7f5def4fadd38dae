package net.portcullis.policy.checks;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import net.portcullis.policy.Check;
import net.portcullis.policy.Check.Spec;
import net.portcullis.policy.Event;
import net.portcullis.policy.Signal;
import net.portcullis.policy.store.ListEntry;
import net.portcullis.policy.store.Lists;
import net.portcullis.rules.SignalSpec;
import net.portcullis.rules.Stage;
import net.portcullis.rules.Type;

/**
 * The local black and white lists: the client address at connect, the envelope sender at mail.
 * Lookups go to the in-memory snapshot, never to the database.
 */
public final class LocalListCheck implements Check {
    private final Supplier<Lists.Snapshots> lists;
    private final Spec spec;
    private final Stage stage;

    public LocalListCheck(Supplier<Lists.Snapshots> lists, Stage stage) {
        if (stage != Stage.CONNECT && stage != Stage.MAIL) {
            throw new IllegalArgumentException("local lists are checked at connect (client) or mail (sender)");
        }
        this.lists = lists;
        this.stage = stage;
        this.spec = Spec.inline(checkName(), checkStage(), signals());
    }

    private String what() {
        return stage == Stage.CONNECT ? "client" : "sender";
    }

    private String checkName() {
        return "local-lists-" + what();
    }

    private Stage checkStage() {
        return stage;
    }

    private List<SignalSpec> signals() {
        String w = what();
        String subject = stage == Stage.CONNECT ? "the client address" : "the envelope sender (address or domain)";
        return List.of(
                new SignalSpec("blacklist." + w, Type.BOOL, stage, subject + " is on the local blacklist", "false"),
                new SignalSpec("whitelist." + w, Type.BOOL, stage, subject + " is on the local whitelist (wins over lists)", "false"),
                new SignalSpec("blacklist." + w + "_reason", Type.STRING, stage, "reason and source of the blacklist entry; absent when not listed",
                        "spam reports 12, 17, 31 (reports)"));
    }

    @Override
    public Spec spec() {
        return spec;
    }

    @Override
    public List<Signal> run(Event e) {
        Lists.Snapshots s = lists.get();
        Optional<ListEntry> black;
        Optional<ListEntry> white;
        if (stage == Stage.CONNECT) {
            black = s.black().ip(e.client().address());
            white = s.white().ip(e.client().address());
        } else {
            black = s.black().address(e.sender());
            white = s.white().address(e.sender());
        }
        String w = what();
        List<Signal> out = new ArrayList<>();
        out.add(Signal.of("blacklist." + w, black.isPresent(), black.map(LocalListCheck::describe).orElse("not on the blacklist")));
        out.add(Signal.of("whitelist." + w, white.isPresent(), white.map(LocalListCheck::describe).orElse("not on the whitelist")));
        black.ifPresent(b -> out.add(Signal.of("blacklist." + w + "_reason", b.reason() + " (" + b.source() + ")", describe(b))));
        return out;
    }

    static String describe(ListEntry e) {
        return e.color().word() + "list entry " + e.kind().word() + " " + e.value() + ": " + e.reason() + " (source "
                + e.source() + ", added " + e.created() + (e.expires() == null ? "" : ", expires " + e.expires()) + ")";
    }
}
