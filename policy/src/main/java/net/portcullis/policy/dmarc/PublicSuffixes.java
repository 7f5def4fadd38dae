package net.portcullis.policy.dmarc;

import java.io.IOException;
import java.net.IDN;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The Public Suffix List read from a {@code public_suffix_list.dat} file (Debian's {@code publicsuffix}
 * package keeps one current in /usr/share/publicsuffix), with the list's own algorithm: exception rules
 * ("!"), wildcards ("*."), and the default rule "*" for a TLD the list does not name, so that a
 * subdomain of a new or internal TLD still has an organisational domain (RFC 7489 3.2).
 *
 * Written here because the well-kept implementation (Guava's InternetDomainName) compiles its list in
 * and cannot load a newer one; the matching is the PSL's published algorithm, nothing more.
 */
public final class PublicSuffixes {
    private final Set<String> rules;
    private final Set<String> wildcards;
    private final Set<String> exceptions;
    private final String source;

    private PublicSuffixes(Set<String> rules, Set<String> wildcards, Set<String> exceptions, String source) {
        this.rules = rules;
        this.wildcards = wildcards;
        this.exceptions = exceptions;
        this.source = source;
    }

    /** @throws IOException when the file cannot be read; a file without a single rule is refused too */
    public static PublicSuffixes load(Path file) throws IOException {
        Set<String> rules = new HashSet<>();
        Set<String> wildcards = new HashSet<>();
        Set<String> exceptions = new HashSet<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (String raw : lines) {
            String line = raw.strip();
            int space = line.indexOf(' ');
            if (space >= 0) {
                line = line.substring(0, space); // the format: a rule is the line up to the first white space
            }
            if (line.isEmpty() || line.startsWith("//")) {
                continue;
            }
            if (line.startsWith("!")) {
                exceptions.add(ascii(line.substring(1)));
            } else if (line.startsWith("*.")) {
                wildcards.add(ascii(line.substring(2)));
            } else {
                rules.add(ascii(line));
            }
        }
        if (rules.isEmpty() && wildcards.isEmpty()) {
            throw new IOException(file + " holds no public suffix rules");
        }
        return new PublicSuffixes(Set.copyOf(rules), Set.copyOf(wildcards), Set.copyOf(exceptions), file.toString());
    }

    /** Same file, same rules: a reload that reads an unchanged list changes nothing. */
    @Override
    public boolean equals(Object o) {
        return o instanceof PublicSuffixes p && p.source.equals(source) && p.rules.equals(rules) && p.wildcards.equals(wildcards)
                && p.exceptions.equals(exceptions);
    }

    @Override
    public int hashCode() {
        return source.hashCode() * 31 + rules.size();
    }

    public String source() {
        return source;
    }

    public int size() {
        return rules.size() + wildcards.size() + exceptions.size();
    }

    /** The registrable domain (the public suffix plus one label), or null when the domain is a public suffix itself. */
    public String registrable(String domain) {
        String d = ascii(domain);
        String[] labels = d.split("\\.");
        int suffixLabels = 1; // the default rule "*"
        for (int i = 0; i < labels.length; i++) {
            String candidate = String.join(".", java.util.Arrays.copyOfRange(labels, i, labels.length));
            int n = labels.length - i;
            if (exceptions.contains(candidate)) {
                suffixLabels = Math.max(suffixLabels, n - 1);
                // an exception wins over every other rule: its suffix is the rule less its first label
                return labels.length > n - 1 ? tail(labels, n) : null;
            }
            if (rules.contains(candidate)) {
                suffixLabels = Math.max(suffixLabels, n);
            }
            if (i > 0 && wildcards.contains(candidate)) {
                suffixLabels = Math.max(suffixLabels, n + 1);
            }
        }
        return labels.length > suffixLabels ? tail(labels, suffixLabels + 1) : null;
    }

    private static String tail(String[] labels, int n) {
        return String.join(".", java.util.Arrays.copyOfRange(labels, labels.length - n, labels.length));
    }

    private static String ascii(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        try {
            return IDN.toASCII(n, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return n;
        }
    }
}
