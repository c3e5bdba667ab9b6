package dev.caravan.routing;

import dev.caravan.canonical.EmbeddingRequest;
import dev.caravan.format.ProviderFormats;
import dev.caravan.format.UpstreamRequest;
import dev.caravan.format.gemini.GeminiEmbeddings;
import dev.caravan.format.openai.OpenAiEmbeddings;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * The steps of an embeddings provider route ({@code direct:embeddings-<provider>}): the exchange's
 * {@link EmbeddingRequest} in the provider's format, its vectors read back into an
 * {@link dev.caravan.canonical.EmbeddingResult}.
 */
@Component
public class EmbeddingCall extends JsonProviderCall {

    /** The exchange property holding the request's {@link EmbeddingRequest}, set by the API that read it. */
    public static final String PROPERTY = "caravanEmbedding";

    public EmbeddingCall(ProviderRegistry providers, ProviderFormats formats) {
        super(providers, formats);
    }

    @Override
    UpstreamRequest write(Exchange exchange, GatewayCall call, String format) {
        EmbeddingRequest request = exchange.getProperty(PROPERTY, EmbeddingRequest.class);
        return switch (format) {
            case "openai" -> UpstreamRequest.body(
                    OpenAiEmbeddings.toUpstream(request, call.providerModel(), call.warnings()));
            case "gemini" -> GeminiEmbeddings.toUpstream(request, call.providerModel(), call.warnings());
            // the catalog refuses an embedding model on any other format
            default -> throw new IllegalStateException(call.provider() + "'s format has no embeddings");
        };
    }

    @Override
    Object read(GatewayCall call, String format, byte[] body) {
        return "gemini".equals(format) ? GeminiEmbeddings.fromUpstream(body) : OpenAiEmbeddings.fromUpstream(body);
    }
}
