package net.portcullis.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;
import java.util.Set;
import net.portcullis.rules.Networks;
import net.portcullis.rules.Verdict;
import org.junit.jupiter.api.Test;

class RelayStageTest {
    final RelayStage stage = new RelayStage(new RelayCheck(Set.of("example.net"), Networks.parse(List.of("192.0.2.0/24"))));

    Client client(String ip, String user) throws Exception {
        return new Client(InetAddress.getByName(ip), null, "h.example", false, user);
    }

    @Test
    void closedByDefaultOpenOnlyForOursTrustedOrAuthenticated() throws Exception {
        assertThat(stage.recipient(client("203.0.113.1", null), "x@other.org").verdict().kind()).isEqualTo(Verdict.Kind.REJECT);
        assertThat(stage.recipient(client("203.0.113.1", null), "x@example.net").verdict().decidedBy()).isEqualTo("relay.local_domain");
        assertThat(stage.recipient(client("192.0.2.9", null), "x@other.org").verdict().decidedBy()).isEqualTo("relay.trusted_network");
        assertThat(stage.recipient(client("203.0.113.1", "alice"), "x@other.org").verdict().decidedBy()).isEqualTo("relay.authenticated");
    }

    @Test
    void signalsCarryTheirEvidence() throws Exception {
        StageOutcome o = stage.recipient(client("192.0.2.9", null), "x@other.org");
        assertThat(o.signals()).anySatisfy(s -> {
            assertThat(s.name()).isEqualTo("client.trusted");
            assertThat(s.evidence()).isEqualTo("192.0.2.9 is in trusted_networks 192.0.2.0/24");
        });
    }

    @Test
    void refusalReplyIs550And571() throws Exception {
        var v = stage.recipient(client("203.0.113.1", null), "x@other.org").verdict();
        assertThat(v.reply().line("ABC")).isEqualTo("550 5.7.1 Relay access denied [ref ABC]");
    }
}
