package net.portcullis.policy;

import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Our domains (gateway.yaml: domains), the relay stage's one question: is this recipient ours?
 * Compared in A-label form however the configuration spells them; bare {@code <postmaster>} is
 * always ours (RFC 5321 4.5.1).
 */
public final class LocalDomains {
    private final Set<String> domains;

    private LocalDomains(Set<String> domains) {
        this.domains = domains;
    }

    public static LocalDomains of(Set<String> domains) {
        return new LocalDomains(domains.stream().map(d -> MailAddress.asciiDomain(d.toLowerCase(Locale.ROOT)))
                .collect(Collectors.toUnmodifiableSet()));
    }

    public boolean isLocal(MailAddress rcpt) {
        return rcpt.isBarePostmaster() || domains.contains(rcpt.asciiDomain());
    }

    /** Whether a domain (ASCII, lower case) is one of ours. */
    public boolean isOurs(String domain) {
        return domains.contains(domain);
    }
}
