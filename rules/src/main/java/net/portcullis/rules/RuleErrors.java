package net.portcullis.rules;

import java.util.List;
import java.util.stream.Collectors;

/** A rule set that did not load: every error found, in file order. */
public final class RuleErrors extends Exception {
    private final List<RuleError> errors;

    public RuleErrors(List<RuleError> errors) {
        super(errors.size() + " error(s) in rule files:\n" + errors.stream().map(RuleError::toString).collect(Collectors.joining("\n")),
                null, false, false);
        this.errors = List.copyOf(errors);
    }

    public List<RuleError> errors() {
        return errors;
    }
}
