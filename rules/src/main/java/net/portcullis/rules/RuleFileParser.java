package net.portcullis.rules;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One rule file's statements: {@code list} definitions (pass 1, so rules may use lists defined
 * in any file), then {@code exempt} and {@code rule} (pass 2), each rule's clauses found first and
 * its condition and action parsed after, once its stage is known. An error abandons the
 * statement it is in and parsing goes on at the next one, so a file shows all its errors at once.
 */
final class RuleFileParser {
    private static final Set<String> CLAUSES = Set.of("stage", "scope", "when", "accept", "permit", "reject", "tempfail", "hold",
            "tag", "score", "monitor");
    private static final Pattern DOMAIN = Pattern.compile("[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+");

    final TokenCursor in;
    private final Map<String, Expr.ListValues> lists;
    private final Map<String, String> listPlaces;
    private final SignalRefs signals;
    private final ConditionParser conditions;
    private final ActionParser actions;

    RuleFileParser(TokenCursor in, Catalogue catalogue, Map<String, Expr.ListValues> lists, Map<String, String> listPlaces) {
        this.in = in;
        this.lists = lists;
        this.listPlaces = listPlaces;
        this.signals = new SignalRefs(catalogue, in);
        this.conditions = new ConditionParser(in, lists, signals);
        this.actions = new ActionParser(in, signals);
    }

    /** The signals of the last {@code exempt} statement of this file: the rules after it do not apply when one is true. */
    private List<Token> exempt = List.of();


    private List<Token> parseExempt() {
        Token first = in.expectWord("a true/false signal (e.g. client.trusted) or none");
        if (first.is("none")) {
            return List.of();
        }
        List<Token> names = new ArrayList<>(List.of(first));
        while (in.peek().is(",")) {
            in.next();
            if (in.topLevel(in.peek())) {
                throw in.fail(in.peek(), "expected a true/false signal after ',', found " + in.peek().describe());
            }
            names.add(in.expectWord("a true/false signal"));
        }
        for (Token n : names) {
            Type type = signals.typeOf(n.text());
            if (type == null) {
                throw in.fail(n, "unknown signal '" + n.text() + "'" + signals.suggestion(n.text()) + " (see: portcullis signals)");
            }
            if (type != Type.BOOL) {
                throw in.fail(n, "exempt takes true/false signals; '" + n.text() + "' is " + type.word());
            }
        }
        return List.copyOf(names);
    }

    /** Pass 1: list definitions only, so rules may use lists defined in any file. */
    void parseLists() {
        in.i = 0;
        while (in.peek().kind() != Token.Kind.EOF) {
            Token t = in.next();
            if (!t.is("list")) {
                continue;
            }
            try {
                Token name = in.expectWord("a list name");
                in.expectOp("=");
                in.expectOp("[");
                List<String> items = new ArrayList<>();
                while (true) {
                    Token it = in.next();
                    if (it.kind() == Token.Kind.WORD || it.kind() == Token.Kind.STRING || it.kind() == Token.Kind.NUMBER) {
                        ListEntries.check(in, it);
                        items.add(it.text());
                    } else {
                        throw in.fail(it, "expected a list entry (a word or a quoted string), found " + it.describe());
                    }
                    Token sep = in.next();
                    if (sep.is("]")) {
                        break;
                    }
                    if (!sep.is(",")) {
                        throw in.fail(sep, "expected ',' or ']' in the list, found " + sep.describe());
                    }
                }
                String prev = listPlaces.putIfAbsent(name.text(), in.file + ":" + name.line());
                if (prev != null) {
                    throw in.fail(name, "list '" + name.text() + "' is already defined at " + prev);
                }
                lists.put(name.text(), Expr.ListValues.of(name.text(), items));
            } catch (TokenCursor.Bail b) {
                in.skipToTopLevel();
            }
        }
    }

    /** Pass 2: rules. */
    void parseRules(List<Rule> out) {
        in.i = 0;
        while (in.peek().kind() != Token.Kind.EOF) {
            Token t = in.next();
            if (t.is("list")) {
                in.skipToTopLevel(); // parsed in pass 1
                continue;
            }
            if (t.is("exempt")) {
                try {
                    exempt = parseExempt();
                } catch (TokenCursor.Bail b) {
                    in.skipToTopLevel();
                }
                continue;
            }
            if (!t.is("rule")) {
                in.error(t.line(), t.column(), "expected 'rule', 'list' or 'exempt', found " + t.describe());
                in.skipToTopLevel();
                continue;
            }
            try {
                out.add(parseRule(t));
            } catch (TokenCursor.Bail b) {
                in.skipToTopLevel();
            }
        }
    }

    private Rule parseRule(Token ruleToken) {
        Token name = in.expectWord("a rule name");
        if (!name.text().matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
            throw in.fail(name, "a rule name has letters, digits, '.', '_' and '-' only, found " + name.describe());
        }
        Stage stage = null;
        Token stageTok = null;
        Set<String> scope = null;
        Token whenTok = null;
        List<Token> whenTokens = null;
        int whenStart = -1;
        Token actionTok = null;
        int actionStart = -1;
        boolean monitor = false;
        while (in.peek().kind() != Token.Kind.EOF && !in.topLevel(in.peek())) {
            Token c = in.next();
            String kw = c.kind() == Token.Kind.WORD ? c.text() : "";
            switch (kw) {
                case "stage" -> {
                    if (stage != null) {
                        throw in.fail(c, "rule '" + name.text() + "' already has a stage");
                    }
                    Token s = in.expectWord("a stage (connect, helo, mail, relay, rcpt, data)");
                    try {
                        stage = Stage.valueOf(s.text().toUpperCase(Locale.ROOT));
                    } catch (IllegalArgumentException e) {
                        throw in.fail(s, "unknown stage '" + s.text() + "': expected connect, helo, mail, relay, rcpt or data");
                    }
                    stageTok = s;
                }
                case "scope" -> {
                    if (scope != null) {
                        throw in.fail(c, "rule '" + name.text() + "' already has a scope");
                    }
                    scope = parseScope();
                }
                case "when" -> {
                    if (whenTok != null) {
                        throw in.fail(c, "rule '" + name.text() + "' already has a condition: combine them with 'and'");
                    }
                    whenTok = c;
                    whenStart = in.i;
                    skipCondition();
                    whenTokens = in.tokens.subList(whenStart, in.i);
                }
                case "accept", "permit", "reject", "tempfail", "hold", "tag", "score" -> {
                    if (actionTok != null) {
                        throw in.fail(c, "rule '" + name.text() + "' already has an action ('" + actionTok.text()
                                + "'): one action per rule");
                    }
                    actionTok = c;
                    actionStart = in.i;
                    skipAction(c);
                }
                case "monitor" -> monitor = true;
                default -> throw in.fail(c, "expected stage, scope, when, an action (accept, permit, reject, tempfail, hold, tag,"
                        + " score) or monitor, found " + c.describe());
            }
        }
        if (stage == null) {
            throw in.fail(name, "rule '" + name.text() + "' has no stage: add 'stage' with one of connect, helo, mail, relay, rcpt, data");
        }
        if (actionTok == null) {
            throw in.fail(name, "rule '" + name.text() + "' has no action: add accept, permit, reject, tempfail, hold, tag or score");
        }
        Set<String> used = new LinkedHashSet<>();
        Expr when = null;
        int resume = in.i;
        if (whenTok != null) {
            in.i = whenStart;
            when = conditions.parse(stage, used, whenStart + whenTokens.size());
            if (in.i != whenStart + whenTokens.size()) {
                Token t = in.peek();
                throw in.fail(t, "expected 'and', 'or' or the end of the condition, found " + t.describe());
            }
        }
        if (!exempt.isEmpty()) {
            // the file's exemption goes first: `and` stops there, so an exempt client never
            // waits on (or fails with) a signal that needs DNS
            Expr any = null;
            for (Token n : exempt) {
                Expr t = new Expr.Truth(signals.ref(n, n.text(), stage, used));
                any = any == null ? t : new Expr.Or(any, t);
            }
            when = when == null ? new Expr.Not(any) : new Expr.And(new Expr.Not(any), when);
        }
        in.i = actionStart;
        Action action = actions.parse(actionTok, stage, used);
        in.i = resume;
        return new Rule(name.text(), stage, scope, when, action, monitor, in.file, ruleToken.line(), Set.copyOf(used));
    }

    private Set<String> parseScope() {
        Set<String> domains = new LinkedHashSet<>();
        do {
            Token t = in.next();
            if (t.kind() == Token.Kind.LISTREF) {
                Expr.ListValues l = lists.get(t.text());
                if (l == null) {
                    throw in.fail(t, "unknown list '@" + t.text() + "'");
                }
                domains.addAll(l.words());
            } else if (t.kind() == Token.Kind.WORD && DOMAIN.matcher(t.text().toLowerCase(Locale.ROOT)).matches()) {
                domains.add(t.text().toLowerCase(Locale.ROOT));
            } else {
                throw in.fail(t, "expected a recipient domain or @list in scope, found " + t.describe());
            }
        } while (in.peek().is(",") && in.next() != null);
        return domains;
    }

    /** Finds where a condition ends: at the next clause keyword that is not an operand. */
    private void skipCondition() {
        int depth = 0;
        while (in.peek().kind() != Token.Kind.EOF) {
            Token t = in.peek();
            if (t.is("(")) {
                depth++;
            } else if (t.is(")")) {
                depth--;
            } else if (depth == 0 && t.kind() == Token.Kind.WORD && (in.topLevel(t)
                    || (CLAUSES.contains(t.text()) && !(t.is("score") && isComparison(in.tokens.get(in.i + 1)))))) {
                return;
            }
            in.i++;
        }
    }

    private boolean isComparison(Token t) {
        return t.kind() == Token.Kind.OP && Set.of("==", "!=", "<", "<=", ">", ">=").contains(t.text())
                || t.is("in") || t.is("matches") || t.is("exists");
    }

    private void skipAction(Token verb) {
        int args = switch (verb.text()) {
            case "reject", "tempfail" -> 3;
            case "tag" -> 2;
            case "score", "hold" -> 1;
            default -> 0;
        };
        for (int k = 0; k < args && in.peek().kind() != Token.Kind.EOF && !(in.peek().kind() == Token.Kind.WORD
                && (CLAUSES.contains(in.peek().text()) || in.topLevel(in.peek()))) ; k++) {
            in.i++;
        }
    }
}
