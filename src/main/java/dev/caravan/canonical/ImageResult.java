package dev.caravan.canonical;

import java.math.BigDecimal;
import java.util.List;

/**
 * A provider's generated images (base64, with their media type and, from OpenAI's older models, the prompt as
 * revised), the provider's usage (null when it reported none) and, once priced, the cost in USD.
 */
public record ImageResult(List<Image> images, Usage usage, BigDecimal cost, List<Warning> warnings) {

    public ImageResult {
        images = List.copyOf(images);
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
    }

    public ImageResult priced(BigDecimal usd, List<Warning> gatewayWarnings) {
        return new ImageResult(images, usage, usd, Warning.merge(warnings, gatewayWarnings));
    }

    public record Image(String base64, String mediaType, String revisedPrompt) {
    }
}
