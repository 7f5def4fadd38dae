package net.portcullis.gateway.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a configuration names on disk, checked before the gateway starts: a missing users file,
 * rules directory or keystore, or a var_dir we cannot write, is a configuration error naming
 * its key (exit 78), never a stack trace halfway through start-up.
 */
public final class Preflight {
    private Preflight() {
    }

    public static void check(GatewayConfig cfg) throws ConfigException {
        if (cfg.usersFile() != null) {
            readableFile("auth.users_file", cfg.usersFile(), "create it with: bin/portcullis users add NAME --file " + cfg.usersFile());
        }
        if (cfg.review().accounts() != null) {
            Path accounts = cfg.review().accounts();
            readableFile("review.accounts", accounts, "create it with: bin/portcullis reviewers add NAME --role admin --file " + accounts);
            try {
                net.portcullis.policy.PasswordFile.loadWithRoles(accounts, java.util.Set.of("viewer", "admin"));
            } catch (IOException | IllegalArgumentException e) {
                throw ConfigException.of("review.accounts", accounts.toString(), e.getMessage());
            }
        }
        if (cfg.tls().enabled() && cfg.tls().keystore() != null) {
            readableFile("tls.keystore", cfg.tls().keystore(), "give the path of a PKCS#12 file");
        }
        directory("rules.directory", cfg.rules().directory());
        directory("rules.lists", cfg.rules().lists());
        writable("var_dir", cfg.varDir());
        writable("spool.directory", cfg.spool().directory());
    }

    private static void readableFile(String key, Path p, String hint) throws ConfigException {
        if (!Files.isRegularFile(p)) {
            throw ConfigException.of(key, p.toString(), "does not exist or is not a file (" + hint + ")");
        }
        if (!Files.isReadable(p)) {
            throw ConfigException.of(key, p.toString(), "is not readable by this user");
        }
    }

    private static void directory(String key, Path p) throws ConfigException {
        if (p != null && !Files.isDirectory(p)) {
            throw ConfigException.of(key, p.toString(), "is not a directory");
        }
    }

    private static void writable(String key, Path p) throws ConfigException {
        try {
            Files.createDirectories(p);
            Path probe = Files.createTempFile(p, ".write-test", "");
            Files.delete(probe);
        } catch (IOException | SecurityException e) {
            throw ConfigException.of(key, p.toString(), "is not a directory this user can write to (" + e.getMessage() + ")");
        }
    }
}
