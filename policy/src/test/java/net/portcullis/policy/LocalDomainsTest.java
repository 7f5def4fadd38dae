package net.portcullis.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class LocalDomainsTest {
    final LocalDomains ours = LocalDomains.of(Set.of("Example.NET", "bücher.example"));

    boolean local(String rcpt) throws Exception {
        return ours.isLocal(MailAddress.parse(rcpt));
    }

    @Test
    void ourDomainsInAnyCaseAndTheirALabelsAreOursOthersAndSubdomainsAreNot() throws Exception {
        assertThat(local("user@example.net")).isTrue();
        assertThat(local("user@EXAMPLE.net")).isTrue();
        assertThat(local("user@xn--bcher-kva.example")).isTrue();
        assertThat(local("user@bücher.example")).isTrue();
        assertThat(local("user@sub.example.net")).isFalse();
        assertThat(local("user@example.net.evil.example")).isFalse();
        assertThat(local("user@elsewhere.example")).isFalse();
    }

    @Test
    void barePostmasterIsAlwaysOurs() throws Exception {
        assertThat(local("postmaster")).isTrue();
        assertThat(local("Postmaster")).isTrue();
        assertThat(local("postmaster@elsewhere.example")).isFalse();
    }
}
