package net.portcullis.policy.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pseudonyms: stable, keyed, findable, rotatable. */
class PseudonymsTest {
    @TempDir
    Path dir;

    @Test
    void anAddressAlwaysGivesOnePseudonymUnderAKeyAndARotationKeepsOldOnesFindable() throws Exception {
        Path key = dir.resolve("pseudonym.key");
        Pseudonyms p = Pseudonyms.load(key);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
        String alice = p.address("alice@example.net");
        assertThat(alice).matches("h-[0-9a-f]{16}@example\\.net");
        assertThat(p.address("Alice@Example.NET")).isEqualTo(alice);
        assertThat(p.address("bob@example.net")).isNotEqualTo(alice);
        assertThat(p.address("alice@example.org")).as("the whole address is hashed").doesNotStartWith(alice.substring(0, 18));
        assertThat(Pseudonyms.load(key).address("alice@example.net")).as("the key is kept").isEqualTo(alice);
        assertThat(Pseudonyms.load(dir.resolve("other.key")).address("alice@example.net")).as("another key, another pseudonym")
                .isNotEqualTo(alice);

        String line = "{\"sender\":\"news@shop.example\",\"recipients\":[{\"address\":\"alice@example.net\"}],"
                + "\"reason\":\"no opt-in on record for alice@example.net\"}";
        assertThat(p.text(line)).doesNotContain("alice@", "news@").contains(alice, p.address("news@shop.example"));
        assertThat(p.text("no address here")).isEqualTo("no address here");

        Pseudonyms.rotate(key);
        Pseudonyms rotated = Pseudonyms.load(key);
        assertThat(rotated.address("alice@example.net")).isNotEqualTo(alice);
        assertThat(rotated.candidates("alice@example.net")).containsExactly(rotated.address("alice@example.net"), alice);
    }
}
