package net.portcullis.policy.consent;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** RFC 8058 as the sender offers it, and the guard on the URI we are asked to POST to. */
class OneClickUnsubscribeTest {
    static byte[] message(String list, String post) {
        return ("From: news@shop.example\r\n" + (list == null ? "" : "List-Unsubscribe: " + list + "\r\n")
                + (post == null ? "" : "List-Unsubscribe-Post: " + post + "\r\n") + "Subject: sale\r\n\r\nbody\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void onlyAnHttpsUriWithTheOneClickPostHeaderIsOfferedAndNeverAPrivateAddressAsked() {
        OneClickUnsubscribe safe = new OneClickUnsubscribe(Duration.ofSeconds(2), false);
        assertThat(safe.offeredBy(message("<mailto:u@shop.example>, <https://shop.example/u/1>", "List-Unsubscribe=One-Click")))
                .contains(URI.create("https://shop.example/u/1"));
        assertThat(safe.offeredBy(message("<https://shop.example/u/1>", null))).as("no List-Unsubscribe-Post: a GET link, not one-click").isEmpty();
        assertThat(safe.offeredBy(message("<http://shop.example/u/1>", "List-Unsubscribe=One-Click"))).as("plain http").isEmpty();
        assertThat(safe.offeredBy(message("<mailto:u@shop.example>", "List-Unsubscribe=One-Click"))).isEmpty();
        assertThat(safe.offeredBy(message("<https://[bad>", "List-Unsubscribe=One-Click"))).isEmpty();
        assertThat(safe.post(URI.create("https://127.0.0.1/u/1")).detail()).contains("private address");
        assertThat(safe.post(URI.create("https://10.1.2.3/u/1")).done()).isFalse();
        assertThat(new OneClickUnsubscribe(Duration.ofSeconds(2), true).offeredBy(message("<http://127.0.0.1:9/u>", "List-Unsubscribe=One-Click")))
                .as("insecure (tests): http to loopback taken").isPresent();
    }
}
