package net.portcullis.gateway.cli;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.Callable;
import net.portcullis.policy.PasswordFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "users", description = "Manage SMTP AUTH users (PBKDF2-hashed password file).",
        subcommands = {UsersCommand.Add.class})
final class UsersCommand extends CommandGroup {

    @Command(name = "add", description = "Add a user; the password is read from standard input (one line).")
    static final class Add implements Callable<Integer> {
        @Option(names = "--file", description = "password file (default: ${DEFAULT-VALUE})", defaultValue = "conf/users")
        Path file;

        @Parameters(paramLabel = "USER", description = "the login name")
        String user;

        @Override
        public Integer call() throws Exception {
            char[] password = readPassword(user);
            if (password == null) {
                return 2;
            }
            if (Files.exists(file) && PasswordFile.load(file).contains(user)) {
                System.err.println("portcullis: user " + user + " already exists in " + file + "; remove its line first");
                return 2;
            }
            append(file, PasswordFile.line(user, password));
            System.out.println("added " + user + " to " + file);
            return 0;
        }
    }

    /** The password from the terminal (not echoed) or the first line of standard input; null (said why) when too short. */
    static char[] readPassword(String user) throws java.io.IOException {
        char[] password;
        if (System.console() != null) {
            password = System.console().readPassword("password for %s: ", user);
        } else {
            String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            password = line == null ? new char[0] : line.toCharArray();
        }
        if (password == null || password.length < 8) {
            System.err.println("portcullis: password must have at least 8 characters");
            return null;
        }
        return password;
    }

    /** Appends a line; a new file is readable by its owner only (it holds password hashes). */
    static void append(Path file, String line) throws java.io.IOException {
        if (!Files.exists(file)) {
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            try {
                Files.createFile(file, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException e) {
                Files.createFile(file);
            }
        }
        Files.writeString(file, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    }
}
