package net.portcullis.gateway.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import net.portcullis.policy.testing.CapturedLog;
import org.junit.jupiter.api.Test;

class ObserversTest {
    @Test
    void everyObserverHearsInOrderAndOneThatThrowsIsLoggedAndSkipped() throws Exception {
        List<String> heard = new ArrayList<>();
        TransactionObserver first = new TransactionObserver() {
            @Override
            public void onDelivered(Party who, List<String> recipients, long octets) {
                heard.add("first " + who.sender() + " " + recipients + " " + octets);
            }
        };
        TransactionObserver broken = new TransactionObserver() {
            @Override
            public void onDelivered(Party who, List<String> recipients, long octets) {
                throw new IllegalStateException("store gone");
            }
        };
        TransactionObserver last = new TransactionObserver() {
            @Override
            public void onDelivered(Party who, List<String> recipients, long octets) {
                heard.add("last");
            }
        };
        Party p = new Party(InetAddress.getByName("203.0.113.5"), "a@sender.example", null, null);
        new Observers(List.of(first, broken, last)).onDelivered(p, List.of("u@example.net"), 120);
        assertThat(heard).containsExactly("first a@sender.example [u@example.net] 120", "last");
        assertThat(CapturedLog.lines()).anyMatch(l -> l.contains("failed on delivered") && l.contains("store gone"));
    }
}
