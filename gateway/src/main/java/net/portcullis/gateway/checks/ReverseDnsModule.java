package net.portcullis.gateway.checks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import net.portcullis.gateway.config.ConfigException;
import net.portcullis.gateway.config.ConfigSection;
import net.portcullis.policy.Check;
import net.portcullis.policy.checks.ReverseDnsCheck;

/**
 * {@code reverse_dns:} in gateway.yaml — the client's PTR name, its forward confirmation, and
 * whether it looks dynamic (docs/transmission.md):
 *
 * <pre>
 * reverse_dns:
 *   dynamic_patterns: conf/lists/dynamic_patterns.txt
 * </pre>
 *
 * {@code checks.dynamic_patterns}, where the key lived before, is still read (CheckRegistry's
 * moved keys). No state: a reload reads the pattern file again.
 */
public final class ReverseDnsModule implements CheckModule<ReverseDnsModule.Settings> {
    /** @param dynamicPatterns one regular expression a line; when the file is missing, the patterns the check ships with */
    public record Settings(Path dynamicPatterns) { }

    @Override
    public String name() {
        return "reverse-dns";
    }

    @Override
    public String section() {
        return "reverse_dns";
    }

    @Override
    public Class<Settings> configType() {
        return Settings.class;
    }

    @Override
    public boolean reloadable() {
        return true;
    }

    @Override
    public Settings parse(ConfigSection s) throws ConfigException {
        s.allow(Set.of("dynamic_patterns"));
        return new Settings(Path.of(s.string("dynamic_patterns", "conf/lists/dynamic_patterns.txt")));
    }

    @Override
    public List<Check> build(CheckEnv env) throws ConfigException {
        return List.of(new ReverseDnsCheck(env.dns(), patterns(env.section(this).dynamicPatterns())));
    }

    /** One regular expression a line ('#' comments); a bad one is a configuration error naming file and line. */
    static List<Pattern> patterns(Path file) throws ConfigException {
        if (file == null || !Files.exists(file)) {
            return ReverseDnsCheck.defaultPatterns();
        }
        List<Pattern> out = new ArrayList<>();
        try {
            List<String> lines = Files.readAllLines(file);
            for (int i = 0; i < lines.size(); i++) {
                String l = lines.get(i).strip();
                if (l.isEmpty() || l.startsWith("#")) {
                    continue;
                }
                try {
                    out.add(Pattern.compile(l, Pattern.CASE_INSENSITIVE));
                } catch (PatternSyntaxException e) {
                    throw new ConfigException(file + ":" + (i + 1) + ": invalid regular expression: " + e.getDescription());
                }
            }
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot be read: " + e.getMessage());
        }
        return out;
    }
}
