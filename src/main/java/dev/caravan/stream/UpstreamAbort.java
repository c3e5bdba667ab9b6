package dev.caravan.stream;

import org.apache.hc.core5.http.io.EofSensorInputStream;

import java.io.IOException;
import java.io.InputStream;

/**
 * Ends an upstream response early. Closing an Apache HttpClient response stream reads it to the end so the
 * connection can be reused, which would keep a provider generating (and billing) for a client that has gone;
 * aborting drops the connection instead, and the provider sees the disconnect at once.
 */
public final class UpstreamAbort {

    private UpstreamAbort() {
    }

    public static void abort(InputStream upstream) {
        try {
            if (upstream instanceof EofSensorInputStream sensor) {
                sensor.abort();
            } else {
                upstream.close();
            }
        } catch (IOException ignored) {
            // the connection is being thrown away; nothing useful can be done with a failure to close it
        }
    }
}
