package net.portcullis.gateway.net;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A filter whose single-byte read is its block read of one byte, so that a subclass writes its
 * logic once, in {@link #read(byte[], int, int)}. (FilterInputStream's own read() would go around it.)
 */
public abstract class BlockFilterInputStream extends FilterInputStream {
    private final byte[] one = new byte[1];

    protected BlockFilterInputStream(InputStream in) {
        super(in);
    }

    @Override
    public int read() throws IOException {
        int n = read(one, 0, 1);
        return n <= 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public abstract int read(byte[] b, int off, int len) throws IOException;
}
