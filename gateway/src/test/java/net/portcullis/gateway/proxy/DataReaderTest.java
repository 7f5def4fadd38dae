package net.portcullis.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import net.portcullis.gateway.proxy.DataReader;
import net.portcullis.gateway.session.Spool;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The DATA state machine, fed through buffers of every small size so chunk edges fall everywhere. */
class DataReaderTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            // wire | message | fault | rest of the stream after the end of data
            "a\\r\\nb\\r\\n.\\r\\nQUIT\\r\\n|a\\r\\nb\\r\\n|NONE|QUIT\\r\\n",
            ".\\r\\nNOOP|''|NONE|NOOP",
            "..lead\\r\\n.\\r\\n|.lead\\r\\n|NONE|''",
            "x\\r\\n...\\r\\n.\\r\\n|x\\r\\n..\\r\\n|NONE|''",
            "hi\\n.\\nMAIL\\r\\n.\\r\\nRSET\\r\\n|hi\\n.\\nMAIL\\r\\n|BARE_CR_OR_LF|RSET\\r\\n",
            "bare\\rcr\\r\\n.\\r\\n|bare\\rcr\\r\\n|BARE_CR_OR_LF|''",
            "x\\r\\n.\\rY\\r\\n.\\r\\n|x\\r\\n\\rY\\r\\n|BARE_CR_OR_LF|''",
            "12345\\r\\n.\\r\\n|12345\\r\\n|NONE|''",
            "123456\\r\\n.\\r\\n|123456\\r\\n|LINE_TOO_LONG|''",
            "x\\r\\n\\r\\n.\\r\\n|x\\r\\n\\r\\n|NONE|''",
    })
    void findsTheEndUnstuffsAndFlagsFaults(String wire, String message, DataReader.Fault fault, String rest) throws Exception {
        byte[] in = unescape(wire);
        for (int bufSize = 1; bufSize <= in.length + 1; bufSize++) {
            InputStream stream = new BufferedInputStream(new ByteArrayInputStream(in), bufSize);
            try (Spool spool = new Spool(dir, 1024)) {
                DataReader.Result r = new DataReader(1000, 5).read(stream, spool, 10_000);
                ByteArrayOutputStream got = new ByteArrayOutputStream();
                try (InputStream s = spool.open()) {
                    s.transferTo(got);
                }
                assertThat(got.toByteArray()).as("buffer %d", bufSize).isEqualTo(unescape(message));
                assertThat(r.fault()).as("buffer %d", bufSize).isEqualTo(fault);
                assertThat(new String(stream.readAllBytes(), StandardCharsets.ISO_8859_1)).as("rest, buffer %d", bufSize)
                        .isEqualTo(new String(unescape(rest), StandardCharsets.ISO_8859_1));
            }
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"20|NONE", "19|TOO_BIG"})
    void sizeIsCountedAfterUnstuffing(int max, DataReader.Fault fault) throws Exception {
        byte[] in = unescape("Subject: s\\r\\n\\r\\n..dot\\r\\n.\\r\\n"); // 20 octets once unstuffed
        try (Spool spool = new Spool(dir, 4)) {
            DataReader.Result r = new DataReader(max, 998).read(new BufferedInputStream(new ByteArrayInputStream(in)), spool, 1000);
            assertThat(r.fault()).isEqualTo(fault);
            assertThat(r.size()).isEqualTo(20);
            assertThat(new String(r.header(), StandardCharsets.ISO_8859_1)).startsWith("Subject: s\r\n\r\n");
        }
    }

    private static byte[] unescape(String s) {
        return s.replace("\\r", "\r").replace("\\n", "\n").getBytes(StandardCharsets.ISO_8859_1);
    }
}
