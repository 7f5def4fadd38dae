package net.portcullis.policy.dns;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import net.portcullis.rules.Network;

/**
 * What a DNS list's A answer means, for IP lists (DNSBL), domain lists (RHSBL, URIBL) alike.
 * An answer outside 127.0.0.0/8, or 127.255.255.x (how Spamhaus and others say "you may not
 * query us" or "bad query"), is no listing. With no codes configured any other answer lists.
 * A code is either an exact answer ({@code "127.0.1.2": spam domain}, as Spamhaus DBL answers)
 * or a bit mask ({@code "127.0.0.64/mask": abuse}, as SURBL's multi list packs several lists into
 * the last octets): an answer lists when it shares a bit with the mask outside the first octet.
 */
public final class ListingCodes {
    private static final Pattern CODE = Pattern.compile("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}(/mask)?");

    /** A listing: the answer and what the configured codes say it means (null when no code names it). */
    public record Listing(String answer, String meaning) { }

    private ListingCodes() {
    }

    /** Whether {@code key} is a code as the configuration may write it. */
    public static boolean valid(String key) {
        if (!CODE.matcher(key).matches()) {
            return false;
        }
        for (String octet : key.replace("/mask", "").split("\\.")) {
            if (Integer.parseInt(octet) > 255) {
                return false;
            }
        }
        return true;
    }

    /** Whether an answer is a list's error or refusal rather than a listing. */
    public static boolean refusal(String answer) {
        int[] b = octets(answer);
        return b == null || b[0] != 127 || (b[1] == 255 && b[2] == 255);
    }

    /** The listing {@code answer} makes under {@code codes}, or null when it makes none. */
    public static Listing match(Map<String, String> codes, String answer) {
        if (refusal(answer)) {
            return null;
        }
        if (codes.isEmpty()) {
            return new Listing(answer, null);
        }
        int got = bits(octets(answer));
        List<String> meanings = new ArrayList<>();
        for (Map.Entry<String, String> c : codes.entrySet()) {
            String key = c.getKey();
            boolean hit = key.endsWith("/mask")
                    ? (got & bits(octets(key.substring(0, key.length() - 5))) & 0x00FFFFFF) != 0
                    : key.equals(answer);
            if (hit) {
                meanings.add(c.getValue());
            }
        }
        return meanings.isEmpty() ? null : new Listing(answer, String.join(", ", meanings));
    }

    private static int bits(int[] o) {
        return o[0] << 24 | o[1] << 16 | o[2] << 8 | o[3];
    }

    private static int[] octets(String address) {
        InetAddress ip;
        try {
            ip = Network.address(address);
        } catch (IllegalArgumentException e) {
            return null;
        }
        byte[] b = ip.getAddress();
        if (b.length != 4) {
            return null;
        }
        return new int[] {b[0] & 0xff, b[1] & 0xff, b[2] & 0xff, b[3] & 0xff};
    }
}
