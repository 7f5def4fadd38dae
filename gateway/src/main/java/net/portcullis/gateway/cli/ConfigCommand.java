package net.portcullis.gateway.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import net.portcullis.gateway.app.ConfigLoader;
import net.portcullis.gateway.config.ConfigException;
import net.portcullis.gateway.config.ConfigSection;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "config", description = "The configuration in force.", subcommands = {ConfigCommand.Show.class})
final class ConfigCommand extends CommandGroup {

    /**
     * As Postfix's postconf: every key the loader reads, with the value in force (the file's, else the
     * default), taken from the loader itself as it reads the file, so nothing here can drift from it.
     */
    @Command(name = "show", description = "Every setting in force, defaults filled in, one 'key = value' a line (-n: only "
            + "what the file sets to other than the default).")
    static final class Show implements Callable<Integer> {
        @Option(names = "--config", defaultValue = "conf/gateway.yaml", description = "(default: ${DEFAULT-VALUE})")
        Path config;

        @Option(names = "-n", description = "only the settings the file gives a value other than the default")
        boolean nonDefault;

        @Option(names = "--json", description = "one JSON object: key -> {value, default, set}")
        boolean json;

        @Override
        public Integer call() throws Exception {
            Map<String, ConfigSection.Read> reads;
            try {
                reads = ConfigLoader.reads(config);
            } catch (ConfigException e) {
                System.err.println("portcullis: configuration error: " + e.getMessage());
                return 78;
            }
            Map<String, Object> out = new LinkedHashMap<>();
            StringBuilder text = new StringBuilder();
            for (ConfigSection.Read r : reads.values()) {
                boolean set = r.inFile() != null;
                boolean differs = set && !Objects.equals(show(r.inFile()), show(r.dflt()));
                if (nonDefault && !differs) {
                    continue;
                }
                String value = secret(r.key()) && set ? "(set, not shown)" : show(set ? r.inFile() : r.dflt());
                text.append(r.key()).append(" = ").append(value).append('\n');
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("value", value);
                m.put("default", secret(r.key()) ? null : show(r.dflt()));
                m.put("set", set);
                out.put(r.key(), m);
            }
            if (json) {
                System.out.println(new com.fasterxml.jackson.databind.ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(out));
            } else {
                System.out.print(text);
            }
            return 0;
        }

        private static boolean secret(String key) {
            return key.endsWith("password") || key.endsWith("token") || key.endsWith("secret");
        }

        /** A value as the file would write it: plain, or YAML's flow style for a list or mapping. */
        static String show(Object v) {
            if (v == null) {
                return "(none)";
            }
            if (v instanceof Map || v instanceof List) {
                DumperOptions o = new DumperOptions();
                o.setDefaultFlowStyle(DumperOptions.FlowStyle.FLOW);
                o.setWidth(Integer.MAX_VALUE);
                return new Yaml(o).dump(v).strip();
            }
            if (Boolean.FALSE.equals(v)) {
                return "false";
            }
            return String.valueOf(v).strip();
        }
    }
}
