package dev.caravan.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.canonical.EmbeddingResult;
import dev.caravan.canonical.Json;
import dev.caravan.error.GatewayException;
import dev.caravan.format.openai.OpenAiEmbeddings;
import dev.caravan.routing.GatewayCall;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

import java.io.IOException;

/**
 * OpenAI's {@code POST /v1/embeddings} on {@link Embeddings}: {@link #accept} reads OpenAI's request,
 * {@link #respond} writes the vectors as floats or as base64 (little-endian float32), whichever the client asked.
 */
@Component("embeddingsApi")
public class EmbeddingsApi {

    /** The encoding the client asked for, kept from its request for the answer. */
    static final String ENCODING_PROPERTY = "caravanEmbeddingEncoding";

    private final Intake intake;
    private final Embeddings embeddings;

    public EmbeddingsApi(Intake intake, Embeddings embeddings) {
        this.intake = intake;
        this.embeddings = embeddings;
    }

    public void accept(Exchange exchange) {
        byte[] body = intake.jsonBytes(exchange.getMessage());
        OpenAiEmbeddings.ClientRequest read = OpenAiEmbeddings.read(parse(body));
        exchange.setProperty(ENCODING_PROPERTY, read.encodingFormat());
        embeddings.accept(exchange, read.request(), read.providerOptions());
    }

    public void respond(Exchange exchange) {
        EmbeddingResult result = embeddings.answered(exchange);
        GatewayCall call = exchange.getProperty(GatewayCall.PROPERTY, GatewayCall.class);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        exchange.getMessage().setBody(OpenAiEmbeddings.toClient(result, call.servingModel(),
                exchange.getProperty(ENCODING_PROPERTY, String.class)));
    }

    static JsonNode parse(byte[] body) {
        if (body == null || body.length == 0) {
            throw GatewayException.invalid("The request body is empty; send a JSON object.", null);
        }
        try {
            return Json.MAPPER.readTree(body);
        } catch (IOException notJson) {
            throw GatewayException.invalid("The request body is not valid JSON.", null);
        }
    }
}
