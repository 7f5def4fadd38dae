package net.portcullis.gateway.session;

/** Header values built from signals hold client-controlled text: one line, printable, bounded. */
public final class TagValues {
    private TagValues() {
    }

    public static String clean(String v) {
        StringBuilder b = new StringBuilder(Math.min(v.length(), 900));
        for (int i = 0; i < v.length() && b.length() < 900; i++) {
            char c = v.charAt(i);
            b.append(c == '\r' || c == '\n' || c == 0 ? ' ' : c);
        }
        return b.toString();
    }
}
