package net.portcullis.rules;

/** The types a signal or a literal can have in a rule. */
public enum Type {
    BOOL, STRING, NUMBER, IP;

    public String word() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
