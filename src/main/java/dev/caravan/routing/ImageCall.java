package dev.caravan.routing;

import dev.caravan.canonical.ImageRequest;
import dev.caravan.format.ProviderFormats;
import dev.caravan.format.UpstreamRequest;
import dev.caravan.format.gemini.GeminiImages;
import dev.caravan.format.openai.OpenAiImages;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * The steps of an image generation provider route ({@code direct:images-<provider>}): the exchange's
 * {@link ImageRequest} in the provider's format, its images read back into an {@link dev.caravan.canonical.ImageResult}.
 */
@Component
public class ImageCall extends JsonProviderCall {

    /** The exchange property holding the request's {@link ImageRequest}, set by the API that read it. */
    public static final String PROPERTY = "caravanImageRequest";

    public ImageCall(ProviderRegistry providers, ProviderFormats formats) {
        super(providers, formats);
    }

    @Override
    UpstreamRequest write(Exchange exchange, GatewayCall call, String format) {
        ImageRequest request = exchange.getProperty(PROPERTY, ImageRequest.class);
        return switch (format) {
            case "openai" -> UpstreamRequest.body(OpenAiImages.toUpstream(request, call.providerModel(),
                    call.warnings()));
            case "gemini" -> GeminiImages.toUpstream(request, call.providerModel(), call.warnings());
            // the catalog refuses an image model on any other format
            default -> throw new IllegalStateException(call.provider() + "'s format has no image generation");
        };
    }

    @Override
    Object read(GatewayCall call, String format, byte[] body) {
        return "gemini".equals(format) ? GeminiImages.fromUpstream(body) : OpenAiImages.fromUpstream(body);
    }
}
