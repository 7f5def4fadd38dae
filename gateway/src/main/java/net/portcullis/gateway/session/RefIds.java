package net.portcullis.gateway.session;

import java.security.SecureRandom;

/**
 * Reference ids that end every refusal and appear in the decision log: short enough to read out
 * on the phone, random enough not to collide within months of logs (8 characters of a
 * 32-letter alphabet without 0/O and 1/I: 2^40).
 */
public final class RefIds {
    private static final char[] ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private RefIds() {
    }

    public static String next() {
        long bits = RANDOM.nextLong();
        char[] out = new char[8];
        for (int i = 0; i < out.length; i++) {
            out[i] = ALPHABET[(int) (bits & 31)];
            bits >>>= 5;
        }
        return new String(out);
    }
}
