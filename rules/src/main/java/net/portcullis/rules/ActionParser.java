package net.portcullis.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A rule's action — accept, permit, reject, tempfail, hold, tag, score — checked against its
 * stage, with reply codes and texts valid before any traffic, and {@code {signal}} templates in
 * texts resolved against the catalogue.
 */
final class ActionParser {
    private static final Set<String> PROTECTED_HEADERS = Set.of("received", "return-path", "authentication-results",
            "dkim-signature", "arc-seal", "arc-message-signature", "arc-authentication-results");
    /** Scores add up over hundreds of rules: bounded so that no sum can overflow. */
    static final long MAX_SCORE = 1_000_000;

    private final TokenCursor in;
    private final SignalRefs signals;

    ActionParser(TokenCursor in, SignalRefs signals) {
        this.in = in;
        this.signals = signals;
    }

    Action parse(Token verb, Stage stage, Set<String> used) {
        switch (verb.text()) {
            case "accept" -> {
                if (stage == Stage.RELAY) {
                    throw in.fail(verb, "the relay stage says 'permit', not 'accept'");
                }
                return new Action.Accept();
            }
            case "permit" -> {
                if (stage != Stage.RELAY) {
                    throw in.fail(verb, "'permit' belongs to the relay stage; in stage " + stage.keyword() + " use 'accept'");
                }
                return new Action.Permit();
            }
            case "hold" -> {
                if (stage != Stage.DATA) {
                    throw in.fail(verb, "'hold' keeps a whole message: it belongs to the data stage, not " + stage.keyword());
                }
                Token text = in.next();
                if (text.kind() != Token.Kind.STRING || text.text().isBlank()) {
                    throw in.fail(text, "expected why it is held, in double quotes (reviewers and the recipient read it), found "
                            + text.describe());
                }
                return new Action.Hold(template(text, stage, used));
            }
            case "reject", "tempfail" -> {
                Token code = in.next();
                if (code.kind() != Token.Kind.NUMBER) {
                    throw in.fail(code, "expected a reply code after '" + verb.text() + "' (e.g. "
                            + (verb.is("reject") ? "550" : "451") + "), found " + code.describe());
                }
                Token status = in.next();
                if (status.kind() != Token.Kind.WORD) {
                    throw in.fail(status, "expected an enhanced status code (e.g. " + (verb.is("reject") ? "5.7.1" : "4.7.1")
                            + "), found " + status.describe());
                }
                Token text = in.next();
                if (text.kind() != Token.Kind.STRING) {
                    throw in.fail(text, "expected the reply text in double quotes, found " + text.describe());
                }
                if (code.text().length() != 3) {
                    throw in.fail(code, "a reply code has three digits, found " + code.describe());
                }
                int c = Integer.parseInt(code.text());
                boolean reject = verb.is("reject");
                if (reject ? (c < 500 || c > 599) : (c < 400 || c > 499)) {
                    throw in.fail(code, "'" + verb.text() + "' needs a " + (reject ? "5xx" : "4xx") + " reply code, found " + c);
                }
                try {
                    new Reply(c, status.text(), text.text().isBlank() ? "x" : text.text());
                } catch (IllegalArgumentException e) {
                    throw in.fail(status, e.getMessage());
                }
                if (text.text().isBlank()) {
                    throw in.fail(text, "reply text is empty: say why, in plain words");
                }
                return new Action.Refuse(c, status.text(), template(text, stage, used));
            }
            case "tag" -> {
                Token header = in.expectWord("a header name (e.g. X-Spam-Flag)");
                if (!header.text().matches("[A-Za-z][A-Za-z0-9-]*")) {
                    throw in.fail(header, "a header name has letters, digits and '-' only, found " + header.describe());
                }
                if (PROTECTED_HEADERS.contains(header.text().toLowerCase(Locale.ROOT))) {
                    throw in.fail(header, "rules may not add " + header.text() + ": it carries trace or authentication results");
                }
                Token value = in.next();
                if (value.kind() != Token.Kind.STRING) {
                    throw in.fail(value, "expected the header value in double quotes, found " + value.describe());
                }
                return new Action.Tag(header.text(), template(value, stage, used));
            }
            default -> {
                Token n = in.next();
                if (n.kind() != Token.Kind.NUMBER) {
                    throw in.fail(n, "expected a number of points after 'score' (e.g. score 5, score -2), found " + n.describe());
                }
                long points;
                try {
                    points = Long.parseLong(n.text());
                } catch (NumberFormatException e) {
                    points = Long.MAX_VALUE;
                }
                if (Math.abs(points) > MAX_SCORE) {
                    throw in.fail(n, "a score is between -" + MAX_SCORE + " and " + MAX_SCORE + ", found " + n.describe());
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
                throw in.fail(text, "unclosed '{' in text: expected {signal.name}");
            }
            if (open > pos) {
                parts.add(s.substring(pos, open));
            }
            String name = s.substring(open + 1, close).strip();
            Token at = new Token(Token.Kind.WORD, name, text.line(), text.column() + 1 + open);
            parts.add(signals.ref(at, name, stage, used));
            pos = close + 1;
        }
        return new Template(parts);
    }
}
