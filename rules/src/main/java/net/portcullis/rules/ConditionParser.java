package net.portcullis.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A rule's {@code when}: or, and, not, parentheses and tests (a true/false signal, comparisons,
 * {@code in} a list, {@code matches} a regex, {@code exists}), typed against the catalogue and
 * bounded in nesting and length so that no rule file can exhaust the stack.
 */
final class ConditionParser {
    private final TokenCursor in;
    private final Map<String, Expr.ListValues> lists;
    private final SignalRefs signals;

    ConditionParser(TokenCursor in, Map<String, Expr.ListValues> lists, SignalRefs signals) {
        this.in = in;
        this.lists = lists;
        this.signals = signals;
    }

    /** A whole condition, from the cursor up to {@code end}: the counters start again for each. */
    Expr parse(Stage stage, Set<String> used, int end) {
        in.limit = end;
        terms = 0;
        nesting = 0;
        try {
            return parseOr(stage, used);
        } finally {
            in.limit = Integer.MAX_VALUE;
        }
    }

    private Expr parseOr(Stage stage, Set<String> used) {
        Expr e = parseAnd(stage, used);
        while (in.peek().is("or")) {
            in.next();
            e = new Expr.Or(e, parseAnd(stage, used));
        }
        return e;
    }

    private Expr parseAnd(Stage stage, Set<String> used) {
        Expr e = parseNot(stage, used);
        while (in.peek().is("and")) {
            in.next();
            e = new Expr.And(e, parseNot(stage, used));
        }
        return e;
    }

    /** How deep parentheses and 'not' may nest: far beyond any real rule, far below the stack's limit. */
    static final int MAX_NESTING = 64;
    private int nesting;
    /** Tests in one condition: 'a or b or …' builds a tree as deep as it is long. */
    static final int MAX_TERMS = 256;
    private int terms;

    private Expr parseNot(Stage stage, Set<String> used) {
        if (in.peek().is("not") || in.peek().is("(")) {
            if (++nesting > MAX_NESTING) {
                Token at = in.peek();
                nesting = 0;
                throw in.fail(at, "conditions nest deeper than " + MAX_NESTING + " levels of '(' and 'not'");
            }
            try {
                if (in.peek().is("not")) {
                    in.next();
                    return new Expr.Not(parseNot(stage, used));
                }
                in.next();
                Expr e = parseOr(stage, used);
                in.expectOp(")");
                return e;
            } finally {
                nesting = Math.max(0, nesting - 1);
            }
        }
        return parseTest(stage, used);
    }

    private Expr parseTest(Stage stage, Set<String> used) {
        Token at = in.peek();
        if (++terms > MAX_TERMS) {
            throw in.fail(at, "a condition has more than " + MAX_TERMS + " tests: use a list (@name) instead");
        }
        Operand left = parseOperand(stage, used);
        Token op = in.peek();
        if (op.is("exists")) {
            in.next();
            if (!(left instanceof Operand.SignalRef ref)) {
                throw in.fail(at, "'exists' tests a signal, not a literal");
            }
            return new Expr.Exists(ref);
        }
        if (op.is("in")) {
            in.next();
            requireType(at, left, Set.of(Type.STRING, Type.IP, Type.NUMBER), "in");
            Token lt = in.next();
            if (lt.kind() == Token.Kind.LISTREF) {
                Expr.ListValues l = lists.get(lt.text());
                if (l == null) {
                    throw in.fail(lt, "unknown list '@" + lt.text() + "': define it with 'list " + lt.text()
                            + " = [...]' or in lists/" + lt.text() + ".txt");
                }
                return new Expr.In(left, l);
            }
            if (lt.is("[")) {
                List<String> items = new ArrayList<>();
                while (true) {
                    Token it = in.next();
                    if (it.kind() != Token.Kind.WORD && it.kind() != Token.Kind.STRING && it.kind() != Token.Kind.NUMBER) {
                        throw in.fail(it, "expected a list entry, found " + it.describe());
                    }
                    ListEntries.check(in, it);
                    items.add(it.text());
                    Token sep = in.next();
                    if (sep.is("]")) {
                        break;
                    }
                    if (!sep.is(",")) {
                        throw in.fail(sep, "expected ',' or ']', found " + sep.describe());
                    }
                }
                return new Expr.In(left, Expr.ListValues.of("(inline)", items));
            }
            throw in.fail(lt, "expected @list or [entries] after 'in', found " + lt.describe());
        }
        if (op.is("matches")) {
            in.next();
            requireType(at, left, Set.of(Type.STRING, Type.IP), "matches");
            Token rx = in.next();
            if (rx.kind() != Token.Kind.REGEX) {
                throw in.fail(rx, "expected /regex/ after 'matches', found " + rx.describe());
            }
            try {
                return new Expr.Matches(left, Pattern.compile(rx.text()));
            } catch (PatternSyntaxException e) {
                throw in.fail(rx, "invalid regex: " + e.getDescription());
            }
        }
        if (op.kind() == Token.Kind.OP && Set.of("==", "!=", "<", "<=", ">", ">=").contains(op.text())) {
            in.next();
            Token rt = in.peek();
            Operand right = parseOperand(stage, used);
            if (left.type() == Type.IP && right instanceof Operand.Literal lit && lit.type() == Type.STRING) {
                right = ipLiteral(rt, (String) lit.value());
            } else if (right.type() == Type.IP && left instanceof Operand.Literal lit && lit.type() == Type.STRING) {
                left = ipLiteral(at, (String) lit.value());
            }
            if (!op.text().equals("==") && !op.text().equals("!=") && left.type() != Type.NUMBER) {
                throw in.fail(at, "'" + op.text() + "' compares numbers, but " + describe(left) + " is not a number");
            }
            if (left.type() != right.type()) {
                throw in.fail(rt, "cannot compare " + describe(left) + " with " + describe(right));
            }
            return new Expr.Compare(left, op.text(), right);
        }
        if (left.type() != Type.BOOL) {
            throw in.fail(at, describe(left) + " is not true/false: compare it (==, !=, in, matches) or test 'exists'");
        }
        return new Expr.Truth(left);
    }

    private Operand ipLiteral(Token at, String text) {
        try {
            return new Operand.Literal(java.net.InetAddress.getByAddress(Network.literal(text)), Type.IP);
        } catch (IllegalArgumentException | java.net.UnknownHostException e) {
            throw in.fail(at, "expected an IP address, found \"" + text + "\"");
        }
    }

    private void requireType(Token at, Operand o, Set<Type> ok, String op) {
        if (!ok.contains(o.type())) {
            throw in.fail(at, "'" + op + "' cannot test " + describe(o));
        }
    }

    private String describe(Operand o) {
        return o instanceof Operand.SignalRef r ? o.type().word() + " signal '" + r.name() + "'" : "a " + o.type().word();
    }

    private Operand parseOperand(Stage stage, Set<String> used) {
        if (in.i >= in.limit) {
            throw in.fail(in.peek(), "the condition ends too early: expected a signal or a value before " + in.peek().describe());
        }
        Token t = in.next();
        switch (t.kind()) {
            case STRING -> {
                return new Operand.Literal(t.text(), Type.STRING);
            }
            case NUMBER -> {
                try {
                    return new Operand.Literal(Long.parseLong(t.text()), Type.NUMBER);
                } catch (NumberFormatException e) {
                    throw in.fail(t, "number out of range: " + t.text());
                }
            }
            case WORD -> {
                if (t.is("true") || t.is("false")) {
                    return new Operand.Literal(Boolean.parseBoolean(t.text()), Type.BOOL);
                }
                if (t.text().matches("[0-9.]+") && t.text().chars().filter(c -> c == '.').count() == 3
                        || t.text().contains(":")) {
                    return ipLiteral(t, t.text());
                }
                return signals.ref(t, t.text(), stage, used);
            }
            default -> throw in.fail(t, "expected a signal name or a value, found " + t.describe());
        }
    }
}
