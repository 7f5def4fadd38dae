package net.portcullis.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import net.portcullis.gateway.app.ConfigLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every command finds the same configuration (PORTCULLIS_CONFIG), and says so when its store is not the running gateway's. */
class ConfigInForceTest {
    @TempDir
    Path dir;

    Path config(String name, String store) throws Exception {
        return Files.writeString(dir.resolve(name), """
                hostname: mx.example.net
                downstream: 127.0.0.1:2526
                domains: [example.net]
                var_dir: %s
                store: {url: "jdbc:sqlite:%s"}
                """.formatted(dir.resolve("var"), dir.resolve(store)));
    }

    static Cli.Result run(Map<String, String> env, String... args) {
        return Cli.run(Main.commandLine(env::get), args);
    }

    @Test
    void portcullisConfigIsTheDefaultOfEveryCommand() throws Exception {
        Path milter = config("milter.yaml", "milter.db");
        Map<String, String> env = Map.of("PORTCULLIS_CONFIG", milter.toString());
        assertThat(run(env, "list", "add", "--ip", "192.0.2.1", "--reason", "botnet").exit()).isZero();
        // the same file, and so the same store, for the next command without --config
        assertThat(run(env, "list", "show").out()).contains("192.0.2.1");
        assertThat(Files.exists(dir.resolve("milter.db"))).isTrue();
        // --config still wins
        Path other = config("gateway.yaml", "gateway.db");
        assertThat(run(env, "list", "show", "--config", other.toString()).out()).contains("0 entries");
    }

    @Test
    void aCommandWhoseStoreIsNotTheRunningGatewaysSaysSo() throws Exception {
        Path running = config("milter.yaml", "milter.db");
        Path mine = config("gateway.yaml", "gateway.db");
        // as serve and milter announce themselves (this test's own process stands for the gateway)
        RunningGateway.announce(ConfigLoader.load(running), running);
        Cli.Result r = Cli.run("list", "add", "--config", mine.toString(), "--ip", "192.0.2.1", "--reason", "botnet");
        assertThat(r.exit()).isZero();
        assertThat(r.err()).contains("warning: the running gateway (pid " + ProcessHandle.current().pid(), running.toString(),
                "uses the store jdbc:sqlite:" + dir.resolve("milter.db"), "this command jdbc:sqlite:" + dir.resolve("gateway.db"));
        assertThat(r.out()).doesNotContain("warning");
        // once per command, though this one opens the store twice (the held messages, then their decisions)
        Cli.Result twice = Cli.run("hold", "release", "NOSUCH12", "--config", mine.toString());
        assertThat(twice.exit()).isEqualTo(1);
        assertThat(twice.err().split("warning: the running gateway", -1)).hasSize(2);
        // the running gateway's own file: no warning
        assertThat(Cli.run("list", "show", "--config", running.toString()).err()).doesNotContain("warning");
        // a gateway that is gone says nothing
        Files.writeString(dir.resolve("var").resolve(RunningGateway.FILE), "pid=999999999\nstore=x\nconfig=y\n");
        assertThat(Cli.run("list", "show", "--config", mine.toString()).err()).doesNotContain("warning");
    }
}
