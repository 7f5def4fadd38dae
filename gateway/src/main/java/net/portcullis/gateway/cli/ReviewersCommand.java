package net.portcullis.gateway.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import net.portcullis.policy.PasswordFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code portcullis reviewers}: the review page's accounts (review.accounts), with their roles. */
@Command(name = "reviewers", description = "Manage the review page's accounts: viewer (reads) or admin (also acts).",
        subcommands = {ReviewersCommand.Add.class, ReviewersCommand.ListAccounts.class, ReviewersCommand.Remove.class})
final class ReviewersCommand extends CommandGroup {
    static final Set<String> ROLES = Set.of("viewer", "admin");

    @Command(name = "add", description = "Add an account; the password is read from the terminal or standard input (one line).")
    static final class Add implements Callable<Integer> {
        @Option(names = "--file", description = "accounts file (default: ${DEFAULT-VALUE})", defaultValue = "conf/reviewers")
        Path file;
        @Option(names = "--role", required = true, description = "viewer or admin")
        String role;
        @Parameters(paramLabel = "NAME", description = "the account name")
        String name;

        @Override
        public Integer call() throws Exception {
            if (!ROLES.contains(role)) {
                System.err.println("portcullis: --role '" + role + "': expected viewer or admin");
                return 2;
            }
            try {
                if (Files.exists(file) && PasswordFile.loadWithRoles(file, ROLES).contains(name)) {
                    System.err.println("portcullis: account " + name + " already exists in " + file + "; remove it first");
                    return 2;
                }
                char[] password = UsersCommand.readPassword(name);
                if (password == null) {
                    return 2;
                }
                UsersCommand.append(file, PasswordFile.line(name, role, password));
            } catch (IllegalArgumentException e) {
                System.err.println("portcullis: " + e.getMessage());
                return 2;
            }
            System.out.println("added " + name + " (" + role + ") to " + file);
            return 0;
        }
    }

    @Command(name = "list", description = "The accounts and their roles.")
    static final class ListAccounts implements Callable<Integer> {
        @Option(names = "--file", description = "accounts file (default: ${DEFAULT-VALUE})", defaultValue = "conf/reviewers")
        Path file;

        @Override
        public Integer call() throws Exception {
            if (!Files.exists(file)) {
                System.err.println("portcullis: " + file + " does not exist");
                return 1;
            }
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String[] f = line.strip().split(":", 3);
                if (f.length == 3 && !line.startsWith("#")) {
                    System.out.println(f[0] + "  " + f[1]);
                }
            }
            return 0;
        }
    }

    @Command(name = "remove", description = "Remove an account; its open sessions end at their next request.")
    static final class Remove implements Callable<Integer> {
        @Option(names = "--file", description = "accounts file (default: ${DEFAULT-VALUE})", defaultValue = "conf/reviewers")
        Path file;
        @Parameters(paramLabel = "NAME", description = "the account name")
        String name;

        @Override
        public Integer call() throws Exception {
            if (!Files.exists(file)) {
                System.err.println("portcullis: " + file + " does not exist");
                return 1;
            }
            List<String> kept = new ArrayList<>();
            boolean found = false;
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.startsWith(name + ":")) {
                    found = true;
                } else {
                    kept.add(line);
                }
            }
            if (!found) {
                System.err.println("portcullis: no account " + name + " in " + file);
                return 1;
            }
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.write(tmp, kept, StandardCharsets.UTF_8);
            try {
                Files.setPosixFilePermissions(tmp, Files.getPosixFilePermissions(file)); // it holds password hashes
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: the directory's defaults apply
            }
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            System.out.println("removed " + name + " from " + file);
            return 0;
        }
    }
}
