package net.portcullis.gateway.cli;

import net.portcullis.policy.RuleStore;
import org.slf4j.LoggerFactory;

/** SIGHUP reloads the rules, as admins expect of a mail daemon. */
final class Reload {
    private Reload() {
    }

    @SuppressWarnings("restriction")
    static void onSighup(RuleStore rules) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("HUP"), sig -> {
                LoggerFactory.getLogger(Reload.class).info("SIGHUP: reloading rules");
                rules.reload();
            });
        } catch (IllegalArgumentException e) {
            LoggerFactory.getLogger(Reload.class).warn("SIGHUP is not available here: reload by editing the rule files");
        }
    }
}
