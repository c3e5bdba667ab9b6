package dev.caravan.api;

import dev.caravan.canonical.ImageResult;
import dev.caravan.format.openai.OpenAiImages;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/** OpenAI's {@code POST /v1/images/generations} on {@link Images}, images as {@code b64_json}. */
@Component("imagesApi")
public class ImagesApi {

    private final Intake intake;
    private final Images images;

    public ImagesApi(Intake intake, Images images) {
        this.intake = intake;
        this.images = images;
    }

    public void accept(Exchange exchange) {
        OpenAiImages.ClientRequest read = OpenAiImages.read(EmbeddingsApi.parse(intake.jsonBytes(exchange.getMessage())));
        images.accept(exchange, read.request(), read.providerOptions());
    }

    public void respond(Exchange exchange) {
        ImageResult result = images.answered(exchange);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        exchange.getMessage().setBody(OpenAiImages.toClient(result));
    }
}
