package net.portcullis.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `serve` refuses to start on what the configuration names but cannot be had: exit 78, the key named, no stack trace. */
class ServeCommandTest {
    @TempDir
    Path dir;

    Path config(String extra) throws Exception {
        String yaml = """
                listen: 127.0.0.1:0
                hostname: mx.example.net
                downstream: 127.0.0.1:1
                domains: [example.net]
                var_dir: %s
                admin: {listen: "off"}
                rules: {directory: ../conf/rules, local: %s, lists: ../conf/lists}
                %s
                """.formatted(dir.resolve("var"), dir.resolve("local.d"), extra);
        Path p = dir.resolve("gateway.yaml");
        Files.writeString(p, yaml);
        return p;
    }

    static void refused(Cli.Result r, String message) {
        assertThat(r.exit()).isEqualTo(78);
        assertThat(r.err()).contains("portcullis: configuration error: " + message).contains("portcullis: not started")
                .doesNotContain("\tat ", "Exception");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void milterWithoutMilterListenIsAConfigurationError() throws Exception {
        refused(Cli.run("milter", "--config", config("").toString()),
                "milter.listen: 'off' must be set for portcullis milter, e.g. inet:127.0.0.1:11332 or unix:/run/portcullis/milter.sock");
    }

    @Test
    void aMilterPortInUseOrAFileWhereTheSocketGoesIsAConfigurationError() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Cli.Result r = Cli.run("milter", "--config", config("milter: {listen: \"inet:127.0.0.1:" + taken.getLocalPort() + "\"}").toString());
            refused(r, "milter.listen: 'inet:127.0.0.1:" + taken.getLocalPort() + "' cannot be bound: ");
        }
        Path file = Files.writeString(dir.resolve("not-a-socket"), "data");
        refused(Cli.run("milter", "--config", config("milter: {listen: \"unix:" + file + "\"}").toString()),
                "milter.listen: " + file + " exists and is not a socket; not removed");
        assertThat(file).hasContent("data");
    }

    @Test
    void aMissingUsersFileIsAConfigurationError() throws Exception {
        refused(Cli.run("serve", "--config", config("auth: {users_file: " + dir.resolve("nope") + "}").toString()),
                "auth.users_file: '" + dir.resolve("nope") + "' does not exist or is not a file");
    }

    @Test
    void aMissingOrBrokenReviewAccountsFileIsAConfigurationError() throws Exception {
        Path missing = dir.resolve("nope");
        Path c = config("review: {accounts: " + missing + "}");
        Files.writeString(c, Files.readString(c).replace("admin: {listen: \"off\"}", "admin: {listen: 127.0.0.1:0}"));
        refused(Cli.run("serve", "--config", c.toString()), "review.accounts: '" + missing
                + "' does not exist or is not a file (create it with: bin/portcullis reviewers add NAME --role admin --file " + missing + ")");
        Path broken = Files.writeString(dir.resolve("reviewers"), "ann:admin:secret\n");
        Files.writeString(c, Files.readString(c).replace(missing.toString(), broken.toString()));
        refused(Cli.run("serve", "--config", c.toString()), "review.accounts: '" + broken + "' " + broken
                + ":1: expected name:role:pbkdf2-sha256:iterations:salt:hash, found 3 fields");
    }

    @Test
    void aMissingRulesDirectoryIsAConfigurationError() throws Exception {
        Path c = config("");
        Files.writeString(c, Files.readString(c).replace("directory: ../conf/rules", "directory: " + dir.resolve("no-rules")));
        refused(Cli.run("serve", "--config", c.toString()), "rules.directory: '" + dir.resolve("no-rules") + "' is not a directory");
    }

    @Test
    void aVarDirThatCannotBeWrittenIsAConfigurationError() throws Exception {
        Path file = Files.writeString(dir.resolve("plain-file"), "x");
        Path c = config("");
        Files.writeString(c, Files.readString(c).replace("var_dir: " + dir.resolve("var"), "var_dir: " + file.resolve("var")));
        refused(Cli.run("serve", "--config", c.toString()), "var_dir: '" + file.resolve("var") + "' is not a directory this user can write to");
    }

    @Test
    void aListenPortInUseIsAConfigurationError() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Path c = config("");
            Files.writeString(c, Files.readString(c).replace("listen: 127.0.0.1:0", "listen: 127.0.0.1:" + taken.getLocalPort()));
            refused(Cli.run("serve", "--config", c.toString()), "listen: '127.0.0.1:" + taken.getLocalPort() + "' cannot be bound");
        }
    }

    @Test
    void anOverflowingDurationIsAConfigurationError() throws Exception {
        refused(Cli.run("serve", "--config", config("shutdown_grace: 99999999999999999999s").toString()),
                "shutdown_grace: '99999999999999999999s' is longer than the longest duration allowed");
    }
}
