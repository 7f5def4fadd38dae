package net.portcullis.rules;

import java.net.InetAddress;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/** A compiled condition. Evaluation reads signals through {@link Signals}; a missing signal makes a test false. */
sealed interface Expr {

    boolean eval(Signals s) throws Signals.Unavailable;

    /** Every signal this condition reads. */
    void signals(Set<String> into);

    record And(Expr a, Expr b) implements Expr {
        public boolean eval(Signals s) throws Signals.Unavailable {
            return a.eval(s) && b.eval(s);
        }

        public void signals(Set<String> into) {
            a.signals(into);
            b.signals(into);
        }
    }

    record Or(Expr a, Expr b) implements Expr {
        public boolean eval(Signals s) throws Signals.Unavailable {
            return a.eval(s) || b.eval(s);
        }

        public void signals(Set<String> into) {
            a.signals(into);
            b.signals(into);
        }
    }

    record Not(Expr a) implements Expr {
        public boolean eval(Signals s) throws Signals.Unavailable {
            return !a.eval(s);
        }

        public void signals(Set<String> into) {
            a.signals(into);
        }
    }

    /** A boolean signal standing alone: {@code when client.authenticated}. */
    record Truth(Operand o) implements Expr {
        public boolean eval(Signals s) throws Signals.Unavailable {
            return Boolean.TRUE.equals(o.value(s));
        }

        public void signals(Set<String> into) {
            o.signals(into);
        }
    }

    record Exists(Operand.SignalRef ref) implements Expr {
        public boolean eval(Signals s) throws Signals.Unavailable {
            return ref.value(s) != null;
        }

        public void signals(Set<String> into) {
            ref.signals(into);
        }
    }

    record Compare(Operand left, String op, Operand right) implements Expr {
        public boolean eval(Signals s) throws Signals.Unavailable {
            Object a = left.value(s);
            Object b = right.value(s);
            if (a == null || b == null) {
                return false;
            }
            int c;
            if (a instanceof Long x && b instanceof Long y) {
                c = Long.compare(x, y);
            } else if (a instanceof String x && b instanceof String y) {
                c = x.toLowerCase(Locale.ROOT).compareTo(y.toLowerCase(Locale.ROOT));
            } else if (a instanceof InetAddress x && b instanceof InetAddress y) {
                c = java.util.Arrays.equals(x.getAddress(), y.getAddress()) ? 0 : 1;
            } else {
                c = a.equals(b) ? 0 : 1;
            }
            return switch (op) {
                case "==" -> c == 0;
                case "!=" -> c != 0;
                case "<" -> c < 0;
                case "<=" -> c <= 0;
                case ">" -> c > 0;
                default -> c >= 0;
            };
        }

        public void signals(Set<String> into) {
            left.signals(into);
            right.signals(into);
        }
    }

    /** {@code x in @list} or {@code x in [a, b]}: case-insensitive for text, CIDR containment for addresses. */
    record In(Operand left, ListValues list) implements Expr {
        public boolean eval(Signals s) throws Signals.Unavailable {
            Object v = left.value(s);
            if (v instanceof InetAddress a) {
                return list.networks().match(a).isPresent();
            }
            return v != null && list.words().contains(String.valueOf(v).toLowerCase(Locale.ROOT));
        }

        public void signals(Set<String> into) {
            left.signals(into);
        }
    }

    record Matches(Operand left, Pattern regex) implements Expr {
        public boolean eval(Signals s) throws Signals.Unavailable {
            Object v = left.value(s);
            if (v == null) {
                return false;
            }
            String text = v instanceof InetAddress a ? a.getHostAddress() : String.valueOf(v);
            return regex.matcher(text).find();
        }

        public void signals(Set<String> into) {
            left.signals(into);
        }
    }

    /** The values of a list: text entries (lower-cased) and the CIDR ranges among them. */
    record ListValues(String name, Set<String> words, Networks networks) {
        static ListValues of(String name, List<String> entries) {
            java.util.Set<String> w = new java.util.HashSet<>();
            java.util.List<Network> n = new java.util.ArrayList<>();
            for (String e : entries) {
                w.add(e.toLowerCase(Locale.ROOT));
                if (e.matches("[0-9.]+(/\\d+)?") || e.matches("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(/\\d+)?")) {
                    try {
                        n.add(Network.parse(e));
                    } catch (IllegalArgumentException ignored) {
                        // not an address: kept as text only (checked when the list is loaded)
                    }
                }
            }
            return new ListValues(name, Set.copyOf(w), new Networks(n));
        }
    }
}
