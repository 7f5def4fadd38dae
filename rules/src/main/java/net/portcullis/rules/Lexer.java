package net.portcullis.rules;

import java.util.ArrayList;
import java.util.List;

/** Splits a rule file into tokens. Newlines separate nothing; '#' starts a comment to the line's end. */
final class Lexer {
    private final String src;
    private final String file;
    private final String[] lines;
    private final List<RuleError> errors;
    private int pos;
    private int line = 1;
    private int col = 1;

    Lexer(String file, String src, List<RuleError> errors) {
        this.file = file;
        this.src = src;
        this.lines = src.split("\r?\n", -1);
        this.errors = errors;
    }

    String lineText(int line) {
        return line >= 1 && line <= lines.length ? lines[line - 1] : null;
    }

    List<Token> tokens() {
        List<Token> out = new ArrayList<>();
        while (true) {
            skipSpaceAndComments();
            if (pos >= src.length()) {
                out.add(new Token(Token.Kind.EOF, "", line, col));
                return out;
            }
            int l = line;
            int c = col;
            char ch = src.charAt(pos);
            Token prev = out.isEmpty() ? null : out.get(out.size() - 1);
            if (ch == '"') {
                String s = quoted('"');
                if (s != null) {
                    out.add(new Token(Token.Kind.STRING, s, l, c));
                }
            } else if (ch == '/' && prev != null && prev.is("matches")) {
                String s = quoted('/');
                if (s != null) {
                    out.add(new Token(Token.Kind.REGEX, s, l, c));
                }
            } else if (ch == '@') {
                advance();
                String w = word();
                if (w.isEmpty()) {
                    error(l, c, "expected a list name after '@'");
                } else {
                    out.add(new Token(Token.Kind.LISTREF, w, l, c));
                }
            } else if ("=!<>".indexOf(ch) >= 0) {
                advance();
                String op = String.valueOf(ch);
                if (pos < src.length() && src.charAt(pos) == '=') {
                    advance();
                    op += "=";
                }
                if (op.equals("!")) {
                    error(l, c, "'!' on its own is not an operator: use 'not' or '!='");
                } else {
                    out.add(new Token(Token.Kind.OP, op, l, c));
                }
            } else if ("()[],".indexOf(ch) >= 0) {
                advance();
                out.add(new Token(Token.Kind.OP, String.valueOf(ch), l, c));
            } else if (isWordChar(ch) || ch == '-') {
                String w = word();
                if (w.isEmpty()) { // a lone '-'
                    advance();
                    error(l, c, "unexpected character '-'");
                    continue;
                }
                boolean number = w.matches("-?\\d+");
                out.add(new Token(number ? Token.Kind.NUMBER : Token.Kind.WORD, w, l, c));
            } else {
                error(l, c, "unexpected character '" + ch + "'");
                advance();
            }
        }
    }

    private static boolean isWordChar(char ch) {
        return Character.isLetterOrDigit(ch) || ch == '_' || ch == '.' || ch == ':' || ch == '/' || ch == '+' || ch == '*';
    }

    private String word() {
        int start = pos;
        if (pos < src.length() && src.charAt(pos) == '-') {
            advance();
        }
        while (pos < src.length() && (isWordChar(src.charAt(pos)) || src.charAt(pos) == '-')) {
            advance();
        }
        String w = src.substring(start, pos);
        return w.equals("-") ? "" : w;
    }

    private String quoted(char quote) {
        int l = line;
        int c = col;
        advance();
        StringBuilder b = new StringBuilder();
        while (pos < src.length()) {
            char ch = src.charAt(pos);
            if (ch == '\n') {
                break;
            }
            if (ch == '\\' && pos + 1 < src.length()) {
                char next = src.charAt(pos + 1);
                if (next == quote || (quote == '"' && next == '\\')) {
                    b.append(next);
                    advance();
                    advance();
                    continue;
                }
                if (quote == '/') {
                    b.append(ch); // regex escapes are the regex's business
                    advance();
                    continue;
                }
            }
            if (ch == quote) {
                advance();
                return b.toString();
            }
            b.append(ch);
            advance();
        }
        error(l, c, quote == '"' ? "unterminated string: expected a closing '\"' on the same line"
                : "unterminated regex: expected a closing '/' on the same line");
        return null;
    }

    private void skipSpaceAndComments() {
        while (pos < src.length()) {
            char ch = src.charAt(pos);
            if (ch == '#') {
                while (pos < src.length() && src.charAt(pos) != '\n') {
                    advance();
                }
            } else if (Character.isWhitespace(ch)) {
                advance();
            } else {
                return;
            }
        }
    }

    private void advance() {
        if (src.charAt(pos) == '\n') {
            line++;
            col = 1;
        } else {
            col++;
        }
        pos++;
    }

    private void error(int l, int c, String message) {
        errors.add(new RuleError(file, l, c, message, lineText(l)));
    }
}
