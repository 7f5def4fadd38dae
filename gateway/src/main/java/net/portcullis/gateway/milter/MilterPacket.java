package net.portcullis.gateway.milter;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One packet of the Sendmail milter protocol (version 6, as Postfix and Sendmail 8.14+ speak
 * it): a 32-bit big-endian length, a command or reply byte, the data. Written from libmilter's
 * documentation and Postfix's MILTER_README: there is no maintained Java library for the milter
 * side of the protocol.
 */
public record MilterPacket(char code, byte[] data) {
    // commands, MTA to milter
    public static final char ABORT = 'A';
    public static final char BODY = 'B';
    public static final char CONNECT = 'C';
    public static final char MACRO = 'D';
    public static final char BODYEOB = 'E';
    public static final char HELO = 'H';
    public static final char QUIT_NC = 'K';
    public static final char HEADER = 'L';
    public static final char MAIL = 'M';
    public static final char EOH = 'N';
    public static final char OPTNEG = 'O';
    public static final char QUIT = 'Q';
    public static final char RCPT = 'R';
    public static final char DATA = 'T';
    public static final char UNKNOWN = 'U';

    // replies and modifications, milter to MTA
    public static final char ACCEPT = 'a';
    public static final char CONTINUE = 'c';
    public static final char DISCARD = 'd';
    public static final char TEMPFAIL = 't';
    public static final char REPLYCODE = 'y';
    public static final char ADDHEADER = 'h';
    public static final char INSHEADER = 'i';
    public static final char CHGHEADER = 'm';
    public static final char QUARANTINE = 'q';

    // action flags (SMFIF_*): what the milter may do at the end of the message
    public static final int ADDHDRS = 0x01;
    public static final int CHGHDRS = 0x10;
    public static final int QUARANTINE_ACTION = 0x20;
    public static final int SETSYMLIST = 0x100;

    // protocol flags (SMFIP_*): steps the MTA skips, replies it does not wait for
    public static final int NOUNKNOWN = 0x100;
    public static final int NODATA = 0x200;
    public static final int NR_HDR = 0x80;
    public static final int HDR_LEADSPC = 0x100000;

    /** The protocol was broken: a packet that cannot be read as the protocol defines it. */
    public static final class Malformed extends IOException {
        public Malformed(String why) {
            super(why);
        }
    }

    /**
     * Reads one packet. A clean end of stream before a packet begins is {@link EOFException};
     * a length of 0 or past {@code max}, or a stream ending inside a packet, is {@link Malformed}.
     */
    public static MilterPacket read(InputStream in, int max) throws IOException {
        int b0 = in.read();
        if (b0 < 0) {
            throw new EOFException("the MTA closed the connection");
        }
        byte[] len = new byte[3];
        if (in.readNBytes(len, 0, 3) < 3) {
            throw new Malformed("connection closed inside a packet's length");
        }
        long n = ((long) b0 << 24) | ((len[0] & 0xffL) << 16) | ((len[1] & 0xffL) << 8) | (len[2] & 0xffL);
        if (n < 1) {
            throw new Malformed("packet of length 0 (no command)");
        }
        if (n > max) {
            throw new Malformed("packet of " + n + " bytes, over milter.max_packet (" + max + ")");
        }
        int code = in.read();
        if (code < 0) {
            throw new Malformed("connection closed before the command byte");
        }
        byte[] data = in.readNBytes((int) n - 1);
        if (data.length < n - 1) {
            throw new Malformed("connection closed inside a packet: " + data.length + " of " + (n - 1) + " bytes");
        }
        return new MilterPacket((char) code, data);
    }

    /** The packet on the wire. */
    public byte[] bytes() {
        int n = data.length + 1;
        byte[] out = new byte[n + 4];
        out[0] = (byte) (n >>> 24);
        out[1] = (byte) (n >>> 16);
        out[2] = (byte) (n >>> 8);
        out[3] = (byte) n;
        out[4] = (byte) code;
        System.arraycopy(data, 0, out, 5, data.length);
        return out;
    }

    public void write(OutputStream out) throws IOException {
        out.write(bytes());
    }

    /**
     * The data as NUL-terminated strings (the protocol's text fields: macros, MAIL and RCPT
     * arguments, header name and value). Bytes after the last NUL are one more string.
     */
    public List<String> strings() {
        return strings(data, 0);
    }

    static List<String> strings(byte[] data, int from) {
        List<String> out = new ArrayList<>();
        int start = from;
        for (int i = from; i < data.length; i++) {
            if (data[i] == 0) {
                out.add(new String(data, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        if (start < data.length) {
            out.add(new String(data, start, data.length - start, StandardCharsets.UTF_8));
        }
        return out;
    }

    /** A packet of NUL-terminated strings. */
    public static MilterPacket of(char code, String... fields) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (String f : fields) {
            b.writeBytes(f.getBytes(StandardCharsets.UTF_8));
            b.write(0);
        }
        return new MilterPacket(code, b.toByteArray());
    }

    /** A packet whose data begins with a 32-bit number, then NUL-terminated strings (INSHEADER, CHGHEADER). */
    public static MilterPacket indexed(char code, int index, String... fields) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        writeInt32(b, index);
        b.writeBytes(of(code, fields).data);
        return new MilterPacket(code, b.toByteArray());
    }

    /** A 32-bit number as the protocol writes it: big-endian. */
    public static void writeInt32(ByteArrayOutputStream b, int n) {
        b.write(n >>> 24);
        b.write(n >>> 16);
        b.write(n >>> 8);
        b.write(n);
    }

    public static int int32(byte[] d, int at) {
        return ((d[at] & 0xff) << 24) | ((d[at + 1] & 0xff) << 16) | ((d[at + 2] & 0xff) << 8) | (d[at + 3] & 0xff);
    }

    @Override
    public String toString() {
        return "'" + code + "' (" + data.length + " bytes)";
    }
}
