package net.portcullis.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PasswordFileTest {
    @TempDir
    Path dir;

    @Test
    void storesSaltedHashesAndVerifies() throws Exception {
        Path f = dir.resolve("users");
        String a = PasswordFile.line("alice", "correct horse".toCharArray());
        String b = PasswordFile.line("bob", "correct horse".toCharArray());
        Files.writeString(f, "# users\n" + a + "\n\n" + b + "\n");
        assertThat(a).doesNotContain("correct horse").startsWith("alice:pbkdf2-sha256:210000:");
        assertThat(a.substring(6)).isNotEqualTo(b.substring(4)); // same password, different salt
        PasswordFile p = PasswordFile.load(f);
        assertThat(p.verify("alice", "correct horse")).isTrue();
        assertThat(p.verify("alice", "wrong")).isFalse();
        assertThat(p.verify("carol", "correct horse")).isFalse();
        assertThat(p.contains("bob")).isTrue();
    }

    @Test
    void malformedLinesNameFileAndLine() throws Exception {
        Path f = dir.resolve("users");
        Files.writeString(f, "alice:plain:secret\n");
        assertThatThrownBy(() -> PasswordFile.load(f))
                .hasMessage(f + ":1: expected name:pbkdf2-sha256:iterations:salt:hash, found 3 fields");
        Files.writeString(f, "alice:md5:1:x:y\n");
        assertThatThrownBy(() -> PasswordFile.load(f)).hasMessage(f + ":1: unknown scheme 'md5', expected pbkdf2-sha256");
    }

    @Test
    void accountsWithRolesKeepTheRoleAndRefuseUnknownOnes() throws Exception {
        Path f = dir.resolve("reviewers");
        Files.writeString(f, PasswordFile.line("ann", "admin", "long enough pw".toCharArray()) + "\n"
                + PasswordFile.line("vic", "viewer", "another pw 12".toCharArray()) + "\n");
        PasswordFile p = PasswordFile.loadWithRoles(f, java.util.Set.of("viewer", "admin"));
        assertThat(p.verify("ann", "long enough pw")).isTrue();
        assertThat(p.verify("vic", "long enough pw")).isFalse();
        assertThat(p.role("ann")).isEqualTo("admin");
        assertThat(p.role("vic")).isEqualTo("viewer");
        assertThat(p.role("eve")).isNull();
        Files.writeString(f, PasswordFile.line("ann", "root", "long enough pw".toCharArray()) + "\n");
        assertThatThrownBy(() -> PasswordFile.loadWithRoles(f, java.util.Set.of("viewer", "admin")))
                .hasMessage(f + ":1: unknown role 'root', expected one of [admin, viewer]");
        // a file without roles is not read as one with roles, nor the other way round
        Files.writeString(f, PasswordFile.line("ann", "long enough pw".toCharArray()) + "\n");
        assertThatThrownBy(() -> PasswordFile.loadWithRoles(f, java.util.Set.of("viewer", "admin")))
                .hasMessageContaining(f + ":1: expected name:role:pbkdf2-sha256");
        Files.writeString(f, "ann:admin:pbkdf2-sha256:210000:!!:AAAA\n");
        assertThatThrownBy(() -> PasswordFile.loadWithRoles(f, java.util.Set.of("viewer", "admin")))
                .hasMessageStartingWith(f + ":1: salt or hash is not base64");
    }
}
