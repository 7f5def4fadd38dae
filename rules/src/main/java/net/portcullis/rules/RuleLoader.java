package net.portcullis.rules;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads a policy from disk: {@code rules/*.rules} in name order, where a file of the same name
 * in the site directory ({@code local.d/}) replaces the shipped one and new names are added
 * (rspamd's lesson: an upgrade never clobbers an admin's edits); lists from
 * {@code lists/*.txt} (one entry a line, '#' comments), likewise overridable from
 * {@code local.d/lists/}.
 */
public final class RuleLoader {

    /** Where a policy lives: shipped rules, site overrides (may be absent), lists. */
    public record Dirs(Path rules, Path local, Path lists) {
        /** The layout under conf/: conf/rules, conf/local.d, conf/lists. */
        public static Dirs under(Path conf) {
            return new Dirs(conf.resolve("rules"), conf.resolve("local.d"), conf.resolve("lists"));
        }

        /** A single directory of rule files with no site overrides, e.g. for `rules check DIR`. */
        public static Dirs single(Path rules) {
            Path parent = rules.toAbsolutePath().getParent();
            return new Dirs(rules, null, parent == null ? null : parent.resolve("lists"));
        }
    }

    private RuleLoader() {
    }

    public static RuleSet load(Dirs dirs, Catalogue catalogue) throws RuleErrors, IOException {
        Map<String, Path> files = new TreeMap<>();
        collect(dirs.rules(), ".rules", files);
        collect(dirs.local(), ".rules", files);
        if (files.isEmpty() && (dirs.rules() == null || !Files.isDirectory(dirs.rules()))) {
            throw new IOException("no rule directory at " + dirs.rules());
        }
        List<RuleCompiler.Source> sources = new ArrayList<>();
        for (Path p : files.values()) {
            sources.add(new RuleCompiler.Source(p.toString(), Files.readString(p, StandardCharsets.UTF_8)));
        }
        Map<String, Path> listFiles = new TreeMap<>();
        collect(dirs.lists(), ".txt", listFiles);
        if (dirs.local() != null) {
            collect(dirs.local().resolve("lists"), ".txt", listFiles);
        }
        Map<String, List<String>> lists = new TreeMap<>();
        List<RuleError> errors = new ArrayList<>();
        for (Map.Entry<String, Path> e : listFiles.entrySet()) {
            String name = e.getKey().substring(0, e.getKey().length() - 4);
            lists.put(name, readList(e.getValue(), errors));
        }
        if (!errors.isEmpty()) {
            throw new RuleErrors(errors);
        }
        return RuleCompiler.compile(sources, lists, catalogue);
    }

    private static void collect(Path dir, String suffix, Map<String, Path> into) throws IOException {
        if (dir == null || !Files.isDirectory(dir)) {
            return;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*" + suffix)) {
            for (Path p : ds) {
                if (Files.isRegularFile(p)) {
                    into.put(p.getFileName().toString(), p);
                }
            }
        }
    }

    static List<String> readList(Path file, List<RuleError> errors) throws IOException {
        List<String> out = new ArrayList<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int n = 0; n < lines.size(); n++) {
            String raw = lines.get(n);
            int hash = raw.indexOf('#');
            String entry = (hash >= 0 ? raw.substring(0, hash) : raw).strip();
            if (entry.isEmpty()) {
                continue;
            }
            if (entry.chars().anyMatch(Character::isWhitespace)) {
                errors.add(new RuleError(file.toString(), n + 1, raw.indexOf(entry) + 1,
                        "one entry a line: '" + entry + "' holds a space", raw));
                continue;
            }
            if (entry.contains("/") || entry.matches("\\d+\\.\\d+\\.\\d+\\.\\d+")) {
                try {
                    Network.parse(entry);
                } catch (IllegalArgumentException ex) {
                    errors.add(new RuleError(file.toString(), n + 1, raw.indexOf(entry) + 1,
                            "not a valid address or CIDR range: " + ex.getMessage(), raw));
                    continue;
                }
            }
            out.add(entry);
        }
        return out;
    }
}
