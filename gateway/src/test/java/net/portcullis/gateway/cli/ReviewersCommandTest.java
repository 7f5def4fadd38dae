package net.portcullis.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import net.portcullis.policy.PasswordFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `portcullis reviewers`: the review page's accounts, hashed, with roles. (ServeCommandTest: a broken accounts file.) */
class ReviewersCommandTest {
    @TempDir
    Path dir;

    static synchronized Cli.Result withStdin(String stdin, String... args) {
        InputStream old = System.in;
        try {
            System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
            return Cli.run(args);
        } finally {
            System.setIn(old);
        }
    }

    @Test
    void accountsAreAddedHashedWithTheirRoleListedAndRemoved() throws Exception {
        Path f = dir.resolve("conf/reviewers");
        Cli.Result added = withStdin("correct horse battery\n", "reviewers", "add", "ann", "--role", "admin", "--file", f.toString());
        assertThat(added.exit()).isEqualTo(0);
        assertThat(added.out()).isEqualTo("added ann (admin) to " + f + "\n");
        assertThat(withStdin("another long one\n", "reviewers", "add", "vic", "--role", "viewer", "--file", f.toString()).exit()).isZero();
        assertThat(Files.readString(f)).doesNotContain("correct horse").contains("ann:admin:pbkdf2-sha256:");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-------");
        PasswordFile p = PasswordFile.loadWithRoles(f, Set.of("viewer", "admin"));
        assertThat(p.verify("ann", "correct horse battery")).isTrue();
        assertThat(p.role("vic")).isEqualTo("viewer");

        assertThat(Cli.run("reviewers", "list", "--file", f.toString()).out()).isEqualTo("ann  admin\nvic  viewer\n");
        Cli.Result twice = withStdin("correct horse battery\n", "reviewers", "add", "ann", "--role", "viewer", "--file", f.toString());
        assertThat(twice.exit()).isEqualTo(2);
        assertThat(twice.err()).contains("account ann already exists");
        Cli.Result badRole = withStdin("correct horse battery\n", "reviewers", "add", "eve", "--role", "root", "--file", f.toString());
        assertThat(badRole.exit()).isEqualTo(2);
        assertThat(badRole.err()).isEqualTo("portcullis: --role 'root': expected viewer or admin\n");
        assertThat(withStdin("short\n", "reviewers", "add", "eve", "--role", "viewer", "--file", f.toString()).err())
                .contains("at least 8 characters");

        assertThat(Cli.run("reviewers", "remove", "vic", "--file", f.toString()).out()).isEqualTo("removed vic from " + f + "\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-------");
        assertThat(Cli.run("reviewers", "list", "--file", f.toString()).out()).isEqualTo("ann  admin\n");
        assertThat(Cli.run("reviewers", "remove", "vic", "--file", f.toString()).exit()).isEqualTo(1);
    }
}
