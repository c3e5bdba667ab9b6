package dev.caravan.format.openai;

import java.io.FilterReader;
import java.io.IOException;
import java.io.Reader;

/**
 * Stops reading a request body past the size limit, for bodies sent without a Content-Length (chunked), so no
 * client can make the gateway buffer an unbounded body.
 */
final class BoundedReader extends FilterReader {

    private final long limit;
    private long count;

    BoundedReader(Reader in, long limit) {
        super(in);
        this.limit = limit;
    }

    @Override
    public int read() throws IOException {
        int c = super.read();
        if (c >= 0) {
            count(1);
        }
        return c;
    }

    @Override
    public int read(char[] buffer, int offset, int length) throws IOException {
        int n = super.read(buffer, offset, length);
        if (n > 0) {
            count(n);
        }
        return n;
    }

    private void count(int n) throws TooLarge {
        count += n;
        if (count > limit) {
            throw new TooLarge();
        }
    }

    static final class TooLarge extends IOException {
        TooLarge() {
            super("request body too large", null);
        }
    }
}
