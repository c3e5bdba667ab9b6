package dev.caravan.routing;

import dev.caravan.canonical.EmbeddingRequest;
import dev.caravan.canonical.EmbeddingResult;
import dev.caravan.error.UpstreamErrors;
import dev.caravan.format.ProviderFormat;
import dev.caravan.format.ProviderFormats;
import dev.caravan.format.UpstreamRequest;
import dev.caravan.format.gemini.GeminiEmbeddings;
import dev.caravan.format.openai.OpenAiEmbeddings;
import dev.caravan.stream.UpstreamAbort;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.InputStream;

/**
 * What an embeddings provider route calls around its HTTP endpoint ({@code direct:embeddings-<provider>}):
 * {@link #prepare} writes the exchange's {@link EmbeddingRequest} in the provider's format, {@link #complete} reads
 * the vectors back into an {@link EmbeddingResult} or raises the classified error, as {@link UpstreamCall} does for
 * chat, so the failover chain decides on it the same way.
 */
@Component
public class EmbeddingCall {

    /** The exchange property holding the request's {@link EmbeddingRequest}, set by the API that read it. */
    public static final String PROPERTY = "caravanEmbedding";

    private final ProviderRegistry providers;
    private final ProviderFormats formats;

    public EmbeddingCall(ProviderRegistry providers, ProviderFormats formats) {
        this.providers = providers;
        this.formats = formats;
    }

    public void prepare(Exchange exchange) {
        GatewayCall call = exchange.getProperty(GatewayCall.PROPERTY, GatewayCall.class);
        EmbeddingRequest request = exchange.getProperty(PROPERTY, EmbeddingRequest.class);
        ProviderRegistry.Provider provider = providers.get(call.provider());
        UpstreamRequest upstream = switch (provider.format()) {
            case "openai" -> UpstreamRequest.body(
                    OpenAiEmbeddings.toUpstream(request, call.providerModel(), call.warnings()));
            case "gemini" -> GeminiEmbeddings.toUpstream(request, call.providerModel(), call.warnings());
            default -> throw new IllegalStateException("the catalog offers an embedding model on " + call.provider()
                    + ", whose format has no embeddings");
        };
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
                UpstreamAbort.abort(body);
                throw failed;
            }
        } finally {
            call.upstreamAnswered();
        }
        body.close();
        message.setBody(read(call, bytes));
    }

    private static EmbeddingResult read(GatewayCall call, byte[] bytes) {
        try {
            return switch (call.format()) {
                case "gemini" -> GeminiEmbeddings.fromUpstream(bytes);
                default -> OpenAiEmbeddings.fromUpstream(bytes);
            };
        } catch (RuntimeException unreadable) {
            // a 200 that is no embeddings answer is the provider's fault: another provider may do better
            throw UpstreamErrors.fromStatus(call.provider(), 502, "the provider's embeddings answer could not be read",
                    null);
        }
    }
}
