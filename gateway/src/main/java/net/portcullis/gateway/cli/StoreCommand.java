package net.portcullis.gateway.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Option;

/** An admin command working on the store of a configuration, with its errors turned into exit codes and plain words. */
abstract class StoreCommand implements Callable<Integer> {
    @Option(names = "--config", defaultValue = "conf/gateway.yaml", description = "(default: ${DEFAULT-VALUE})")
    Path config;

    @Override
    public Integer call() {
        try {
            return run();
        } catch (Exception e) {
            return Main.failed(e); // the one mapping of README's exit codes, for every command
        }
    }

    abstract int run() throws Exception;
}
