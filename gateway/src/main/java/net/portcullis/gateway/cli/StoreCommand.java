package net.portcullis.gateway.cli;

import java.nio.file.Path;
import java.sql.SQLException;
import java.util.concurrent.Callable;
import net.portcullis.gateway.config.ConfigException;
import picocli.CommandLine.Option;

/** An admin command working on the store of a configuration, with its errors turned into exit codes and plain words. */
abstract class StoreCommand implements Callable<Integer> {
    @Option(names = "--config", defaultValue = "conf/gateway.yaml", description = "(default: ${DEFAULT-VALUE})")
    Path config;

    @Override
    public Integer call() throws Exception {
        try {
            return run();
        } catch (ConfigException e) {
            System.err.println("portcullis: configuration error: " + e.getMessage());
            return 78; // EX_CONFIG
        } catch (NotFound e) {
            System.err.println("portcullis: " + e.getMessage());
            return 1;
        } catch (IllegalArgumentException e) {
            System.err.println("portcullis: " + e.getMessage());
            return 2;
        } catch (SQLException e) {
            System.err.println("portcullis: store error: " + e.getMessage());
            return 74; // EX_IOERR
        } catch (java.nio.file.NoSuchFileException | java.nio.file.AccessDeniedException e) {
            // an input file named on the command line: a bad argument (2), not an I/O failure
            return Main.failed(e);
        } catch (java.io.IOException e) {
            System.err.println("portcullis: " + e.getMessage());
            return 74;
        }
    }

    abstract int run() throws Exception;
}
