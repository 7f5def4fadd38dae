package net.portcullis.policy.privacy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import net.portcullis.policy.store.OwnerOnlyFiles;

/**
 * Addresses made unreadable but still findable (privacy.pseudonymise): each local part becomes
 * {@code h-} and 16 hex digits of an HMAC-SHA256 of the whole address under a key of ours, the
 * domain kept, so the same address always gives the same pseudonym and a search hashes its
 * query the same way. The key file holds a key per line, newest first: rotating adds a key on
 * top (new records use it), the older ones still find older records; delete an old line to make
 * its records unlinkable for good.
 */
public final class Pseudonyms {
    private static final Pattern ADDRESS = Pattern.compile("[A-Za-z0-9.!#$%&'*+=?^_`{|}~-]+@([A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)+)");
    private final List<byte[]> keys;

    private Pseudonyms(List<byte[]> keys) {
        this.keys = List.copyOf(keys);
    }

    /** The keys in {@code file}, one made there (mode 0600) when it is missing. */
    public static Pseudonyms load(Path file) throws IOException {
        if (!Files.exists(file)) {
            OwnerOnlyFiles.write(file, (newKey() + "\n").getBytes(StandardCharsets.US_ASCII));
        }
        List<byte[]> keys = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
            if (!line.isBlank()) {
                try {
                    keys.add(Base64.getDecoder().decode(line.strip()));
                } catch (IllegalArgumentException e) {
                    throw new IOException(file + ": a line is not a base64 key");
                }
            }
        }
        if (keys.isEmpty()) {
            throw new IOException(file + " holds no key");
        }
        return new Pseudonyms(keys);
    }

    /** Adds a new key on top of {@code file}: records from now on use it. */
    public static void rotate(Path file) throws IOException {
        String old = Files.exists(file) ? Files.readString(file, StandardCharsets.US_ASCII) : "";
        OwnerOnlyFiles.write(file, (newKey() + "\n" + old).getBytes(StandardCharsets.US_ASCII));
    }

    private static String newKey() {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        return Base64.getEncoder().encodeToString(k);
    }

    /** The address's pseudonym under the newest key. */
    public String address(String address) {
        return pseudonym(keys.get(0), address);
    }

    /** The address's pseudonyms under every key, newest first: what a search looks for. */
    public List<String> candidates(String address) {
        return keys.stream().map(k -> pseudonym(k, address)).distinct().toList();
    }

    /** Every address in a text (a decision's JSON line, a reason) replaced by its pseudonym. */
    public String text(String text) {
        if (text == null || text.indexOf('@') < 0) {
            return text;
        }
        Matcher m = ADDRESS.matcher(text);
        StringBuilder b = new StringBuilder(text.length());
        while (m.find()) {
            m.appendReplacement(b, Matcher.quoteReplacement(address(m.group())));
        }
        m.appendTail(b);
        return b.toString();
    }

    private static String pseudonym(byte[] key, String address) {
        String a = address.strip().toLowerCase(Locale.ROOT);
        int at = a.lastIndexOf('@');
        if (at <= 0) {
            return a;
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return "h-" + HexFormat.of().formatHex(mac.doFinal(a.getBytes(StandardCharsets.UTF_8)), 0, 8) + a.substring(at);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 not available", e);
        }
    }
}
