package io.proflens.ingest;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * An input stream that counts the bytes read or skipped through it (for progress, error offsets and measuring
 * the uncompressed size of a stream). Not thread-safe, like the streams it wraps.
 */
public final class ByteCountingInputStream extends FilterInputStream {
    private long count;

    public ByteCountingInputStream(InputStream in) {
        super(in);
    }

    /** @return bytes read or skipped so far. */
    public long count() {
        return count;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            count++;
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
            count += n;
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long s = super.skip(n);
        count += s;
        return s;
    }
}
