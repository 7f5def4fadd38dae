package net.portcullis.rules;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses and checks rule files into a {@link RuleSet}. Everything that can be known before
 * traffic arrives is checked here — unknown signals and lists, wrong types, signals used before
 * the stage that computes them, duplicate names, rules that can never run — and every error
 * names file:line:column and says what was expected. The parts of a file are parsed by
 * {@link RuleFileParser} (statements), {@link ConditionParser} and {@link ActionParser} over one
 * {@link TokenCursor}; here, what needs every file at once: lists first, then the rules, then
 * duplicate names and rules that can never run.
 */
public final class RuleCompiler {

    /** A rule file's name (for messages) and text. */
    public record Source(String file, String text) { }

    private final List<RuleError> errors = new ArrayList<>();
    private final Map<String, Expr.ListValues> lists = new LinkedHashMap<>();
    private final Map<String, String> listPlaces = new HashMap<>();

    private RuleCompiler() {
    }

    /**
     * @param fileLists lists from conf/lists/*.txt, by name, already read (see {@link RuleLoader})
     */
    public static RuleSet compile(List<Source> sources, Map<String, List<String>> fileLists, Catalogue catalogue)
            throws RuleErrors {
        RuleCompiler c = new RuleCompiler();
        fileLists.forEach((name, entries) -> {
            c.lists.put(name, Expr.ListValues.of(name, entries));
            c.listPlaces.put(name, "lists/" + name + ".txt");
        });
        List<RuleFileParser> parsers = new ArrayList<>();
        for (Source s : sources) {
            TokenCursor in = new TokenCursor(s.file(), new Lexer(s.file(), s.text(), c.errors), c.errors);
            parsers.add(new RuleFileParser(in, catalogue, c.lists, c.listPlaces));
        }
        parsers.forEach(RuleFileParser::parseLists);
        List<Rule> rules = new ArrayList<>();
        parsers.forEach(p -> p.parseRules(rules));
        c.checkNamesAndReachability(rules, parsers);
        if (!c.errors.isEmpty()) {
            throw new RuleErrors(c.errors);
        }
        return new RuleSet(rules, sources.stream().map(Source::file).toList());
    }


    private void checkNamesAndReachability(List<Rule> rules, List<RuleFileParser> parsers) {
        Map<String, Rule> seen = new HashMap<>();
        Map<String, TokenCursor> byFile = new HashMap<>();
        parsers.forEach(p -> byFile.put(p.in.file, p.in));
        for (Rule r : rules) {
            Rule first = seen.putIfAbsent(r.name(), r);
            if (first != null) {
                byFile.get(r.file()).error(r.line(), 1, "duplicate rule name '" + r.name() + "': already defined at " + first.where());
            }
        }
        // A catch-all (no condition, terminal, not monitored) decides its stage for its scope: an
        // unscoped one for every domain, scoped ones for the union of their domains. A later rule
        // whose domains are all decided already can never run.
        for (Stage st : Stage.values()) {
            Rule everything = null;
            Map<String, Rule> decided = new HashMap<>();
            for (Rule r : rules) {
                if (r.stage() != st) {
                    continue;
                }
                Rule by = everything;
                if (by == null && r.scope() != null && !r.scope().isEmpty() && decided.keySet().containsAll(r.scope())) {
                    by = decided.get(r.scope().iterator().next());
                }
                if (by != null) {
                    byFile.get(r.file()).error(r.line(), 1, "rule '" + r.name() + "' can never run: rule '" + by.name()
                            + "' at " + by.where() + " always decides stage " + st.keyword() + " before it"
                            + (by.scope() == null ? "" : " for " + String.join(", ", new java.util.TreeSet<>(r.scope()))));
                    continue;
                }
                if (r.when() == null && r.action().terminal() && !r.monitor()) {
                    if (r.scope() == null) {
                        everything = r;
                    } else {
                        r.scope().forEach(d -> decided.putIfAbsent(d, r));
                    }
                }
            }
        }
    }

    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int x = 1; x <= a.length(); x++) {
            int[] cur = new int[b.length() + 1];
            cur[0] = x;
            for (int j = 1; j <= b.length(); j++) {
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (a.charAt(x - 1) == b.charAt(j - 1) ? 0 : 1));
            }
            prev = cur;
        }
        return prev[b.length()];
    }
}
