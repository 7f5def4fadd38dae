package net.portcullis.rules;

import java.util.List;

/**
 * One rule file's tokens and the place being read, shared by the parsers of its parts
 * ({@link RuleFileParser}, {@link ConditionParser}, {@link ActionParser}); an error is reported
 * with file:line:column and the line's text, and {@link Bail} abandons the rule or list it is in.
 */
final class TokenCursor {
    final String file;
    final Lexer lexer;
    final List<Token> tokens;
    private final List<RuleError> errors;
    int i;
    int limit = Integer.MAX_VALUE; // the end of the condition being parsed

    TokenCursor(String file, Lexer lexer, List<RuleError> errors) {
        this.file = file;
        this.lexer = lexer;
        this.tokens = lexer.tokens();
        this.errors = errors;
    }

    Token peek() {
        return tokens.get(i);
    }

    Token next() {
        Token t = tokens.get(i);
        if (t.kind() != Token.Kind.EOF) {
            i++;
        }
        return t;
    }

    /** Thrown to abandon the current rule or list after reporting an error. */
    static final class Bail extends RuntimeException {
        Bail() {
            super(null, null, false, false);
        }
    }

    void error(int line, int col, String message) {
        errors.add(new RuleError(file, line, col, message, lexer.lineText(line)));
    }

    Bail fail(Token at, String message) {
        error(at.line(), at.column(), message);
        return new Bail();
    }

    Token expectWord(String what) {
        Token t = next();
        if (t.kind() != Token.Kind.WORD) {
            throw fail(t, "expected " + what + ", found " + t.describe());
        }
        return t;
    }

    void expectOp(String op) {
        Token t = next();
        if (!(t.kind() == Token.Kind.OP && t.text().equals(op))) {
            throw fail(t, "expected '" + op + "', found " + t.describe());
        }
    }

    /** Whether a token starts a top-level statement: rule, list or exempt. */
    boolean topLevel(Token t) {
        return t.is("rule") || t.is("list") || t.is("exempt");
    }

    void skipToTopLevel() {
        while (peek().kind() != Token.Kind.EOF && !topLevel(peek())) {
            i++;
        }
    }
}
