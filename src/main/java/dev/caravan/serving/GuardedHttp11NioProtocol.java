package dev.caravan.serving;

import org.apache.coyote.Adapter;
import org.apache.coyote.Processor;
import org.apache.coyote.Request;
import org.apache.coyote.Response;
import org.apache.coyote.http11.AbstractHttp11Protocol;
import org.apache.coyote.http11.Http11NioProtocol;
import org.apache.coyote.http11.Http11Processor;
import org.apache.tomcat.util.net.AbstractEndpoint.Handler.SocketState;
import org.apache.tomcat.util.net.SocketEvent;
import org.apache.tomcat.util.net.SocketWrapperBase;

import java.io.IOException;

/**
 * Tomcat's HTTP/1.1 NIO protocol on a {@link GuardedNioEndpoint}, with processors that tell the endpoint when a
 * request's head has been read in full and when the connection has no request in service any more: the two events
 * its header deadline needs. Named by class in {@link ServingConfiguration} (Tomcat creates it by reflection).
 */
public final class GuardedHttp11NioProtocol extends Http11NioProtocol {

    private final GuardedNioEndpoint endpoint;

    public GuardedHttp11NioProtocol() {
        this(new GuardedNioEndpoint());
    }

    private GuardedHttp11NioProtocol(GuardedNioEndpoint endpoint) {
        super(endpoint);
        this.endpoint = endpoint;
    }

    void apply(ConnectionProperties settings) {
        endpoint.limit(settings.maxConnectionsPerAddress(), settings.ipv6PrefixLength(), settings.headerTimeout());
        setKeepAliveTimeout(Math.toIntExact(settings.idleTimeout().toMillis()));
        // with the upload timeout on, Tomcat swaps the read timeout for it once the headers are in, and back after
        setDisableUploadTimeout(false);
        setConnectionUploadTimeout(Math.toIntExact(settings.bodyTimeout().toMillis()));
    }

    @Override
    protected Processor createProcessor() {
        return new TrackedProcessor(this, new HeadSignal(getAdapter()), endpoint);
    }

    /** Marks the connection's request as in service as Tomcat hands it on: its line and headers are all read. */
    private static final class HeadSignal implements Adapter {

        private final Adapter delegate;
        /** The connection the processor serves now; set by it before each event, under the socket's lock. */
        private ClientConnection connection;

        HeadSignal(Adapter delegate) {
            this.delegate = delegate;
        }

        @Override
        public void service(Request request, Response response) throws Exception {
            if (connection != null) {
                connection.requestStarted();
            }
            delegate.service(request, response);
        }

        @Override
        public boolean prepare(Request request, Response response) throws Exception {
            return delegate.prepare(request, response);
        }

        @Override
        public boolean asyncDispatch(Request request, Response response, SocketEvent status) throws Exception {
            return delegate.asyncDispatch(request, response, status);
        }

        @Override
        public void log(Request request, Response response, long time) {
            delegate.log(request, response, time);
        }

        @Override
        public void checkRecycled(Request request, Response response) {
            delegate.checkRecycled(request, response);
        }

        @Override
        public String getDomain() {
            return delegate.getDomain();
        }
    }

    private static final class TrackedProcessor extends Http11Processor {

        private final HeadSignal signal;
        private final GuardedNioEndpoint endpoint;

        TrackedProcessor(AbstractHttp11Protocol<?> protocol, HeadSignal signal, GuardedNioEndpoint endpoint) {
            super(protocol, signal);
            this.signal = signal;
            this.endpoint = endpoint;
        }

        /** Processors are pooled across connections: each event names its connection anew. */
        @Override
        public SocketState process(SocketWrapperBase<?> socket, SocketEvent status) throws IOException {
            ClientConnection connection = endpoint.connection(socket);
            signal.connection = connection;
            try {
                return super.process(socket, status);
            } finally {
                signal.connection = null;
                // an async request goes on after this event; an upgraded connection (HTTP/2, WebSocket) reads no
                // HTTP/1.1 head any more and has timeouts of its own
                if (connection != null && isUpgrade()) {
                    connection.upgraded();
                } else if (connection != null && !isAsync()) {
                    connection.requestEnded(System.currentTimeMillis());
                }
            }
        }
    }
}
