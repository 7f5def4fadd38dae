package net.portcullis.rules;

/** An entry of a rule-file list that looks like an address or a CIDR range must be a valid one. */
final class ListEntries {
    private ListEntries() {
    }

    static void check(TokenCursor in, Token it) {
        String e = it.text();
        if (e.contains("/") || e.matches("[0-9.]+") && e.chars().filter(ch -> ch == '.').count() == 3) {
            try {
                Network.parse(e);
            } catch (IllegalArgumentException ex) {
                throw in.fail(it, "list entry is not a valid address or CIDR range: " + ex.getMessage());
            }
        }
    }
}
