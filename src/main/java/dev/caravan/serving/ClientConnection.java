package dev.caravan.serving;

import java.net.InetAddress;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One open client connection as the header deadline sees it. Tomcat's own timeouts only bound the silence between
 * two reads, so a client that sends one header byte every few seconds is never cut; this keeps, per connection,
 * since when it has been delivering a request head, which {@link GuardedNioEndpoint} checks about every second.
 *
 * <p>Three kinds of writer: the connection's processor ({@link #requestStarted}, {@link #requestEnded}), always under
 * Tomcat's lock on the socket, so one at a time; the endpoint's sweep ({@link #pastHeadDeadline}), a single
 * scheduled task; and the acceptor, which may evict a connection that waits for a request when the port is nearly
 * full ({@link #waitingSince}, {@link #claimClose}). They share only the volatile and atomic fields. Times are
 * {@link System#currentTimeMillis()}, as Tomcat's {@code lastRead} is.
 */
final class ClientConnection {

    private static final long NONE = Long.MIN_VALUE;

    private final InetAddress address;
    private final long acceptedAt;

    /** Requests of this connection whose line and headers were read in full; written under the socket's lock. */
    private volatile int requests;
    private volatile boolean inService;
    private volatile long idleSince;

    /** Set once by whoever closes it first, the sweep or an eviction: closing takes a moment, both may look again. */
    private final AtomicBoolean closing = new AtomicBoolean();

    private int requestsAtLastLook;
    private long headSince = NONE;

    ClientConnection(InetAddress address, long acceptedAt) {
        this.address = address;
        this.acceptedAt = acceptedAt;
        this.idleSince = acceptedAt;
    }

    /** The client's address, or null when the socket has none (a Unix domain socket): such a one is not capped. */
    InetAddress address() {
        return address;
    }

    /** A request's line and headers are read in full: whatever it now takes, its head met the deadline. */
    void requestStarted() {
        requests++;
        inService = true;
    }

    /** The connection left HTTP/1.1 (HTTP/2, WebSocket): it is in service for as long as it lasts. */
    void upgraded() {
        inService = true;
    }

    /**
     * The processor let go of the connection with no request in service (not async, not upgraded). Called after
     * every read event; it only counts when a request had started, since a half-read head also lets go.
     */
    void requestEnded(long now) {
        if (inService) {
            idleSince = now;
            inService = false;
        }
    }

    /**
     * The sweep's look: whether this connection has been delivering one request head for longer than {@code timeout}
     * (true at most once per connection).
     * The first request's head counts from the accept, so a connection that sends nothing, or only blank lines (which
     * Tomcat reads without keeping a processor), is cut as well. A later one counts from the first look that sees
     * bytes read after the previous request ended; until then the connection is idle, which {@code idleTimeout}
     * bounds. {@code lastRead} is when Tomcat last read from the socket.
     */
    boolean pastHeadDeadline(long now, long lastRead, long timeout) {
        int seen = requests;
        if (inService || seen != requestsAtLastLook) {
            // a request got its head in since the last look: whatever follows is a new head, or idleness
            requestsAtLastLook = seen;
            headSince = NONE;
            if (inService) {
                return false;
            }
        }
        if (headSince == NONE) {
            if (seen == 0) {
                headSince = acceptedAt;
            } else if (lastRead > idleSince) {
                headSince = now;
            }
        }
        if (headSince == NONE || now - headSince <= timeout) {
            return false;
        }
        return claimClose();
    }

    /**
     * Since when this connection has been waiting for a request, or {@link Long#MAX_VALUE} if it is not waiting (a
     * request is in service, or it is being closed): from the accept until its first head is in, then from the end
     * of each request. A head that trickles in after an idle spell counts from the start of the idle spell.
     */
    long waitingSince() {
        if (inService || closing.get()) {
            return Long.MAX_VALUE;
        }
        return requests == 0 ? acceptedAt : idleSince;
    }

    boolean closing() {
        return closing.get();
    }

    /** True for the one caller that gets to close this connection (the sweep or an eviction), false for the rest. */
    boolean claimClose() {
        return closing.compareAndSet(false, true);
    }
}
