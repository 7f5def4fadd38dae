package net.portcullis.policy.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.CipherOutputStream;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Messages held for review (rule action {@code hold}): each one a file under the hold directory,
 * encrypted with AES-256-GCM (the reference id as associated data, so a file cannot be passed
 * off as another), written and fsynced before the gateway says 250; what is known of it is a
 * row in the store. A held message is released (relayed), deleted, or expires.
 */
public final class HoldStore {
    /** What is known of a held message; the message itself stays encrypted on disk. */
    public record Held(String ref, Instant heldAt, String client, String helo, String sender, List<String> recipients, long size,
                       String rule, String reason, Instant expiresAt, String state, String actedBy) { }

    private static final byte[] MAGIC = "PCH1".getBytes(StandardCharsets.US_ASCII);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Database db;
    private final Path dir;
    private final SecretKeySpec key;

    public HoldStore(Database db, Path dir, Path keyFile) throws IOException {
        this.db = db;
        this.dir = Files.createDirectories(dir);
        this.key = new SecretKeySpec(loadOrCreateKey(keyFile), "AES");
    }

    /** The key file: 32 random bytes, base64, created readable by this user only. */
    static byte[] loadOrCreateKey(Path keyFile) throws IOException {
        if (!Files.exists(keyFile)) {
            byte[] k = new byte[32];
            RANDOM.nextBytes(k);
            OwnerOnlyFiles.write(keyFile, (Base64.getEncoder().encodeToString(k) + "\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return k;
        }
        byte[] k;
        try {
            k = Base64.getDecoder().decode(Files.readString(keyFile).strip());
        } catch (IllegalArgumentException e) {
            throw new IOException(keyFile + " is not a base64 key");
        }
        if (k.length != 32) {
            throw new IOException(keyFile + " must hold a 256-bit key (32 bytes, base64), holds " + k.length + " bytes");
        }
        return k;
    }

    /**
     * Keeps a message: encrypted to a file, fsynced with its directory, then recorded. Only when
     * this returns may the client hear 250.
     */
    public void hold(Held h, InputStream message) throws IOException, SQLException {
        hold(h, message, null);
    }

    /**
     * As {@link #hold(Held, InputStream)}, with the message's decision written in the same database
     * transaction as its row: a held message is never listed without the decision that holds it.
     *
     * @param decision null when decisions are not stored (log.store: false)
     */
    public void hold(Held h, InputStream message, DecisionStore.Row decision) throws IOException, SQLException {
        Path file = file(h.ref());
        Path tmp = dir.resolve("." + h.ref() + ".tmp");
        byte[] iv = new byte[12];
        RANDOM.nextBytes(iv);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            OutputStream raw = java.nio.channels.Channels.newOutputStream(ch);
            raw.write(MAGIC);
            raw.write(iv);
            try (OutputStream enc = new CipherOutputStream(new java.io.FilterOutputStream(raw) {
                @Override
                public void close() throws IOException {
                    flush(); // the channel is forced and closed below, not here
                }
            }, cipher(Cipher.ENCRYPT_MODE, iv, h.ref()))) {
                message.transferTo(enc);
            }
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true); // the rename itself is durable
        } catch (IOException ignored) {
            // some file systems cannot open a directory for syncing; the file's own data is forced
        }
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            try (PreparedStatement s = c.prepareStatement("INSERT INTO held_message (ref, held_at, client, "
                    + "helo, sender, recipients, size, rule, reason, expires_at, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'held')")) {
                s.setString(1, h.ref());
                s.setLong(2, h.heldAt().toEpochMilli());
                s.setString(3, h.client());
                s.setString(4, h.helo());
                s.setString(5, h.sender());
                s.setString(6, String.join(" ", h.recipients()));
                s.setLong(7, h.size());
                s.setString(8, h.rule());
                s.setString(9, h.reason());
                s.setLong(10, h.expiresAt().toEpochMilli());
                s.executeUpdate();
                if (decision != null) {
                    DecisionStore.insert(c, List.of(decision));
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            Files.deleteIfExists(file);
            throw e;
        }
    }

    /** The message as it was held, decrypted and checked. */
    public byte[] read(String ref) throws IOException {
        byte[] all = Files.readAllBytes(file(ref));
        if (all.length < MAGIC.length + 12 || !Arrays.equals(Arrays.copyOf(all, MAGIC.length), MAGIC)) {
            throw new IOException("held message " + ref + " is not a Portcullis hold file");
        }
        byte[] iv = Arrays.copyOfRange(all, MAGIC.length, MAGIC.length + 12);
        try {
            return cipher(Cipher.DECRYPT_MODE, iv, ref).doFinal(all, MAGIC.length + 12, all.length - MAGIC.length - 12);
        } catch (GeneralSecurityException e) {
            throw new IOException("held message " + ref + " does not decrypt with the hold key (altered, or another key): " + e);
        }
    }

    public Held find(String ref) throws SQLException {
        List<Held> l = select("WHERE ref = ?", ref);
        return l.isEmpty() ? null : l.get(0);
    }

    /** Held messages, newest first; with {@code all} also released, deleted and expired ones. */
    public List<Held> list(boolean all) throws SQLException {
        return select(all ? "" : "WHERE state = 'held'", null);
    }

    /** Marks a held message released or deleted; its file goes. False when it was not held. */
    public boolean settle(String ref, String state, String by, Instant at) throws SQLException, IOException {
        try (Connection c = db.connect(); PreparedStatement s = c.prepareStatement(
                "UPDATE held_message SET state = ?, acted_by = ?, acted_at = ? WHERE ref = ? AND state = 'held'")) {
            s.setString(1, state);
            s.setString(2, by);
            s.setLong(3, at.toEpochMilli());
            s.setString(4, ref);
            if (s.executeUpdate() == 0) {
                return false;
            }
        }
        Files.deleteIfExists(file(ref));
        return true;
    }

    /** Held messages past their expiry are deleted (hold.retention); returns how many. */
    public int expire(Instant now) throws SQLException, IOException {
        int n = 0;
        for (Held h : list(false)) {
            if (h.expiresAt().isBefore(now) && settle(h.ref(), "expired", "retention", now)) {
                n++;
            }
        }
        return n;
    }

    private List<Held> select(String where, String arg) throws SQLException {
        try (Connection c = db.connect(); PreparedStatement s = c.prepareStatement("SELECT ref, held_at, client, helo, sender, "
                + "recipients, size, rule, reason, expires_at, state, acted_by FROM held_message " + where + " ORDER BY held_at DESC")) {
            if (arg != null) {
                s.setString(1, arg);
            }
            List<Held> out = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(new Held(rs.getString(1), Instant.ofEpochMilli(rs.getLong(2)), rs.getString(3), rs.getString(4),
                            rs.getString(5), List.of(rs.getString(6).split(" ")), rs.getLong(7), rs.getString(8), rs.getString(9),
                            Instant.ofEpochMilli(rs.getLong(10)), rs.getString(11), rs.getString(12)));
                }
            }
            return out;
        }
    }

    private Path file(String ref) {
        if (!ref.matches("[A-Z0-9]{8}")) {
            throw new IllegalArgumentException("'" + ref + "' is not a reference id");
        }
        return dir.resolve(ref + ".held");
    }

    private Cipher cipher(int mode, byte[] iv, String ref) throws IOException {
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(mode, key, new GCMParameterSpec(128, iv));
            c.updateAAD(ref.getBytes(StandardCharsets.US_ASCII));
            return c;
        } catch (GeneralSecurityException e) {
            throw new IOException("AES-GCM not available: " + e, e);
        }
    }

    /** Held messages with the recipients not yet told of them in a digest, by recipient. */
    public java.util.Map<String, List<Held>> awaitingDigest() throws SQLException {
        java.util.Map<String, List<Held>> out = new java.util.TreeMap<>();
        java.util.Set<String> told = new java.util.HashSet<>();
        try (Connection c = db.connect(); PreparedStatement s = c.prepareStatement(
                "SELECT ref, recipient FROM held_recipient WHERE digested_at IS NOT NULL OR released_at IS NOT NULL");
             ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                told.add(rs.getString(1) + " " + rs.getString(2));
            }
        }
        for (Held h : list(false)) {
            for (String r : h.recipients()) {
                if (!told.contains(h.ref() + " " + r)) {
                    out.computeIfAbsent(r, k -> new ArrayList<>()).add(h);
                }
            }
        }
        return out;
    }

    public void markDigested(String ref, String recipient, Instant at) throws SQLException {
        try (Connection c = db.connect(); PreparedStatement s = c.prepareStatement("INSERT INTO held_recipient (ref, recipient, "
                + "digested_at) VALUES (?, ?, ?) ON CONFLICT (ref, recipient) DO UPDATE SET digested_at = excluded.digested_at")) {
            s.setString(1, ref);
            s.setString(2, recipient);
            s.setLong(3, at.toEpochMilli());
            s.executeUpdate();
        }
    }

    /**
     * Claims the release of a held message to one of its recipients: true once, false when it
     * was claimed before (a link works once). {@link #unclaim} undoes a claim whose relay failed.
     */
    public boolean claimRelease(String ref, String recipient, Instant at) throws SQLException {
        try (Connection c = db.connect(); PreparedStatement s = c.prepareStatement("INSERT INTO held_recipient (ref, recipient, "
                + "released_at) VALUES (?, ?, ?) ON CONFLICT (ref, recipient) DO UPDATE SET released_at = excluded.released_at "
                + "WHERE held_recipient.released_at IS NULL")) {
            s.setString(1, ref);
            s.setString(2, recipient);
            s.setLong(3, at.toEpochMilli());
            return s.executeUpdate() == 1;
        }
    }

    /** The recipients a held message was already released to by their own links. */
    public java.util.Set<String> releasedTo(String ref) throws SQLException {
        java.util.Set<String> out = new java.util.TreeSet<>();
        try (Connection c = db.connect(); PreparedStatement s = c.prepareStatement(
                "SELECT recipient FROM held_recipient WHERE ref = ? AND released_at IS NOT NULL")) {
            s.setString(1, ref);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    public void unclaim(String ref, String recipient) throws SQLException {
        try (Connection c = db.connect(); PreparedStatement s = c.prepareStatement(
                "UPDATE held_recipient SET released_at = NULL WHERE ref = ? AND recipient = ?")) {
            s.setString(1, ref);
            s.setString(2, recipient);
            s.executeUpdate();
        }
    }

    /** A signed release link's content: which message, for which recipient, until when. */
    public record ReleaseClaim(String ref, String recipient, Instant expires) { }

    /** A token for a one-click release link: HMAC-SHA256 under a key derived from the hold key. */
    public String releaseToken(String ref, String recipient, Instant expires) {
        return sign(RELEASE, ref + "\n" + recipient + "\n" + expires.getEpochSecond());
    }

    /**
     * The claim of a release token, or an exception naming why it is refused: malformed,
     * forged (the signature does not match) or expired.
     */
    public ReleaseClaim verifyToken(String token, Instant now) {
        String[] f = verify(RELEASE, token, 3);
        return new ReleaseClaim(f[0], f[1], expiry(f[2], now));
    }

    /** A signed "this is spam" / "this is not spam" link's content: who says it of which message. */
    public record ReportClaim(String ref, String recipient, boolean spam, Instant expires) { }

    /** A token for a digest's report link, signed as a release link is, under a key of its own. */
    public String reportToken(String ref, String recipient, boolean spam, Instant expires) {
        return sign(REPORT, ref + "\n" + recipient + "\n" + (spam ? "spam" : "ham") + "\n" + expires.getEpochSecond());
    }

    /** The claim of a report token; refused as {@link #verifyToken} refuses. */
    public ReportClaim verifyReportToken(String token, Instant now) {
        String[] f = verify(REPORT, token, 4);
        if (!f[2].equals("spam") && !f[2].equals("ham")) {
            throw new IllegalArgumentException("malformed link");
        }
        return new ReportClaim(f[0], f[1], f[2].equals("spam"), expiry(f[3], now));
    }

    /** A token for a digest's unsubscribe link (RFC 8058 done for the recipient), signed under a key of its own. */
    public String unsubscribeToken(String ref, String recipient, Instant expires) {
        return sign(UNSUBSCRIBE, ref + "\n" + recipient + "\n" + expires.getEpochSecond());
    }

    /** The claim of an unsubscribe token; refused as {@link #verifyToken} refuses. */
    public ReleaseClaim verifyUnsubscribeToken(String token, Instant now) {
        String[] f = verify(UNSUBSCRIBE, token, 3);
        return new ReleaseClaim(f[0], f[1], expiry(f[2], now));
    }

    // each kind of link signs under a key of its own: a release token is no report token
    private static final String RELEASE = "portcullis release link v1";
    private static final String REPORT = "portcullis report link v1";
    private static final String UNSUBSCRIBE = "portcullis unsubscribe link v1";

    private String sign(String kind, String body) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return b64.encodeToString(body.getBytes(StandardCharsets.UTF_8)) + "." + b64.encodeToString(mac(kind, body));
    }

    private String[] verify(String kind, String token, int fields) {
        int dot = token.indexOf('.');
        if (dot <= 0) {
            throw new IllegalArgumentException("malformed link");
        }
        String body;
        byte[] given;
        try {
            body = new String(Base64.getUrlDecoder().decode(token.substring(0, dot)), StandardCharsets.UTF_8);
            given = Base64.getUrlDecoder().decode(token.substring(dot + 1));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("malformed link");
        }
        if (!java.security.MessageDigest.isEqual(given, mac(kind, body))) {
            throw new SecurityException("the link's signature does not match");
        }
        String[] f = body.split("\n");
        if (f.length != fields || !f[fields - 1].matches("\\d{1,12}")) {
            throw new IllegalArgumentException("malformed link");
        }
        return f;
    }

    private static Instant expiry(String seconds, Instant now) {
        Instant expires = Instant.ofEpochSecond(Long.parseLong(seconds));
        if (now.isAfter(expires)) {
            throw new java.time.DateTimeException("the link expired at " + expires);
        }
        return expires;
    }

    private byte[] mac(String kind, String body) {
        try {
            javax.crypto.Mac derive = javax.crypto.Mac.getInstance("HmacSHA256");
            derive.init(key);
            byte[] linkKey = derive.doFinal(kind.getBytes(StandardCharsets.US_ASCII));
            javax.crypto.Mac m = javax.crypto.Mac.getInstance("HmacSHA256");
            m.init(new SecretKeySpec(linkKey, "HmacSHA256"));
            return m.doFinal(body.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 not available", e);
        }
    }

    /** For tests: the raw file, to show it holds no plain text. */
    public byte[] rawFile(String ref) throws IOException {
        return Files.readAllBytes(file(ref));
    }
}
