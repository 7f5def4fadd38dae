package net.portcullis.gateway.downstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DotStufferTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "a\\r\\nb\\r\\n|a\\r\\nb\\r\\n.\\r\\n",
            ".a\\r\\n|..a\\r\\n.\\r\\n",
            "x\\r\\n.\\r\\n|x\\r\\n..\\r\\n.\\r\\n",
            "x\\r\\n..y\\r\\n|x\\r\\n...y\\r\\n.\\r\\n",
            "no end|no end\\r\\n.\\r\\n",
    })
    void stuffsLeadingDotsAndEndsWithCrLfDotCrLf(String in, String expected) throws Exception {
        for (int chunk = 1; chunk <= in.length(); chunk++) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            DotStuffer s = new DotStuffer(out);
            byte[] b = in.replace("\\r\\n", "\r\n").getBytes(StandardCharsets.ISO_8859_1);
            for (int i = 0; i < b.length; i += chunk) {
                s.write(b, i, Math.min(chunk, b.length - i));
            }
            s.finish();
            assertThat(out.toString(StandardCharsets.ISO_8859_1)).as("chunk size %d", chunk)
                    .isEqualTo(expected.replace("\\r\\n", "\r\n"));
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "250|2.0.0 Ok: queued as 123|250|",
            "550|5.1.1 <x@example.net>: User unknown|550|5.1.1",
            "553|<x> address unknown.|553|5.0.0",
            "452|too many|452|4.0.0",
    })
    void downstreamRepliesKeepTheirCodeAndStatus(int code, String text, int expectCode, String expectStatus) {
        DownstreamReply r = new DownstreamReply(code, text);
        if (code < 400) {
            assertThat(r.positive()).isTrue();
            return;
        }
        assertThat(r.asRefusal().code()).isEqualTo(expectCode);
        assertThat(r.asRefusal().status()).isEqualTo(expectStatus);
    }
}
