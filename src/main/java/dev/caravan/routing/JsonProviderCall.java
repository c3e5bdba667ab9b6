package dev.caravan.routing;

import dev.caravan.error.UpstreamErrors;
import dev.caravan.format.ProviderFormat;
import dev.caravan.format.ProviderFormats;
import dev.caravan.format.UpstreamRequest;
import dev.caravan.stream.UpstreamAbort;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

import java.io.IOException;
import java.io.InputStream;

/**
 * The two steps of a provider route whose answer is one JSON body and never a stream (embeddings, image
 * generation): {@link #prepare} writes the request in the provider's format, {@link #complete} reads the answer or
 * raises the classified error, as {@link UpstreamCall} does for chat, so the failover chain decides on it the same way.
 * Subclasses only say how their request is written and their answer read.
 */
abstract class JsonProviderCall {

    private final ProviderRegistry providers;
    private final ProviderFormats formats;

    JsonProviderCall(ProviderRegistry providers, ProviderFormats formats) {
        this.providers = providers;
        this.formats = formats;
    }

    /** The request for the current attempt's provider, in its {@code format}; warnings go to the call. */
    abstract UpstreamRequest write(Exchange exchange, GatewayCall call, String format);

    /** The provider's answer, read; a body that is not the answer throws any runtime exception. */
    abstract Object read(GatewayCall call, String format, byte[] body);

    public void prepare(Exchange exchange) {
        GatewayCall call = exchange.getProperty(GatewayCall.PROPERTY, GatewayCall.class);
        ProviderRegistry.Provider provider = providers.get(call.provider());
        UpstreamRequest upstream = write(exchange, call, provider.format());
        Message message = exchange.getMessage();
        message.setHeader(Exchange.HTTP_METHOD, "POST");
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        message.setHeader("Accept", "application/json");
        String apiKey = UpstreamCall.credential(call, provider);
        if (apiKey != null) {
            formats.get(provider.format()).authHeaders(apiKey).forEach(message::setHeader);
        }
        if (upstream.path() != null) {
            message.setHeader(Exchange.HTTP_PATH, upstream.path());
        }
        message.setBody(upstream.body());
        call.upstreamSent();
    }

    public void complete(Exchange exchange) throws IOException {
        GatewayCall call = exchange.getProperty(GatewayCall.PROPERTY, GatewayCall.class);
        FirstByteWatch.of(exchange).arrived();
        ProviderFormat format = formats.get(call.format());
        Message message = exchange.getMessage();
        int status = message.getHeader(Exchange.HTTP_RESPONSE_CODE, 200, Integer.class);
        String retryAfter = message.getHeader("Retry-After", String.class);
        InputStream body = message.getBody(InputStream.class);
        // the provider's headers are not the client's business
        message.removeHeaders("*");
        byte[] bytes;
        try {
            if (status >= 400) {
                bytes = body == null ? new byte[0] : UpstreamCall.readAtMost(body, UpstreamCall.MAX_ERROR_BODY);
                throw UpstreamErrors.fromStatus(call.provider(), status, UpstreamCall.errorMessage(format, bytes),
                        UpstreamCall.retryAfterSeconds(retryAfter))
                        .without(UpstreamCall.credential(call, providers.get(call.provider())));
            }
            if (body == null) {
                throw UpstreamErrors.fromStatus(call.provider(), 502, "the provider sent an empty answer", null);
            }
            try {
                bytes = body.readAllBytes();
            } catch (IOException | RuntimeException failed) {
                // closing would read on to the end of a stalled body; drop the connection instead
                UpstreamAbort.abort(body);
                throw failed;
            }
        } finally {
            call.upstreamAnswered();
        }
        body.close();
        Object answer;
        try {
            answer = read(call, call.format(), bytes);
        } catch (dev.caravan.error.GatewayException refused) {
            throw refused;
        } catch (RuntimeException unreadable) {
            // a 200 that is no answer of this kind is the provider's fault: another provider may do better
            throw UpstreamErrors.fromStatus(call.provider(), 502, "the provider's answer could not be read", null);
        }
        message.setBody(answer);
    }
}
