package net.portcullis.gateway.cli;

import java.nio.file.Path;
import net.portcullis.gateway.smtp.Gateway;
import org.slf4j.LoggerFactory;

/**
 * SIGHUP, as admins expect of a mail daemon (systemctl reload): gateway.yaml is read again and
 * what can change while mail flows is applied (a file with an error is refused, the running
 * configuration stays), then the rule files.
 */
final class Reload {
    private Reload() {
    }

    @SuppressWarnings("restriction")
    static void onSighup(Gateway gateway, Path config) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("HUP"), sig -> {
                LoggerFactory.getLogger(Reload.class).info("SIGHUP: reloading {} and the rules", config);
                gateway.reload(config);
                gateway.rules().reload();
            });
        } catch (IllegalArgumentException e) {
            LoggerFactory.getLogger(Reload.class).warn("SIGHUP is not available here: restart to apply gateway.yaml; rule files are "
                    + "reloaded when they change");
        }
    }
}
