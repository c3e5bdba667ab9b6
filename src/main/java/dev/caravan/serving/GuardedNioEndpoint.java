package dev.caravan.serving;

import org.apache.tomcat.util.net.NioChannel;
import org.apache.tomcat.util.net.NioEndpoint;
import org.apache.tomcat.util.net.SocketEvent;
import org.apache.tomcat.util.net.SocketWrapperBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Tomcat's NIO endpoint with two limits it lacks (see {@link ConnectionProperties}): open connections per client
 * address, checked as each connection is accepted, and a total deadline on reading a request's line and headers,
 * checked by a sweep over the open connections (Tomcat's own timeouts restart with every byte read).
 */
public final class GuardedNioEndpoint extends NioEndpoint {

    private static final Logger log = LoggerFactory.getLogger(GuardedNioEndpoint.class);
    private static final long REPORT_EVERY_MILLIS = 60_000;

    private final ConcurrentMap<SocketWrapperBase<?>, ClientConnection> open = new ConcurrentHashMap<>();
    private final ConcurrentMap<InetAddress, Integer> openPerAddress = new ConcurrentHashMap<>();
    private volatile int maxConnectionsPerAddress = Integer.MAX_VALUE;
    private volatile long headerTimeoutMillis = Long.MAX_VALUE;
    private ScheduledFuture<?> sweep;

    /** Counted between two reports: each refusal or cut is logged at debug only, an attack makes thousands. */
    private final LongAdder refused = new LongAdder();
    private final LongAdder cut = new LongAdder();
    private volatile InetAddress lastRefused;
    private long lastReport;

    public GuardedNioEndpoint() {
        // Tomcat adds every accepted connection to this map and removes it on close, whichever thread closes it:
        // the one exact place to count connections per address
        connections = new CountingConnections();
    }

    void limit(int maxConnectionsPerAddress, Duration headerTimeout) {
        this.maxConnectionsPerAddress = maxConnectionsPerAddress;
        this.headerTimeoutMillis = headerTimeout.toMillis();
    }

    /** The connection's state, or null if it is closed already. */
    ClientConnection connection(SocketWrapperBase<?> socket) {
        return open.get(socket);
    }

    /** Runs on the acceptor thread, the only one that adds connections: the count it checks cannot grow meanwhile. */
    @Override
    protected boolean setSocketOptions(SocketChannel socket) {
        InetAddress address = remoteAddress(socket);
        if (address != null && openPerAddress.getOrDefault(address, 0) >= maxConnectionsPerAddress) {
            log.debug("Closed a connection from {}: it already holds {} connections", address,
                    maxConnectionsPerAddress);
            refused.increment();
            lastRefused = address;
            // Tomcat's acceptor closes only sockets it has wrapped: this one gives its slot back here
            destroySocket(socket);
            return false;
        }
        return super.setSocketOptions(socket);
    }

    @Override
    public void startInternal() throws Exception {
        super.startInternal();
        // a quarter of the deadline, at most a second: a slow head is cut within about a second past the deadline
        long every = Math.clamp(headerTimeoutMillis / 4, 50, 1_000);
        sweep = getUtilityExecutor().scheduleWithFixedDelay(this::expireSlowHeads, every, every,
                TimeUnit.MILLISECONDS);
    }

    @Override
    public void stopInternal() {
        if (sweep != null) {
            sweep.cancel(false);
        }
        super.stopInternal();
    }

    private void expireSlowHeads() {
        try {
            long now = System.currentTimeMillis();
            open.forEach((socket, connection) -> {
                if (connection.pastHeadDeadline(now, ((NioSocketWrapper) socket).getLastRead(), headerTimeoutMillis)) {
                    log.debug("Closing a connection from {}: its request head took longer than {} ms",
                            connection.address(), headerTimeoutMillis);
                    // the event Tomcat's poller dispatches on a read timeout, here from the utility thread as Tomcat
                    // dispatches async timeouts: a worker then closes the connection under the socket's lock, never
                    // midway through parsing its bytes. (Shortening the read timeout instead is not enough: the
                    // poller checks it right after this socket's own reads, so a steady trickle is never caught.)
                    socket.setError(new SocketTimeoutException("request head past its deadline"));
                    socket.processSocket(SocketEvent.ERROR, true);
                    cut.increment();
                }
            });
            report(now);
        } catch (RuntimeException e) {
            // an exception would cancel the schedule, and with it the deadline for good
            log.warn("The header deadline sweep failed; it runs again", e);
        }
    }

    /**
     * At most once a minute, a warning if connections were refused or cut: legitimate clients behind one address (a
     * proxy, a NAT) that reach the cap would otherwise lose connections without a trace at the default log level.
     */
    private void report(long now) {
        if (now - lastReport < REPORT_EVERY_MILLIS) {
            return;
        }
        lastReport = now;
        long refusedNow = refused.sumThenReset();
        long cutNow = cut.sumThenReset();
        if (refusedNow > 0) {
            log.warn("Refused {} connections in the last minute beyond caravan.server.max-connections-per-address "
                    + "({}), the last from {}", refusedNow, maxConnectionsPerAddress, lastRefused);
        }
        if (cutNow > 0) {
            log.warn("Closed {} connections in the last minute whose request line and headers took longer than "
                    + "caravan.server.header-timeout ({} ms)", cutNow, headerTimeoutMillis);
        }
    }

    private static InetAddress remoteAddress(SocketChannel socket) {
        try {
            return socket.getRemoteAddress() instanceof InetSocketAddress inet ? inet.getAddress() : null;
        } catch (IOException closed) {
            return null;
        }
    }

    private final class CountingConnections extends ConcurrentHashMap<SocketChannel, SocketWrapperBase<NioChannel>> {

        @Override
        public SocketWrapperBase<NioChannel> put(SocketChannel socket, SocketWrapperBase<NioChannel> wrapper) {
            InetAddress address = remoteAddress(socket);
            open.put(wrapper, new ClientConnection(address, System.currentTimeMillis()));
            if (address != null) {
                openPerAddress.merge(address, 1, Integer::sum);
            }
            return super.put(socket, wrapper);
        }

        @Override
        public SocketWrapperBase<NioChannel> remove(Object socket) {
            SocketWrapperBase<NioChannel> wrapper = super.remove(socket);
            ClientConnection connection = wrapper == null ? null : open.remove(wrapper);
            if (connection != null && connection.address() != null) {
                openPerAddress.computeIfPresent(connection.address(), (address, count) -> count == 1 ? null : count - 1);
            }
            return wrapper;
        }
    }
}
