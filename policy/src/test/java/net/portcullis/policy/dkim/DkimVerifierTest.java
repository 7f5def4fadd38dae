package net.portcullis.policy.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import net.portcullis.policy.MessageFacts;
import net.portcullis.policy.dns.InMemoryDns;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * DKIM against messages signed by others: the RFC 8463 example (Ed25519 and RSA), an Exim
 * Ed25519 message, real-world messages of the Apache jDKIM corpus, and messages signed here by
 * an independent signer (dkimpy's dkimsign, Debian package python3-dkim).
 */
class DkimVerifierTest {
    static final Path DATA = Path.of("src/test/resources/dkim");

    static InMemoryDns dkimpyKeys() throws Exception {
        InMemoryDns dns = new InMemoryDns();
        for (String line : Files.readAllLines(DATA.resolve("dkimpy-data/FAKE_DNS.tsv"))) {
            if (!line.startsWith("#") && !line.isBlank()) {
                String[] f = line.split("\t");
                dns.add(f[0], "TXT", f[1]);
            }
        }
        return dns;
    }

    static InMemoryDns jdkimKeys() throws Exception {
        InMemoryDns dns = new InMemoryDns();
        for (String line : Files.readAllLines(DATA.resolve("jdkim-corpus/FAKE_DNS.tsv"))) {
            if (!line.startsWith("#") && !line.isBlank()) {
                String[] f = line.split("\t");
                dns.add(f[0] + "._domainkey." + f[1], "TXT", f[2]);
            }
        }
        return dns;
    }

    @Test
    void theRfc8463ExamplePassesWithBothEd25519AndRsa() throws Exception {
        List<DkimResult> r = new DkimVerifier(dkimpyKeys(), Clock.systemUTC(), false)
                .verify(Messages.load(DATA.resolve("dkimpy-data/rfc6376.signed.msg")));
        assertThat(r).extracting(DkimResult::result).containsExactly("pass", "pass");
        assertThat(r).extracting(DkimResult::algorithm).containsExactly("ed25519-sha256", "rsa-sha256");
    }

    @Test
    void anEximSignedEd25519MessagePasses() throws Exception {
        List<DkimResult> r = new DkimVerifier(dkimpyKeys(), Clock.systemUTC(), false)
                .verify(Messages.load(DATA.resolve("dkimpy-data/ed25519test2.msg")));
        assertThat(r).extracting(DkimResult::result).containsExactly("pass");
    }

    @Test
    void aChangedBodyOrHeaderFails() throws Exception {
        String msg = Files.readString(DATA.resolve("dkimpy-data/rfc6376.signed.msg"));
        DkimVerifier v = new DkimVerifier(dkimpyKeys(), Clock.systemUTC(), false);
        assertThat(v.verify(Messages.of(msg.replace("We lost the game.", "We won the game.").getBytes())))
                .extracting(DkimResult::reason).containsOnly("body hash did not verify");
        assertThat(v.verify(Messages.of(msg.replace("Subject: Is dinner ready?", "Subject: Is lunch ready?").getBytes())))
                .extracting(DkimResult::result).containsOnly("fail");
    }

    static Stream<Path> jdkimCorpus() throws Exception {
        try (Stream<Path> s = Files.list(DATA.resolve("jdkim-corpus"))) {
            return s.filter(p -> p.toString().endsWith(".eml")).sorted().toList().stream();
        }
    }

    /** The corpus predates RFC 8301 (rsa-sha1, short keys): checked with those allowed, as its own rule says. */
    @ParameterizedTest
    @MethodSource("jdkimCorpus")
    void realWorldMessagesPassAndTheBrokenOnesFail(Path file) throws Exception {
        List<DkimResult> r = new DkimVerifier(jdkimKeys(), Clock.systemUTC(), true).verify(Messages.load(file));
        boolean anyPass = r.stream().anyMatch(x -> x.result().equals("pass"));
        assertThat(anyPass).as("%s: %s", file.getFileName(), r).isEqualTo(!file.getFileName().toString().startsWith("FAIL_"));
    }

    @Test
    void rsaSha1IsPolicyUnderRfc8301() throws Exception {
        List<DkimResult> r = new DkimVerifier(jdkimKeys(), Clock.systemUTC(), false)
                .verify(Messages.load(DATA.resolve("jdkim-corpus/pmta_myspace.com.eml")));
        assertThat(r).extracting(DkimResult::result).containsOnly("policy");
    }

    @Test
    void keyProblemsAreTemperrorOrPermerror() throws Exception {
        MessageFacts m = Messages.load(DATA.resolve("dkimpy-data/rfc6376.signed.msg"));
        InMemoryDns none = new InMemoryDns();
        assertThat(new DkimVerifier(none, Clock.systemUTC(), false).verify(m)).extracting(DkimResult::result)
                .containsOnly("permerror");
        InMemoryDns down = new InMemoryDns().fail("brisbane._domainkey.football.example.com", "TXT")
                .fail("test._domainkey.football.example.com", "TXT");
        assertThat(new DkimVerifier(down, Clock.systemUTC(), false).verify(m)).extracting(DkimResult::result)
                .containsOnly("temperror");
        InMemoryDns revoked = new InMemoryDns().add("brisbane._domainkey.football.example.com", "TXT", "v=DKIM1; k=ed25519; p=")
                .add("test._domainkey.football.example.com", "TXT", "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=");
        assertThat(new DkimVerifier(revoked, Clock.systemUTC(), false).verify(m)).extracting(DkimResult::reason)
                .containsExactly("key revoked (empty p=)", "key type k=ed25519 does not fit a=rsa-sha256");
    }

    @TempDir
    Path tmp;

    /** Signs with dkimpy's dkimsign, an implementation independent of ours, and verifies here. */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"ed25519,ed25519-sha256,relaxed,simple", "rsa,rsa-sha256,relaxed,relaxed",
            "rsa,rsa-sha256,simple,simple", "ed25519,ed25519-sha256,simple,relaxed"})
    void messagesSignedByAnIndependentSignerVerify(String ktype, String alg, String hcanon, String bcanon) throws Exception {
        run(tmp, "dknewkey", "--ktype", ktype, "key");
        String dnsRecord = Files.readString(tmp.resolve("key.dns")).strip();
        String message = "From: Alice <alice@signer.example>\nTo: bob@example.net\nSubject: test  of   folding\n"
                + " continued\nDate: Tue, 24 Nov 2026 10:00:00 +0000\n\nHello,  world\t \n\n.leading dot\n\n\n";
        Path in = Files.writeString(tmp.resolve("msg.eml"), message);
        byte[] sig = run(tmp, in, "dkimsign", "--signalg", alg, "--hcanon", hcanon, "--bcanon", bcanon, "sel", "signer.example",
                tmp.resolve("key.key").toString());
        InMemoryDns dns = new InMemoryDns().add("sel._domainkey.signer.example", "TXT", dnsRecord);
        List<DkimResult> r = new DkimVerifier(dns, Clock.systemUTC(), false).verify(Messages.of(sig));
        assertThat(r).extracting(DkimResult::result).as(new String(sig)).containsExactly("pass");
        byte[] tampered = new String(sig).replace("Hello,  world", "Hello, world!").getBytes();
        assertThat(new DkimVerifier(dns, Clock.systemUTC(), false).verify(Messages.of(tampered)))
                .extracting(DkimResult::result).containsExactly("fail");
    }

    /** l= (RFC 6376 8.2): a signature over the first octets still passes after text is appended, and says how much is unsigned. */
    @Test
    void aBodyLengthLimitedSignatureTellsHowMuchOfTheBodyItLeavesUnsigned() throws Exception {
        run(tmp, "dknewkey", "--ktype", "rsa", "key");
        String message = "From: Alice <alice@signer.example>\r\nTo: bob@example.net\r\nSubject: offer\r\n\r\nOur real offer.\r\n";
        Path in = Files.writeString(tmp.resolve("msg.eml"), message);
        // dkimpy's own l= signing (dkimsign has no flag for it), with the Debian Python that python3-dkim installs into
        Path py = Files.writeString(tmp.resolve("sign.py"), "import dkim, sys\nmsg = open(sys.argv[1], 'rb').read()\n"
                + "key = open(sys.argv[2], 'rb').read()\n"
                + "sys.stdout.buffer.write(dkim.sign(msg, b'sel', b'signer.example', key, length=True) + msg)\n");
        byte[] signed = run(tmp, in, "/usr/bin/python3", py.toString(), in.toString(), tmp.resolve("key.key").toString());
        InMemoryDns dns = new InMemoryDns().add("sel._domainkey.signer.example", "TXT", Files.readString(tmp.resolve("key.dns")).strip());
        DkimResult whole = new DkimVerifier(dns, Clock.systemUTC(), false).verify(Messages.of(signed)).get(0);
        assertThat(whole.result()).isEqualTo("pass");
        assertThat(whole.unsignedOctets()).isZero();
        String appended = "Now click http://phish.example/login to claim it.\r\n";
        byte[] tampered = (new String(signed, java.nio.charset.StandardCharsets.ISO_8859_1) + appended)
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        DkimResult partial = new DkimVerifier(dns, Clock.systemUTC(), false).verify(Messages.of(tampered)).get(0);
        assertThat(partial.result()).as(new String(signed)).isEqualTo("pass");
        assertThat(partial.unsignedOctets()).isEqualTo(appended.length());
        assertThat(partial.reason()).contains("leaves " + appended.length() + " octet(s) of the body unsigned");
    }

    @Test
    void anExpiredSignatureFails() throws Exception {
        run(tmp, "dknewkey", "--ktype", "ed25519", "key");
        String msg = "DKIM-Signature: v=1; a=ed25519-sha256; d=signer.example; s=sel; h=from; x=1000; bh=AAAA; b=AAAA\n"
                + "From: a@signer.example\n\nx\n";
        InMemoryDns dns = new InMemoryDns().add("sel._domainkey.signer.example", "TXT", Files.readString(tmp.resolve("key.dns")).strip());
        Clock later = Clock.fixed(Instant.ofEpochSecond(2000), ZoneOffset.UTC);
        assertThat(new DkimVerifier(dns, later, false).verify(Messages.of(msg.getBytes())))
                .extracting(DkimResult::reason).containsExactly("signature expired at 1000");
    }

    private static void run(Path dir, String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(out).isZero();
    }

    private static byte[] run(Path dir, Path stdin, String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectInput(stdin.toFile()).start();
        byte[] out = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes());
        assertThat(p.waitFor()).as(err).isZero();
        return out;
    }

    static final String SIGNED = "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=bad.example; s=sel; h=from:subject;\r\n"
            + " bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=; b=AAAA\r\nFrom: a@bad.example\r\nSubject: x\r\n\r\n";

    @Test
    void aTruncatedOrMalformedKeyIsPermerrorNotAnException() throws Exception {
        for (String key : List.of("p=MII=", "p=MIIBIjAN", "p=MA==", "p=AgE=", "p=MAMCAQA=", "p=MIQAAAAA", "k=rsa; p=!!!!",
                "k=ed25519; p=AAAA", "v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQ")) {
            InMemoryDns dns = new InMemoryDns().add("sel._domainkey.bad.example", "TXT", key);
            List<DkimResult> r = new DkimVerifier(dns, Clock.systemUTC(), false).verify(Messages.of(SIGNED.getBytes()));
            assertThat(r).as(key).extracting(DkimResult::result).containsExactly("permerror");
        }
    }

    @Test
    void randomAndMutatedSignaturesAndKeysNeverThrow() throws Exception {
        java.util.Random rnd = new java.util.Random(6376);
        String alphabet = "=;: \t\r\nabcdhilpqstvxz0123456789+/-.@AMIQ\u00ff";
        java.util.Set<String> results = java.util.Set.of("pass", "fail", "neutral", "policy", "none", "permerror", "temperror");
        for (int n = 0; n < 2000; n++) {
            StringBuilder sig = new StringBuilder(SIGNED);
            StringBuilder key = new StringBuilder("v=DKIM1; k=rsa; t=s:y; h=sha256; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQ");
            for (StringBuilder b : List.of(sig, key)) {
                for (int k = rnd.nextInt(5); k >= 0; k--) {
                    int at = rnd.nextInt(b.length() + 1);
                    if (rnd.nextBoolean()) {
                        b.insert(at, alphabet.charAt(rnd.nextInt(alphabet.length())));
                    } else if (at < b.length()) {
                        b.deleteCharAt(at);
                    }
                }
            }
            if (n % 50 == 0) {
                sig.insert(0, "DKIM-Signature: " + "l=99999999999999999999; ".repeat(3) + "x=" + Long.MAX_VALUE + "0;\r\n");
            }
            InMemoryDns dns = new InMemoryDns().add("sel._domainkey.bad.example", "TXT", key.toString());
            List<DkimResult> r = new DkimVerifier(dns, Clock.systemUTC(), false)
                    .verify(Messages.of(sig.toString().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)));
            assertThat(r).allSatisfy(x -> assertThat(results).contains(x.result()));
        }
    }
}
