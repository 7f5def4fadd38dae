package net.portcullis.gateway.review;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Set;
import net.portcullis.policy.PasswordFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The review page's accounts (review.accounts): {@code name:role:pbkdf2-sha256:…} lines, roles
 * viewer (reads) and admin (also acts). Read again when the file changes, so an account added
 * or removed with {@code portcullis reviewers} counts at the next login without a restart; a
 * file that no longer parses is logged and the accounts read before stay in force.
 */
final class ReviewAccounts {
    static final Set<String> ROLES = Set.of("viewer", "admin");
    private static final Logger LOG = LoggerFactory.getLogger(ReviewAccounts.class);
    private final Path file;
    private volatile PasswordFile accounts;
    private volatile FileTime loaded;

    ReviewAccounts(Path file) throws IOException {
        this.file = file;
        this.loaded = Files.getLastModifiedTime(file);
        this.accounts = PasswordFile.loadWithRoles(file, ROLES);
    }

    /** The account's role when the password is right, else null. */
    String authenticate(String name, String password) {
        refresh();
        PasswordFile a = accounts;
        return a.verify(name, password) ? a.role(name) : null;
    }

    /** The role an account has now (null once it is removed): a removed account's sessions end at their next request. */
    String role(String name) {
        refresh();
        return accounts.role(name);
    }

    private synchronized void refresh() {
        try {
            FileTime t = Files.getLastModifiedTime(file);
            if (t.equals(loaded)) {
                return;
            }
            accounts = PasswordFile.loadWithRoles(file, ROLES);
            loaded = t;
            LOG.info("review accounts read again from {}", file);
        } catch (IOException | IllegalArgumentException e) {
            LOG.warn("review accounts {} not read again, the previous ones stay in force: {}", file, e.getMessage());
        }
    }
}
