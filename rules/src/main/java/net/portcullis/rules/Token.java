package net.portcullis.rules;

/** A token of a rule file, with where it starts (1-based line and column). */
record Token(Kind kind, String text, int line, int column) {
    enum Kind { WORD, NUMBER, STRING, REGEX, LISTREF, OP, EOF }

    boolean is(String word) {
        return (kind == Kind.WORD || kind == Kind.OP) && text.equals(word);
    }

    String describe() {
        return switch (kind) {
            case EOF -> "end of file";
            case STRING -> "string \"" + text + "\"";
            case REGEX -> "regex /" + text + "/";
            case LISTREF -> "@" + text;
            default -> "'" + text + "'";
        };
    }
}
