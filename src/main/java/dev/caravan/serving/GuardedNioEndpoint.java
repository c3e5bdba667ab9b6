package dev.caravan.serving;

import org.apache.tomcat.util.net.NioChannel;
import org.apache.tomcat.util.net.NioEndpoint;
import org.apache.tomcat.util.net.SocketEvent;
import org.apache.tomcat.util.net.SocketWrapperBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Tomcat's NIO endpoint with three protections it lacks (see {@link ConnectionProperties}): open connections per
 * client address (per network prefix for IPv6), checked as each connection is accepted; a total deadline on reading a
 * request's line and headers, checked by a sweep over the open connections (Tomcat's own timeouts restart with every
 * byte read); and, when the open connections come close to {@code server.tomcat.max-connections}, the eviction of
 * those that have waited longest for a request, so that slow clients from many addresses cannot fill every slot
 * until the header deadline frees one (Tomcat's acceptor would stop accepting, and a new client would wait).
 */
public final class GuardedNioEndpoint extends NioEndpoint {

    private static final Logger log = LoggerFactory.getLogger(GuardedNioEndpoint.class);
    private static final long REPORT_EVERY_MILLIS = 60_000;

    private final ConcurrentMap<SocketWrapperBase<?>, ClientConnection> open = new ConcurrentHashMap<>();
    private final ConcurrentMap<InetAddress, Integer> openPerAddress = new ConcurrentHashMap<>();
    private volatile int maxConnectionsPerAddress = Integer.MAX_VALUE;
    private volatile int ipv6PrefixLength = 128;
    private volatile long headerTimeoutMillis = Long.MAX_VALUE;
    private ScheduledFuture<?> sweep;

    /** Counted between two reports: each refusal or cut is logged at debug only, an attack makes thousands. */
    private final LongAdder refused = new LongAdder();
    private final LongAdder cut = new LongAdder();
    private final LongAdder evicted = new LongAdder();
    private volatile InetAddress lastRefused;
    private long lastReport;

    public GuardedNioEndpoint() {
        // Tomcat adds every accepted connection to this map and removes it on close, whichever thread closes it:
        // the one exact place to count connections per address
        connections = new CountingConnections();
    }

    void limit(int maxConnectionsPerAddress, int ipv6PrefixLength, Duration headerTimeout) {
        this.maxConnectionsPerAddress = maxConnectionsPerAddress;
        this.ipv6PrefixLength = ipv6PrefixLength;
        this.headerTimeoutMillis = headerTimeout.toMillis();
    }

    /** The connection's state, or null if it is closed already. */
    ClientConnection connection(SocketWrapperBase<?> socket) {
        return open.get(socket);
    }

    /** Runs on the acceptor thread, the only one that adds connections: the count it checks cannot grow meanwhile. */
    @Override
    protected boolean setSocketOptions(SocketChannel socket) {
        InetAddress address = client(remoteAddress(socket));
        if (address != null && openPerAddress.getOrDefault(address, 0) >= maxConnectionsPerAddress) {
            log.debug("Closed a connection from {}: it already holds {} connections", address,
                    maxConnectionsPerAddress);
            refused.increment();
            lastRefused = address;
            // Tomcat's acceptor closes only sockets it has wrapped: this one gives its slot back here
            destroySocket(socket);
            return false;
        }
        makeRoom();
        return super.setSocketOptions(socket);
    }

    /**
     * When the open connections (this one included) reach nine tenths of {@code max-connections}, closes the ones
     * that have waited longest for a request (a first head still coming in, or a kept-alive connection between
     * requests) until eight tenths are left; a connection with a request in service is never closed. In one batch, so
     * that an attack costs one scan per tenth of the slots, not one per connection. A legitimate client's head takes
     * milliseconds, an attacker's takes until it is closed, so the oldest waiting connections are the slow ones.
     * Runs on the acceptor thread, before Tomcat's own limit would make that thread stop accepting.
     */
    private void makeRoom() {
        int max = getMaxConnections();
        if (max <= 0 || open.size() + 1 < max - max / 10) {
            return;
        }
        // connections being closed still count in Tomcat's map for a moment: only the others are counted here, or a
        // burst of accepts would evict again for the same excess
        int[] live = {1};
        PriorityQueue<Map.Entry<SocketWrapperBase<?>, Long>> oldest = new PriorityQueue<>(
                Map.Entry.<SocketWrapperBase<?>, Long>comparingByValue().reversed());
        int keep = max - max / 5;
        open.forEach((socket, connection) -> {
            if (connection.closing()) {
                return;
            }
            live[0]++;
            long since = connection.waitingSince();
            if (since != Long.MAX_VALUE) {
                oldest.add(Map.entry(socket, since));
                // a bound on the queue: never more to evict than all but the slots kept
                if (oldest.size() > max - keep) {
                    oldest.poll();
                }
            }
        });
        if (live[0] < max - max / 10) {
            return;
        }
        int excess = live[0] - keep;
        List<Map.Entry<SocketWrapperBase<?>, Long>> byAge = new ArrayList<>(oldest);
        byAge.sort(Map.Entry.comparingByValue());
        for (Map.Entry<SocketWrapperBase<?>, Long> candidate : byAge.subList(0, Math.min(excess, byAge.size()))) {
            ClientConnection connection = open.get(candidate.getKey());
            if (connection != null && connection.claimClose()) {
                close(candidate.getKey(), new SocketTimeoutException("evicted: the port is nearly full"));
                evicted.increment();
            }
        }
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
                    close(socket, new SocketTimeoutException("request head past its deadline"));
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
     * Closes a connection without an answer with the event Tomcat's poller dispatches on a read timeout, from this
     * thread as Tomcat dispatches async timeouts: a worker then closes it under the socket's lock, never midway
     * through parsing its bytes. (Shortening the read timeout instead is not enough: the poller checks it right after
     * the socket's own reads, so a steady trickle is never caught.)
     */
    private static void close(SocketWrapperBase<?> socket, SocketTimeoutException why) {
        socket.setError(why);
        socket.processSocket(SocketEvent.ERROR, true);
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
        long evictedNow = evicted.sumThenReset();
        if (refusedNow > 0) {
            log.warn("Refused {} connections in the last minute beyond caravan.server.max-connections-per-address "
                    + "({}), the last from {}", refusedNow, maxConnectionsPerAddress, lastRefused);
        }
        if (cutNow > 0) {
            log.warn("Closed {} connections in the last minute whose request line and headers took longer than "
                    + "caravan.server.header-timeout ({} ms)", cutNow, headerTimeoutMillis);
        }
        if (evictedNow > 0) {
            log.warn("Closed {} connections in the last minute that waited longest for a request, as the open "
                    + "connections neared server.tomcat.max-connections ({})", evictedNow, getMaxConnections());
        }
    }

    /**
     * The address a connection counts against: the client's own for IPv4, its network prefix for IPv6, where one
     * host is handed a whole /64 and could otherwise open the cap's worth of connections from each of its addresses.
     */
    InetAddress client(InetAddress address) {
        if (!(address instanceof Inet6Address) || ipv6PrefixLength >= 128) {
            return address;
        }
        return prefix(address, ipv6PrefixLength);
    }

    static InetAddress prefix(InetAddress address, int bits) {
        byte[] bytes = address.getAddress();
        int full = bits / 8;
        int rest = bits % 8;
        if (full < bytes.length) {
            bytes[full] &= (byte) (0xff << (8 - rest));
            Arrays.fill(bytes, full + 1, bytes.length, (byte) 0);
        }
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException impossible) {
            throw new IllegalStateException(impossible);
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
            InetAddress address = client(remoteAddress(socket));
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
