package dev.caravan.routing;

import dev.caravan.auth.GatewayKeys;
import dev.caravan.canonical.ChatCompletion;
import dev.caravan.canonical.ChatCompletionChunk;
import dev.caravan.canonical.Json;
import dev.caravan.error.ErrorKind;
import dev.caravan.error.GatewayException;
import dev.caravan.error.UpstreamErrors;
import dev.caravan.format.PassThrough;
import dev.caravan.format.ProviderFormat;
import dev.caravan.format.ProviderFormats;
import dev.caravan.format.UpstreamRequest;
import dev.caravan.format.VerbatimAnswer;
import dev.caravan.format.openai.OpenAiFormat;
import dev.caravan.stream.ChunkStream;
import dev.caravan.stream.SseEvent;
import dev.caravan.stream.StreamDecoder;
import dev.caravan.stream.UpstreamAbort;
import dev.caravan.tracing.RequestTrace;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * What a provider route calls around its HTTP endpoint: {@link #prepare} writes the request in the provider's
 * format, {@link #complete} reads the answer back into the canonical shape (a stream stays a stream) or raises the
 * classified error.
 */
@Component("upstream")
public class UpstreamCall {

    /** Enough of an error body for its message; a provider's error page beyond that is noise. */
    static final int MAX_ERROR_BODY = 64 * 1024;
    /** The API name (caravanApi) of /v1/chat/completions, whose encoder writes an OpenAI stream's events spliced. */
    private static final String CHAT_API = "chat";

    private final ProviderRegistry providers;
    private final ProviderFormats formats;

    public UpstreamCall(ProviderRegistry providers, ProviderFormats formats) {
        this.providers = providers;
        this.formats = formats;
    }

    public void prepare(Exchange exchange) {
        GatewayCall call = exchange.getProperty(GatewayCall.PROPERTY, GatewayCall.class);
        ProviderRegistry.Provider provider = providers.get(call.provider());
        ProviderFormat format = formats.get(provider.format());
        PassThrough passThrough = passThrough(call, format);
        UpstreamRequest request = passThrough != null
                ? passThrough.toUpstream(call.clientBody(), call.providerModel(), call.request().outputLimit(),
                        List.of(RoutingOptions.BODY_FIELD))
                : format.toUpstream(call.request(), call.providerModel(), call.options().hints(call.anthropicClient()),
                        call.warnings());
        Message message = exchange.getMessage();
        message.setHeader(Exchange.HTTP_METHOD, "POST");
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        message.setHeader("Accept", call.request().streaming() ? "text/event-stream" : "application/json");
        String apiKey = credential(call, provider);
        if (apiKey != null) {
            format.authHeaders(apiKey).forEach(message::setHeader);
        }
        if (passThrough != null) {
            passThrough.headers(call.clientBody()).forEach(message::setHeader);
        }
        if (request.path() != null) {
            message.setHeader(Exchange.HTTP_PATH, request.path());
        }
        if (request.query() != null) {
            message.setHeader(Exchange.HTTP_QUERY, request.query());
        }
        // the attempt's span as the provider call's parent: a provider or proxy that traces joins the same trace
        RequestTrace.of(exchange).inject(message::setHeader);
        message.setBody(request.body());
        call.upstreamSent();
    }

    public void complete(Exchange exchange) throws IOException {
        GatewayCall call = exchange.getProperty(GatewayCall.PROPERTY, GatewayCall.class);
        FirstByteWatch watch = FirstByteWatch.of(exchange);
        // the provider answered: its headers are its first byte, for a non-streamed call all there will be
        watch.arrived();
        ProviderFormat format = formats.get(call.format());
        Message message = exchange.getMessage();
        int status = message.getHeader(Exchange.HTTP_RESPONSE_CODE, 200, Integer.class);
        String retryAfter = message.getHeader("Retry-After", String.class);
        InputStream body = message.getBody(InputStream.class);
        // the provider's headers (content-length, its request ids, cookies) are not the client's business
        message.removeHeaders("*");
        if (status >= 400) {
            byte[] bytes;
            try {
                bytes = body == null ? new byte[0] : readAtMost(body, MAX_ERROR_BODY);
            } finally {
                call.upstreamAnswered();
            }
            throw UpstreamErrors.fromStatus(call.provider(), status, errorMessage(format, bytes),
                    retryAfterSeconds(retryAfter)).without(credential(call, providers.get(call.provider())));
        }
        if (body == null) {
            call.upstreamAnswered();
            throw UpstreamErrors.fromStatus(call.provider(), 502, "the provider sent an empty answer", null);
        }
        boolean verbatim = passThrough(call, format) != null;
        if (call.request().streaming()) {
            // an OpenAI-format stream to a Chat Completions client keeps its events too: its middle events are
            // written as they came, id and model spliced (OpenAiSseEncoder); other clients' encoders read only the
            // chunks, so their streams need not hold each event beside its chunk
            boolean spliced = OpenAiFormat.NAME.equals(call.format())
                    && CHAT_API.equals(exchange.getProperty(GatewayKeys.API_PROPERTY));
            ChunkStream stream = new ChunkStream(body,
                    redacting(format.streamDecoder(), credential(call, providers.get(call.provider()))),
                    spliced, verbatim);
            try {
                if (!stream.awaitFirst(watch.nanosLeft())) {
                    throw new GatewayException(ErrorKind.UPSTREAM_TIMEOUT, call.provider()
                            + ": no first event within the time limit", null, call.provider(), null);
                }
            } catch (IOException | RuntimeException beforeFirstByte) {
                stream.close();
                throw beforeFirstByte;
            } finally {
                call.upstreamAnswered();
            }
            message.setBody(stream);
            outliveTheBreaker(exchange);
        } else {
            byte[] bytes;
            try {
                bytes = body.readAllBytes();
            } catch (IOException | RuntimeException failed) {
                // closing would read on to the end of a stalled body; drop the connection instead
                UpstreamAbort.abort(body);
                throw failed;
            } finally {
                call.upstreamAnswered();
            }
            body.close();
            ChatCompletion completion = format.toCompletion(bytes);
            // a passed-through answer goes back as the provider wrote it; the reading is for the usage record
            message.setBody(verbatim ? new VerbatimAnswer(bytes, completion) : completion);
        }
    }

    /**
     * Inside a circuitBreaker EIP, {@code exchange} is the breaker's copy of the request's, done when the breaker
     * returns, and the HTTP client closes the provider's response when the exchange it was read on is done: the
     * stream would be cut after its first event. Its on-completions move to the request's exchange, done when the
     * answer has been sent.
     */
    private static void outliveTheBreaker(Exchange exchange) {
        Exchange request = exchange.getProperty(GatewayCall.REQUEST_EXCHANGE_PROPERTY, Exchange.class);
        if (request != null && request != exchange) {
            exchange.getExchangeExtension().handoverCompletions(request);
        }
    }

    /**
     * A token count asked of the current attempt's provider ({@code count_tokens}): the client's body passed through
     * as to {@code /v1/messages}, its model the provider's, with the same credential and headers.
     */
    public void prepareCount(Exchange exchange) {
        GatewayCall call = exchange.getProperty(GatewayCall.PROPERTY, GatewayCall.class);
        ProviderRegistry.Provider provider = providers.get(call.provider());
        PassThrough passThrough = formats.get(provider.format()).passThrough();
        Message message = exchange.getMessage();
        message.setHeader(Exchange.HTTP_METHOD, "POST");
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        message.setHeader("Accept", "application/json");
        String apiKey = credential(call, provider);
        if (apiKey != null) {
            formats.get(provider.format()).authHeaders(apiKey).forEach(message::setHeader);
        }
        passThrough.headers(call.clientBody()).forEach(message::setHeader);
        // no max_tokens is added: counting takes none
        message.setBody(passThrough.toUpstream(call.clientBody(), call.providerModel(), null,
                List.of(RoutingOptions.BODY_FIELD)).body());
    }

    /**
     * The provider's count, as it answered it ({@code {"input_tokens": N}}), marked exact; an error status or an
     * answer without a count is raised as a classified error, for the count_tokens route to decide on.
     */
    public void completeCount(Exchange exchange) throws IOException {
        GatewayCall call = exchange.getProperty(GatewayCall.PROPERTY, GatewayCall.class);
        ProviderFormat format = formats.get(call.format());
        Message message = exchange.getMessage();
        int status = message.getHeader(Exchange.HTTP_RESPONSE_CODE, 200, Integer.class);
        String retryAfter = message.getHeader("Retry-After", String.class);
        InputStream body = message.getBody(InputStream.class);
        message.removeHeaders("*");
        byte[] bytes = body == null ? new byte[0] : readAtMost(body, MAX_ERROR_BODY);
        if (status >= 400) {
            throw UpstreamErrors.fromStatus(call.provider(), status, errorMessage(format, bytes),
                    retryAfterSeconds(retryAfter)).without(credential(call, providers.get(call.provider())));
        }
        if (!countIn(bytes)) {
            throw UpstreamErrors.fromStatus(call.provider(), 502, "the provider answered no input_tokens", null);
        }
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        message.setHeader("x-caravan-token-count", "exact");
        message.setHeader("x-caravan-provider", call.provider());
        message.setBody(bytes);
    }

    private static boolean countIn(byte[] body) {
        try {
            return Json.tree(body).path("input_tokens").canConvertToLong();
        } catch (RuntimeException notJson) {
            return false;
        }
    }

    /** The format's pass-through when the current attempt takes the client's own body, else null. */
    private static PassThrough passThrough(GatewayCall call, ProviderFormat format) {
        return call.passesThrough() ? format.passThrough() : null;
    }

    /** The caller's own key (BYOK) for this provider, if it sent one, else the gateway's. */
    static String credential(GatewayCall call, ProviderRegistry.Provider provider) {
        String byok = call.options().byok().keyFor(call.provider());
        return byok != null ? byok : provider.apiKey();
    }

    /**
     * A decoder whose error events lose the credential the provider was called with: their messages go to the client,
     * and some providers quote the key they were given in any error (a 400 "invalid model for key sk-…"), not only in
     * the 401 whose text is replaced anyway. A BYOK key must never come back, and the gateway's own even less.
     */
    static StreamDecoder redacting(StreamDecoder decoder, String credential) {
        return new StreamDecoder() {
            @Override
            public List<ChatCompletionChunk> decode(SseEvent event) {
                try {
                    return decoder.decode(event);
                } catch (GatewayException error) {
                    throw error.without(credential);
                }
            }

            @Override
            public List<ChatCompletionChunk> finish() {
                return decoder.finish();
            }
        };
    }

    static String errorMessage(ProviderFormat format, byte[] body) {
        try {
            return format.errorMessage(body);
        } catch (RuntimeException notJson) {
            return null;
        }
    }

    static byte[] readAtMost(InputStream body, int limit) throws IOException {
        try {
            return body.readNBytes(limit);
        } finally {
            UpstreamAbort.abort(body);
        }
    }

    /** {@code Retry-After} in seconds; the HTTP-date form is rare from model APIs and read as absent. */
    static Long retryAfterSeconds(String header) {
        if (header == null) {
            return null;
        }
        try {
            return Math.max(0, (long) Math.ceil(Double.parseDouble(header.strip())));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
