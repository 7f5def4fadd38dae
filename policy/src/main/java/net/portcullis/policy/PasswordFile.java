package net.portcullis.policy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * SMTP AUTH users, one a line: {@code name:pbkdf2-sha256:ITERATIONS:SALT:HASH} (salt and hash in
 * base64). Passwords are never stored in plain text; PBKDF2 comes with the JDK, so no library.
 * Lines starting with '#' and blank lines are ignored.
 */
public final class PasswordFile {
    static final String SCHEME = "pbkdf2-sha256";
    static final int DEFAULT_ITERATIONS = 210_000; // OWASP 2023 figure for PBKDF2-HMAC-SHA256
    private static final SecureRandom RANDOM = new SecureRandom();

    private record Entry(String role, int iterations, byte[] salt, byte[] hash) { }

    private final Map<String, Entry> users;

    private PasswordFile(Map<String, Entry> users) {
        this.users = users;
    }

    public static PasswordFile load(Path file) throws IOException {
        return load(file, null);
    }

    /**
     * A password file whose lines carry a role after the name:
     * {@code name:ROLE:pbkdf2-sha256:ITERATIONS:SALT:HASH} (the review page's accounts).
     */
    public static PasswordFile loadWithRoles(Path file, java.util.Set<String> roles) throws IOException {
        return load(file, roles);
    }

    private static PasswordFile load(Path file, java.util.Set<String> roles) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        Map<String, Entry> users = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = file + ":" + (i + 1) + ": ";
            String[] f = line.split(":", -1);
            String role = null;
            if (roles != null) {
                if (f.length != 6) {
                    throw new IllegalArgumentException(where + "expected name:role:" + SCHEME + ":iterations:salt:hash, found "
                            + f.length + " fields");
                }
                role = f[1];
                if (!roles.contains(role)) {
                    throw new IllegalArgumentException(where + "unknown role '" + role + "', expected one of " + new java.util.TreeSet<>(roles));
                }
                f = new String[] {f[0], f[2], f[3], f[4], f[5]};
            }
            if (f.length != 5) {
                throw new IllegalArgumentException(where + "expected name:" + SCHEME + ":iterations:salt:hash, found "
                        + f.length + " fields");
            }
            if (!SCHEME.equals(f[1])) {
                throw new IllegalArgumentException(where + "unknown scheme '" + f[1] + "', expected " + SCHEME);
            }
            try {
                int iterations = Integer.parseInt(f[2]);
                if (iterations < 10_000) {
                    throw new IllegalArgumentException(where + "iterations " + iterations + " is below 10000");
                }
                byte[] salt;
                byte[] hash;
                try {
                    salt = Base64.getDecoder().decode(f[3]);
                    hash = Base64.getDecoder().decode(f[4]);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(where + "salt or hash is not base64: " + e.getMessage());
                }
                if (users.put(f[0], new Entry(role, iterations, salt, hash)) != null) {
                    throw new IllegalArgumentException(where + "user '" + f[0] + "' appears twice");
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(where + "iterations '" + f[2] + "' is not a number");
            }
        }
        return new PasswordFile(users);
    }

    /** The line to add to a password file with roles for this user. */
    public static String line(String user, String role, char[] password) {
        if (!role.matches("[a-z]+")) {
            throw new IllegalArgumentException("role '" + role + "' must be lower-case letters");
        }
        String plain = line(user, password);
        return user + ":" + role + plain.substring(user.length());
    }

    /** The line to add to a password file for this user. */
    public static String line(String user, char[] password) {
        if (user.isEmpty() || user.contains(":") || user.chars().anyMatch(c -> c < 0x21)) {
            throw new IllegalArgumentException("user name '" + user + "' must be non-empty, without ':' or spaces");
        }
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        byte[] hash = derive(password, salt, DEFAULT_ITERATIONS);
        Base64.Encoder b64 = Base64.getEncoder();
        return user + ":" + SCHEME + ":" + DEFAULT_ITERATIONS + ":" + b64.encodeToString(salt) + ":" + b64.encodeToString(hash);
    }

    public boolean verify(String user, String password) {
        Entry e = users.get(user);
        if (e == null) {
            // Spend the same time on unknown users, so timing does not reveal which names exist.
            derive(password.toCharArray(), new byte[16], DEFAULT_ITERATIONS);
            return false;
        }
        return MessageDigest.isEqual(e.hash, derive(password.toCharArray(), e.salt, e.iterations));
    }

    /** The user's role in a file loaded with roles; null for an unknown user or a file without roles. */
    public String role(String user) {
        Entry e = users.get(user);
        return e == null ? null : e.role;
    }

    public boolean contains(String user) {
        return users.containsKey(user);
    }

    public int size() {
        return users.size();
    }

    private static byte[] derive(char[] password, byte[] salt, int iterations) {
        try {
            PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, 256);
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException ex) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 unavailable in this JVM", ex);
        }
    }
}
