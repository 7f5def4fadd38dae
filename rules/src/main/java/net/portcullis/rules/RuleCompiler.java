package net.portcullis.rules;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Parses and checks rule files into a {@link RuleSet}. Everything that can be known before
 * traffic arrives is checked here — unknown signals and lists, wrong types, signals used before
 * the stage that computes them, duplicate names, rules that can never run — and every error
 * names file:line:column and says what was expected.
 */
public final class RuleCompiler {

    /** A rule file's name (for messages) and text. */
    public record Source(String file, String text) { }

    private static final Set<String> CLAUSES = Set.of("stage", "scope", "when", "accept", "permit", "reject", "tempfail", "hold",
            "tag", "score", "monitor");
    private static final Set<String> PROTECTED_HEADERS = Set.of("received", "return-path", "authentication-results",
            "dkim-signature", "arc-seal", "arc-message-signature", "arc-authentication-results");
    private static final Pattern DOMAIN = Pattern.compile("[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+");

    private final Catalogue catalogue;
    private final List<RuleError> errors = new ArrayList<>();
    private final Map<String, Expr.ListValues> lists = new LinkedHashMap<>();
    private final Map<String, String> listPlaces = new HashMap<>();

    private RuleCompiler(Catalogue catalogue) {
        this.catalogue = catalogue;
    }

    /**
     * @param fileLists lists from conf/lists/*.txt, by name, already read (see {@link RuleLoader})
     */
    public static RuleSet compile(List<Source> sources, Map<String, List<String>> fileLists, Catalogue catalogue)
            throws RuleErrors {
        RuleCompiler c = new RuleCompiler(catalogue);
        fileLists.forEach((name, entries) -> {
            c.lists.put(name, Expr.ListValues.of(name, entries));
            c.listPlaces.put(name, "lists/" + name + ".txt");
        });
        List<Parser> parsers = new ArrayList<>();
        for (Source s : sources) {
            Lexer lx = new Lexer(s.file(), s.text(), c.errors);
            parsers.add(c.new Parser(s.file(), lx, lx.tokens()));
        }
        parsers.forEach(Parser::parseLists);
        List<Rule> rules = new ArrayList<>();
        parsers.forEach(p -> p.parseRules(rules));
        c.checkNamesAndReachability(rules, parsers);
        if (!c.errors.isEmpty()) {
            throw new RuleErrors(c.errors);
        }
        return new RuleSet(rules, sources.stream().map(Source::file).toList());
    }

    private void checkNamesAndReachability(List<Rule> rules, List<Parser> parsers) {
        Map<String, Rule> seen = new HashMap<>();
        Map<String, Parser> byFile = new HashMap<>();
        parsers.forEach(p -> byFile.put(p.file, p));
        for (Rule r : rules) {
            Rule first = seen.putIfAbsent(r.name(), r);
            if (first != null) {
                error(byFile.get(r.file()), r.line(), 1, "duplicate rule name '" + r.name() + "': already defined at " + first.where());
            }
        }
        // A catch-all (no condition, terminal, not monitored) decides its stage for its scope: an
        // unscoped one for every domain, scoped ones for the union of their domains. A later rule
        // whose domains are all decided already can never run.
        for (Stage st : Stage.values()) {
            Rule everything = null;
            Map<String, Rule> decided = new HashMap<>();
            for (Rule r : rules) {
                if (r.stage() != st) {
                    continue;
                }
                Rule by = everything;
                if (by == null && r.scope() != null && !r.scope().isEmpty() && decided.keySet().containsAll(r.scope())) {
                    by = decided.get(r.scope().iterator().next());
                }
                if (by != null) {
                    error(byFile.get(r.file()), r.line(), 1, "rule '" + r.name() + "' can never run: rule '" + by.name()
                            + "' at " + by.where() + " always decides stage " + st.keyword() + " before it"
                            + (by.scope() == null ? "" : " for " + String.join(", ", new java.util.TreeSet<>(r.scope()))));
                    continue;
                }
                if (r.when() == null && r.action().terminal() && !r.monitor()) {
                    if (r.scope() == null) {
                        everything = r;
                    } else {
                        r.scope().forEach(d -> decided.putIfAbsent(d, r));
                    }
                }
            }
        }
    }

    private void error(Parser p, int line, int col, String message) {
        errors.add(new RuleError(p.file, line, col, message, p.lexer.lineText(line)));
    }

    private final class Parser {
        final String file;
        final Lexer lexer;
        final List<Token> tokens;
        int i;
        int limit = Integer.MAX_VALUE; // the end of the condition being parsed

        Parser(String file, Lexer lexer, List<Token> tokens) {
            this.file = file;
            this.lexer = lexer;
            this.tokens = tokens;
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
        final class Bail extends RuntimeException {
            Bail() {
                super(null, null, false, false);
            }
        }

        Bail fail(Token at, String message) {
            error(this, at.line(), at.column(), message);
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

        /** The signals of the last {@code exempt} statement of this file: the rules after it do not apply when one is true. */
        private List<Token> exempt = List.of();

        private boolean topLevel(Token t) {
            return t.is("rule") || t.is("list") || t.is("exempt");
        }

        /** {@code exempt SIGNAL[, SIGNAL…]} or {@code exempt none}: true/false signals only. */
        private List<Token> parseExempt() {
            Token first = expectWord("a true/false signal (e.g. client.trusted) or none");
            if (first.is("none")) {
                return List.of();
            }
            List<Token> names = new ArrayList<>(List.of(first));
            while (peek().is(",")) {
                next();
                if (topLevel(peek())) {
                    throw fail(peek(), "expected a true/false signal after ',', found " + peek().describe());
                }
                names.add(expectWord("a true/false signal"));
            }
            for (Token n : names) {
                SignalSpec spec = catalogue.find(n.text()).orElse(null);
                if (spec == null) {
                    throw fail(n, "unknown signal '" + n.text() + "'" + suggestion(n.text()) + " (see: portcullis signals)");
                }
                if (spec.type() != Type.BOOL) {
                    throw fail(n, "exempt takes true/false signals; '" + n.text() + "' is " + spec.type().word());
                }
            }
            return List.copyOf(names);
        }

        void skipToTopLevel() {
            while (peek().kind() != Token.Kind.EOF && !topLevel(peek())) {
                i++;
            }
        }

        /** Pass 1: list definitions only, so rules may use lists defined in any file. */
        void parseLists() {
            i = 0;
            while (peek().kind() != Token.Kind.EOF) {
                Token t = next();
                if (!t.is("list")) {
                    continue;
                }
                try {
                    Token name = expectWord("a list name");
                    expectOp("=");
                    expectOp("[");
                    List<String> items = new ArrayList<>();
                    while (true) {
                        Token it = next();
                        if (it.kind() == Token.Kind.WORD || it.kind() == Token.Kind.STRING || it.kind() == Token.Kind.NUMBER) {
                            checkEntry(it);
                            items.add(it.text());
                        } else {
                            throw fail(it, "expected a list entry (a word or a quoted string), found " + it.describe());
                        }
                        Token sep = next();
                        if (sep.is("]")) {
                            break;
                        }
                        if (!sep.is(",")) {
                            throw fail(sep, "expected ',' or ']' in the list, found " + sep.describe());
                        }
                    }
                    String prev = listPlaces.putIfAbsent(name.text(), file + ":" + name.line());
                    if (prev != null) {
                        throw fail(name, "list '" + name.text() + "' is already defined at " + prev);
                    }
                    lists.put(name.text(), Expr.ListValues.of(name.text(), items));
                } catch (Bail b) {
                    skipToTopLevel();
                }
            }
        }

        private void checkEntry(Token it) {
            String e = it.text();
            if (e.contains("/") || e.matches("[0-9.]+") && e.chars().filter(ch -> ch == '.').count() == 3) {
                try {
                    Network.parse(e);
                } catch (IllegalArgumentException ex) {
                    throw fail(it, "list entry is not a valid address or CIDR range: " + ex.getMessage());
                }
            }
        }

        /** Pass 2: rules. */
        void parseRules(List<Rule> out) {
            i = 0;
            while (peek().kind() != Token.Kind.EOF) {
                Token t = next();
                if (t.is("list")) {
                    skipToTopLevel(); // parsed in pass 1
                    continue;
                }
                if (t.is("exempt")) {
                    try {
                        exempt = parseExempt();
                    } catch (Bail b) {
                        skipToTopLevel();
                    }
                    continue;
                }
                if (!t.is("rule")) {
                    error(Parser.this, t.line(), t.column(), "expected 'rule', 'list' or 'exempt', found " + t.describe());
                    skipToTopLevel();
                    continue;
                }
                try {
                    out.add(parseRule(t));
                } catch (Bail b) {
                    skipToTopLevel();
                }
            }
        }

        private Rule parseRule(Token ruleToken) {
            Token name = expectWord("a rule name");
            if (!name.text().matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
                throw fail(name, "a rule name has letters, digits, '.', '_' and '-' only, found " + name.describe());
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
            while (peek().kind() != Token.Kind.EOF && !topLevel(peek())) {
                Token c = next();
                String kw = c.kind() == Token.Kind.WORD ? c.text() : "";
                switch (kw) {
                    case "stage" -> {
                        if (stage != null) {
                            throw fail(c, "rule '" + name.text() + "' already has a stage");
                        }
                        Token s = expectWord("a stage (connect, helo, mail, relay, rcpt, data)");
                        try {
                            stage = Stage.valueOf(s.text().toUpperCase(Locale.ROOT));
                        } catch (IllegalArgumentException e) {
                            throw fail(s, "unknown stage '" + s.text() + "': expected connect, helo, mail, relay, rcpt or data");
                        }
                        stageTok = s;
                    }
                    case "scope" -> {
                        if (scope != null) {
                            throw fail(c, "rule '" + name.text() + "' already has a scope");
                        }
                        scope = parseScope();
                    }
                    case "when" -> {
                        if (whenTok != null) {
                            throw fail(c, "rule '" + name.text() + "' already has a condition: combine them with 'and'");
                        }
                        whenTok = c;
                        whenStart = i;
                        skipCondition();
                        whenTokens = tokens.subList(whenStart, i);
                    }
                    case "accept", "permit", "reject", "tempfail", "hold", "tag", "score" -> {
                        if (actionTok != null) {
                            throw fail(c, "rule '" + name.text() + "' already has an action ('" + actionTok.text()
                                    + "'): one action per rule");
                        }
                        actionTok = c;
                        actionStart = i;
                        skipAction(c);
                    }
                    case "monitor" -> monitor = true;
                    default -> throw fail(c, "expected stage, scope, when, an action (accept, permit, reject, tempfail, hold, tag,"
                            + " score) or monitor, found " + c.describe());
                }
            }
            if (stage == null) {
                throw fail(name, "rule '" + name.text() + "' has no stage: add 'stage' with one of connect, helo, mail, relay, rcpt, data");
            }
            if (actionTok == null) {
                throw fail(name, "rule '" + name.text() + "' has no action: add accept, permit, reject, tempfail, hold, tag or score");
            }
            Set<String> used = new LinkedHashSet<>();
            Expr when = null;
            int resume = i;
            if (whenTok != null) {
                i = whenStart;
                limit = whenStart + whenTokens.size();
                terms = 0;
                nesting = 0;
                when = parseOr(stage, used);
                limit = Integer.MAX_VALUE;
                if (i != whenStart + whenTokens.size()) {
                    Token t = peek();
                    throw fail(t, "expected 'and', 'or' or the end of the condition, found " + t.describe());
                }
            }
            if (!exempt.isEmpty()) {
                // the file's exemption goes first: `and` stops there, so an exempt client never
                // waits on (or fails with) a signal that needs DNS
                Expr any = null;
                for (Token n : exempt) {
                    Expr t = new Expr.Truth(signal(n, n.text(), stage, used));
                    any = any == null ? t : new Expr.Or(any, t);
                }
                when = when == null ? new Expr.Not(any) : new Expr.And(new Expr.Not(any), when);
            }
            i = actionStart;
            Action action = parseAction(actionTok, stage, used);
            i = resume;
            return new Rule(name.text(), stage, scope, when, action, monitor, file, ruleToken.line(), Set.copyOf(used));
        }

        private Set<String> parseScope() {
            Set<String> domains = new LinkedHashSet<>();
            do {
                Token t = next();
                if (t.kind() == Token.Kind.LISTREF) {
                    Expr.ListValues l = lists.get(t.text());
                    if (l == null) {
                        throw fail(t, "unknown list '@" + t.text() + "'");
                    }
                    domains.addAll(l.words());
                } else if (t.kind() == Token.Kind.WORD && DOMAIN.matcher(t.text().toLowerCase(Locale.ROOT)).matches()) {
                    domains.add(t.text().toLowerCase(Locale.ROOT));
                } else {
                    throw fail(t, "expected a recipient domain or @list in scope, found " + t.describe());
                }
            } while (peek().is(",") && next() != null);
            return domains;
        }

        /** Finds where a condition ends: at the next clause keyword that is not an operand. */
        private void skipCondition() {
            int depth = 0;
            while (peek().kind() != Token.Kind.EOF) {
                Token t = peek();
                if (t.is("(")) {
                    depth++;
                } else if (t.is(")")) {
                    depth--;
                } else if (depth == 0 && t.kind() == Token.Kind.WORD && (topLevel(t)
                        || (CLAUSES.contains(t.text()) && !(t.is("score") && isComparison(tokens.get(i + 1)))))) {
                    return;
                }
                i++;
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
            for (int k = 0; k < args && peek().kind() != Token.Kind.EOF && !(peek().kind() == Token.Kind.WORD
                    && (CLAUSES.contains(peek().text()) || topLevel(peek()))) ; k++) {
                i++;
            }
        }

        private Expr parseOr(Stage stage, Set<String> used) {
            Expr e = parseAnd(stage, used);
            while (peek().is("or")) {
                next();
                e = new Expr.Or(e, parseAnd(stage, used));
            }
            return e;
        }

        private Expr parseAnd(Stage stage, Set<String> used) {
            Expr e = parseNot(stage, used);
            while (peek().is("and")) {
                next();
                e = new Expr.And(e, parseNot(stage, used));
            }
            return e;
        }

        /** How deep parentheses and 'not' may nest: far beyond any real rule, far below the stack's limit. */
        static final int MAX_NESTING = 64;
        /** Scores add up over hundreds of rules: bounded so that no sum can overflow. */
        static final long MAX_SCORE = 1_000_000;
        private int nesting;
        /** Tests in one condition: 'a or b or …' builds a tree as deep as it is long. */
        static final int MAX_TERMS = 256;
        private int terms;

        private Expr parseNot(Stage stage, Set<String> used) {
            if (peek().is("not") || peek().is("(")) {
                if (++nesting > MAX_NESTING) {
                    Token at = peek();
                    nesting = 0;
                    throw fail(at, "conditions nest deeper than " + MAX_NESTING + " levels of '(' and 'not'");
                }
                try {
                    if (peek().is("not")) {
                        next();
                        return new Expr.Not(parseNot(stage, used));
                    }
                    next();
                    Expr e = parseOr(stage, used);
                    expectOp(")");
                    return e;
                } finally {
                    nesting = Math.max(0, nesting - 1);
                }
            }
            return parseTest(stage, used);
        }

        private Expr parseTest(Stage stage, Set<String> used) {
            Token at = peek();
            if (++terms > MAX_TERMS) {
                throw fail(at, "a condition has more than " + MAX_TERMS + " tests: use a list (@name) instead");
            }
            Operand left = parseOperand(stage, used);
            Token op = peek();
            if (op.is("exists")) {
                next();
                if (!(left instanceof Operand.SignalRef ref)) {
                    throw fail(at, "'exists' tests a signal, not a literal");
                }
                return new Expr.Exists(ref);
            }
            if (op.is("in")) {
                next();
                requireType(at, left, Set.of(Type.STRING, Type.IP, Type.NUMBER), "in");
                Token lt = next();
                if (lt.kind() == Token.Kind.LISTREF) {
                    Expr.ListValues l = lists.get(lt.text());
                    if (l == null) {
                        throw fail(lt, "unknown list '@" + lt.text() + "': define it with 'list " + lt.text()
                                + " = [...]' or in lists/" + lt.text() + ".txt");
                    }
                    return new Expr.In(left, l);
                }
                if (lt.is("[")) {
                    List<String> items = new ArrayList<>();
                    while (true) {
                        Token it = next();
                        if (it.kind() != Token.Kind.WORD && it.kind() != Token.Kind.STRING && it.kind() != Token.Kind.NUMBER) {
                            throw fail(it, "expected a list entry, found " + it.describe());
                        }
                        checkEntry(it);
                        items.add(it.text());
                        Token sep = next();
                        if (sep.is("]")) {
                            break;
                        }
                        if (!sep.is(",")) {
                            throw fail(sep, "expected ',' or ']', found " + sep.describe());
                        }
                    }
                    return new Expr.In(left, Expr.ListValues.of("(inline)", items));
                }
                throw fail(lt, "expected @list or [entries] after 'in', found " + lt.describe());
            }
            if (op.is("matches")) {
                next();
                requireType(at, left, Set.of(Type.STRING, Type.IP), "matches");
                Token rx = next();
                if (rx.kind() != Token.Kind.REGEX) {
                    throw fail(rx, "expected /regex/ after 'matches', found " + rx.describe());
                }
                try {
                    return new Expr.Matches(left, Pattern.compile(rx.text()));
                } catch (PatternSyntaxException e) {
                    throw fail(rx, "invalid regex: " + e.getDescription());
                }
            }
            if (op.kind() == Token.Kind.OP && Set.of("==", "!=", "<", "<=", ">", ">=").contains(op.text())) {
                next();
                Token rt = peek();
                Operand right = parseOperand(stage, used);
                if (left.type() == Type.IP && right instanceof Operand.Literal lit && lit.type() == Type.STRING) {
                    right = ipLiteral(rt, (String) lit.value());
                } else if (right.type() == Type.IP && left instanceof Operand.Literal lit && lit.type() == Type.STRING) {
                    left = ipLiteral(at, (String) lit.value());
                }
                if (!op.text().equals("==") && !op.text().equals("!=") && left.type() != Type.NUMBER) {
                    throw fail(at, "'" + op.text() + "' compares numbers, but " + describe(left) + " is not a number");
                }
                if (left.type() != right.type()) {
                    throw fail(rt, "cannot compare " + describe(left) + " with " + describe(right));
                }
                return new Expr.Compare(left, op.text(), right);
            }
            if (left.type() != Type.BOOL) {
                throw fail(at, describe(left) + " is not true/false: compare it (==, !=, in, matches) or test 'exists'");
            }
            return new Expr.Truth(left);
        }

        private Operand ipLiteral(Token at, String text) {
            try {
                return new Operand.Literal(java.net.InetAddress.getByAddress(Network.literal(text)), Type.IP);
            } catch (IllegalArgumentException | java.net.UnknownHostException e) {
                throw fail(at, "expected an IP address, found \"" + text + "\"");
            }
        }

        private void requireType(Token at, Operand o, Set<Type> ok, String op) {
            if (!ok.contains(o.type())) {
                throw fail(at, "'" + op + "' cannot test " + describe(o));
            }
        }

        private String describe(Operand o) {
            return o instanceof Operand.SignalRef r ? o.type().word() + " signal '" + r.name() + "'" : "a " + o.type().word();
        }

        private Operand parseOperand(Stage stage, Set<String> used) {
            if (i >= limit) {
                throw fail(peek(), "the condition ends too early: expected a signal or a value before " + peek().describe());
            }
            Token t = next();
            switch (t.kind()) {
                case STRING -> {
                    return new Operand.Literal(t.text(), Type.STRING);
                }
                case NUMBER -> {
                    try {
                        return new Operand.Literal(Long.parseLong(t.text()), Type.NUMBER);
                    } catch (NumberFormatException e) {
                        throw fail(t, "number out of range: " + t.text());
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
                    return signal(t, t.text(), stage, used);
                }
                default -> throw fail(t, "expected a signal name or a value, found " + t.describe());
            }
        }

        private Operand.SignalRef signal(Token t, String name, Stage stage, Set<String> used) {
            SignalSpec spec = catalogue.find(name).orElse(null);
            if (spec == null) {
                throw fail(t, "unknown signal '" + name + "'" + suggestion(name) + " (see: portcullis signals)");
            }
            if (spec.stage().ordinal() > stage.ordinal()) {
                throw fail(t, "signal '" + name + "' is known only from stage " + spec.stage().keyword()
                        + " on; this rule runs at stage " + stage.keyword() + ", before it");
            }
            used.add(name);
            return new Operand.SignalRef(name, spec.type());
        }

        private String suggestion(String name) {
            String best = null;
            int bestD = 3;
            for (SignalSpec s : catalogue.all()) {
                int d = distance(s.name(), name);
                if (d < bestD) {
                    bestD = d;
                    best = s.name();
                }
            }
            return best == null ? "" : "; did you mean '" + best + "'?";
        }

        private Action parseAction(Token verb, Stage stage, Set<String> used) {
            switch (verb.text()) {
                case "accept" -> {
                    if (stage == Stage.RELAY) {
                        throw fail(verb, "the relay stage says 'permit', not 'accept'");
                    }
                    return new Action.Accept();
                }
                case "permit" -> {
                    if (stage != Stage.RELAY) {
                        throw fail(verb, "'permit' belongs to the relay stage; in stage " + stage.keyword() + " use 'accept'");
                    }
                    return new Action.Permit();
                }
                case "hold" -> {
                    if (stage != Stage.DATA) {
                        throw fail(verb, "'hold' keeps a whole message: it belongs to the data stage, not " + stage.keyword());
                    }
                    Token text = next();
                    if (text.kind() != Token.Kind.STRING || text.text().isBlank()) {
                        throw fail(text, "expected why it is held, in double quotes (reviewers and the recipient read it), found "
                                + text.describe());
                    }
                    return new Action.Hold(template(text, stage, used));
                }
                case "reject", "tempfail" -> {
                    Token code = next();
                    if (code.kind() != Token.Kind.NUMBER) {
                        throw fail(code, "expected a reply code after '" + verb.text() + "' (e.g. "
                                + (verb.is("reject") ? "550" : "451") + "), found " + code.describe());
                    }
                    Token status = next();
                    if (status.kind() != Token.Kind.WORD) {
                        throw fail(status, "expected an enhanced status code (e.g. " + (verb.is("reject") ? "5.7.1" : "4.7.1")
                                + "), found " + status.describe());
                    }
                    Token text = next();
                    if (text.kind() != Token.Kind.STRING) {
                        throw fail(text, "expected the reply text in double quotes, found " + text.describe());
                    }
                    if (code.text().length() != 3) {
                        throw fail(code, "a reply code has three digits, found " + code.describe());
                    }
                    int c = Integer.parseInt(code.text());
                    boolean reject = verb.is("reject");
                    if (reject ? (c < 500 || c > 599) : (c < 400 || c > 499)) {
                        throw fail(code, "'" + verb.text() + "' needs a " + (reject ? "5xx" : "4xx") + " reply code, found " + c);
                    }
                    try {
                        new Reply(c, status.text(), text.text().isBlank() ? "x" : text.text());
                    } catch (IllegalArgumentException e) {
                        throw fail(status, e.getMessage());
                    }
                    if (text.text().isBlank()) {
                        throw fail(text, "reply text is empty: say why, in plain words");
                    }
                    return new Action.Refuse(c, status.text(), template(text, stage, used));
                }
                case "tag" -> {
                    Token header = expectWord("a header name (e.g. X-Spam-Flag)");
                    if (!header.text().matches("[A-Za-z][A-Za-z0-9-]*")) {
                        throw fail(header, "a header name has letters, digits and '-' only, found " + header.describe());
                    }
                    if (PROTECTED_HEADERS.contains(header.text().toLowerCase(Locale.ROOT))) {
                        throw fail(header, "rules may not add " + header.text() + ": it carries trace or authentication results");
                    }
                    Token value = next();
                    if (value.kind() != Token.Kind.STRING) {
                        throw fail(value, "expected the header value in double quotes, found " + value.describe());
                    }
                    return new Action.Tag(header.text(), template(value, stage, used));
                }
                default -> {
                    Token n = next();
                    if (n.kind() != Token.Kind.NUMBER) {
                        throw fail(n, "expected a number of points after 'score' (e.g. score 5, score -2), found " + n.describe());
                    }
                    long points;
                    try {
                        points = Long.parseLong(n.text());
                    } catch (NumberFormatException e) {
                        points = Long.MAX_VALUE;
                    }
                    if (Math.abs(points) > MAX_SCORE) {
                        throw fail(n, "a score is between -" + MAX_SCORE + " and " + MAX_SCORE + ", found " + n.describe());
                    }
                    return new Action.Score(points);
                }
            }
        }

        private Template template(Token text, Stage stage, Set<String> used) {
            List<Object> parts = new ArrayList<>();
            String s = text.text();
            int pos = 0;
            while (pos < s.length()) {
                int open = s.indexOf('{', pos);
                if (open < 0) {
                    parts.add(s.substring(pos));
                    break;
                }
                int close = s.indexOf('}', open);
                if (close < 0) {
                    throw fail(text, "unclosed '{' in text: expected {signal.name}");
                }
                if (open > pos) {
                    parts.add(s.substring(pos, open));
                }
                String name = s.substring(open + 1, close).strip();
                Token at = new Token(Token.Kind.WORD, name, text.line(), text.column() + 1 + open);
                parts.add(signal(at, name, stage, used));
                pos = close + 1;
            }
            return new Template(parts);
        }
    }

    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int x = 1; x <= a.length(); x++) {
            int[] cur = new int[b.length() + 1];
            cur[0] = x;
            for (int j = 1; j <= b.length(); j++) {
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (a.charAt(x - 1) == b.charAt(j - 1) ? 0 : 1));
            }
            prev = cur;
        }
        return prev[b.length()];
    }
}
