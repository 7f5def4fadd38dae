package net.portcullis.rules;

/**
 * An entry of the signal catalogue: what a rule may name. The stage is the earliest at which
 * the signal exists; rules of earlier stages may not use it.
 */
public record SignalSpec(String name, Type type, Stage stage, String meaning, String example) {
    /**
     * Whether this names a family of signals, {@code prefix.*}: one per name a check finds at run
     * time (rspamd's symbols), each {@code prefix.NAME} with NAME of letters, digits and '_'.
     */
    public boolean family() {
        return name.endsWith(".*");
    }

    /** Whether {@code signal} is this spec's signal, or one of its family. */
    public boolean covers(String signal) {
        if (!family()) {
            return name.equals(signal);
        }
        String prefix = name.substring(0, name.length() - 1);
        return signal.length() > prefix.length() && signal.startsWith(prefix)
                && signal.substring(prefix.length()).chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '_');
    }
}
