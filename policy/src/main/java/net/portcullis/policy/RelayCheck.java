package net.portcullis.policy;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import net.portcullis.rules.Networks;
import java.util.stream.Collectors;

/**
 * Open-relay control, detection half: is the recipient one of ours, is the client trusted,
 * did it authenticate. It emits signals; {@link RelayStage} decides on them.
 */
public final class RelayCheck {
    private final Set<String> domains;
    private final Networks trusted;

    public RelayCheck(Set<String> domains, Networks trusted) {
        this.domains = domains.stream().map(d -> d.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
        this.trusted = trusted;
    }

    public boolean isLocalDomain(String domain) {
        return domain != null && domains.contains(domain.toLowerCase(Locale.ROOT));
    }

    public List<Signal> signals(Client client, MailAddress rcpt) {
        boolean local = rcpt.isBarePostmaster() || isLocalDomain(rcpt.domain());
        String domainEvidence = rcpt.isBarePostmaster()
                ? "bare <postmaster> is always ours (RFC 5321 4.5.1)"
                : rcpt.domain() + (local ? " is" : " is not") + " in domains";
        var match = trusted.match(client.address());
        return List.of(
                Signal.of("rcpt.domain", rcpt.domain() == null ? "" : rcpt.domain(), rcpt.address()),
                Signal.of("rcpt.local_domain", local, domainEvidence),
                Signal.of("client.trusted", match.isPresent(), match
                        .map(n -> client.address().getHostAddress() + " is in trusted_networks " + n)
                        .orElse(client.address().getHostAddress() + " is not in trusted_networks")),
                Signal.of("client.authenticated", client.authenticated(),
                        client.authenticated() ? "SMTP AUTH as " + client.authUser() : "no SMTP AUTH"));
    }
}
