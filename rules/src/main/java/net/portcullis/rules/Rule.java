package net.portcullis.rules;

import java.util.Set;

/**
 * One compiled rule. {@code scope} null means every recipient domain; {@code when} null means
 * always. {@code signals} is every signal the rule reads, so the engine runs only the checks
 * that some rule in force needs.
 */
public record Rule(String name, Stage stage, Set<String> scope, Expr when, Action action, boolean monitor,
                   String file, int line, Set<String> signals) {

    public boolean appliesTo(String domain) {
        return scope == null || (domain != null && scope.contains(domain.toLowerCase(java.util.Locale.ROOT)));
    }

    public String where() {
        return file + ":" + line;
    }
}
