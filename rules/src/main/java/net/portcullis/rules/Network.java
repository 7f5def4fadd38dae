package net.portcullis.rules;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * An address range in CIDR notation ("192.0.2.0/24", "2001:db8::/32", or a single address).
 * Written here because the JDK has none and Commons Net's SubnetUtils is IPv4-only; it is a
 * prefix comparison over the address bytes and nothing more.
 */
public final class Network {
    private final byte[] prefix;
    private final int bits;
    private final String text;

    private Network(byte[] prefix, int bits, String text) {
        this.prefix = prefix;
        this.bits = bits;
        this.text = text;
    }

    /** Parses CIDR text; the error message says what is wrong with it. */
    public static Network parse(String text) {
        String t = text.trim();
        int slash = t.indexOf('/');
        String addr = slash < 0 ? t : t.substring(0, slash);
        byte[] bytes = literal(addr);
        int max = bytes.length * 8;
        int bits = max;
        if (slash >= 0) {
            String b = t.substring(slash + 1);
            if (!b.matches("\\d{1,3}")) {
                throw new IllegalArgumentException("'" + text + "' has a prefix length that is not a number");
            }
            bits = Integer.parseInt(b);
            if (bits > max) {
                throw new IllegalArgumentException("'" + text + "' has a prefix length over " + max);
            }
        }
        byte[] masked = mask(bytes, bits);
        if (!Arrays.equals(masked, bytes)) {
            throw new IllegalArgumentException("'" + text + "' has host bits set beyond /" + bits
                    + " (did you mean " + toText(masked) + "/" + bits + "?)");
        }
        return new Network(masked, bits, toText(masked) + "/" + bits);
    }

    /** Parses an IP address literal (never resolving a name); the error says what is wrong. */
    public static InetAddress address(String text) {
        try {
            return InetAddress.getByAddress(literal(text.trim()));
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + text + "' is not a valid IP address");
        }
    }

    /**
     * The address of an IP literal, or null for anything else: for a check that asks of every
     * client's HELO whether it is an address (an exception per message cost a fifth of a core).
     */
    public static InetAddress addressOrNull(String text) {
        String t = text.trim();
        if (!V4.matcher(t).matches() && !(t.indexOf(':') >= 0 && V6_CHARS.matcher(t).matches())) {
            return null;
        }
        try {
            return address(t);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static final java.util.regex.Pattern V4 = java.util.regex.Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final java.util.regex.Pattern V6_CHARS = java.util.regex.Pattern.compile("[0-9A-Fa-f:.]+");

    /** An IP literal, never a DNS name: InetAddress.getByName would otherwise resolve names. */
    static byte[] literal(String addr) {
        boolean v4 = V4.matcher(addr).matches();
        boolean v6 = addr.contains(":") && V6_CHARS.matcher(addr).matches();
        if (!v4 && !v6) {
            throw new IllegalArgumentException("'" + addr + "' is not an IPv4 or IPv6 address");
        }
        if (v4) {
            for (String part : addr.split("\\.")) {
                if (Integer.parseInt(part) > 255) {
                    throw new IllegalArgumentException("'" + addr + "' has an octet over 255");
                }
            }
        }
        try {
            return InetAddress.getByName(addr).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + addr + "' is not a valid IP address");
        }
    }

    private static byte[] mask(byte[] bytes, int bits) {
        byte[] out = bytes.clone();
        for (int i = 0; i < out.length; i++) {
            int keep = Math.max(0, Math.min(8, bits - i * 8));
            out[i] &= (byte) (0xff << (8 - keep));
        }
        return out;
    }

    private static String toText(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes).getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    public boolean contains(InetAddress address) {
        byte[] a = address.getAddress();
        if (a.length != prefix.length) {
            return false;
        }
        return Arrays.equals(mask(a, bits), prefix);
    }

    @Override
    public String toString() {
        return text;
    }
}
