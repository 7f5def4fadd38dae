package net.portcullis.gateway.cli;

import java.util.function.UnaryOperator;
import picocli.CommandLine;

/**
 * One way for every command to find the configuration in force: --config when given, else
 * PORTCULLIS_CONFIG, else the command's own default (conf/gateway.yaml; conf/milter.yaml for milter;
 * under the package, conf is /etc/portcullis). A systemd drop-in or a shell profile that sets
 * PORTCULLIS_CONFIG makes serve, milter and every admin command read the same file.
 */
final class ConfigDefault implements CommandLine.IDefaultValueProvider {
    static final String VARIABLE = "PORTCULLIS_CONFIG";

    private final UnaryOperator<String> env;

    ConfigDefault(UnaryOperator<String> env) {
        this.env = env;
    }

    @Override
    public String defaultValue(CommandLine.Model.ArgSpec arg) {
        if (arg instanceof CommandLine.Model.OptionSpec o && o.longestName().equals("--config")) {
            String v = env.apply(VARIABLE);
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return null; // the annotation's defaultValue
    }
}
