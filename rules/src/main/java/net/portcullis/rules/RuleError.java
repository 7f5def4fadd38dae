package net.portcullis.rules;

/** One error in a rule file, with the place and the line, rendered with a caret under the column. */
public record RuleError(String file, int line, int column, String message, String lineText) {

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        b.append(file).append(':').append(line).append(':').append(column).append(": ").append(message);
        if (lineText != null) {
            b.append('\n').append("    ").append(lineText.replace('\t', ' '));
            b.append('\n').append("    ").append(" ".repeat(Math.max(0, column - 1))).append('^');
        }
        return b.toString();
    }
}
