package net.portcullis.policy.dkim;

import java.math.BigInteger;
import java.security.GeneralSecurityException;

/** Just enough DER to read a PKCS#1 RSAPublicKey: SEQUENCE { INTEGER n, INTEGER e }. */
final class Der {
    private Der() {
    }

    static BigInteger[] rsaPublicKey(byte[] der) throws GeneralSecurityException {
        int[] pos = {0};
        expect(der, pos, 0x30);
        length(der, pos);
        BigInteger n = integer(der, pos);
        BigInteger e = integer(der, pos);
        return new BigInteger[] {n, e};
    }

    private static BigInteger integer(byte[] der, int[] pos) throws GeneralSecurityException {
        expect(der, pos, 0x02);
        int len = length(der, pos);
        if (len == 0 || pos[0] + len > der.length) {
            throw new GeneralSecurityException("truncated RSA key");
        }
        BigInteger v = new BigInteger(java.util.Arrays.copyOfRange(der, pos[0], pos[0] + len));
        pos[0] += len;
        return v;
    }

    private static void expect(byte[] der, int[] pos, int tag) throws GeneralSecurityException {
        if (pos[0] >= der.length || (der[pos[0]] & 0xff) != tag) {
            throw new GeneralSecurityException("not an RSA public key");
        }
        pos[0]++;
    }

    private static int length(byte[] der, int[] pos) throws GeneralSecurityException {
        if (pos[0] >= der.length) {
            throw new GeneralSecurityException("truncated RSA key");
        }
        int b = der[pos[0]++] & 0xff;
        if (b < 0x80) {
            return b;
        }
        int n = b & 0x7f;
        if (n > 3) {
            throw new GeneralSecurityException("RSA key too long");
        }
        int len = 0;
        if (pos[0] + n > der.length) {
            throw new GeneralSecurityException("truncated RSA key");
        }
        for (int k = 0; k < n; k++) {
            len = (len << 8) | (der[pos[0]++] & 0xff);
        }
        if (len > der.length - pos[0]) {
            throw new GeneralSecurityException("truncated RSA key");
        }
        return len;
    }
}
