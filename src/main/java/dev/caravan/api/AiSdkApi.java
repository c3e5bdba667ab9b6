package dev.caravan.api;

import dev.caravan.accounting.RequestMeter;
import dev.caravan.canonical.EmbeddingResult;
import dev.caravan.canonical.ImageResult;
import dev.caravan.catalog.ModelCatalog;
import dev.caravan.error.GatewayException;
import dev.caravan.format.aisdk.AiSdkConfig;
import dev.caravan.format.aisdk.AiSdkEmbeddings;
import dev.caravan.format.aisdk.AiSdkImages;
import dev.caravan.format.aisdk.AiSdkErrors;
import dev.caravan.format.aisdk.AiSdkReader;
import dev.caravan.format.aisdk.AiSdkRequest;
import dev.caravan.format.aisdk.AiSdkResults;
import dev.caravan.format.aisdk.AiSdkStreamEncoder;
import dev.caravan.format.openai.OpenAiEmbeddings;
import dev.caravan.format.openai.OpenAiImages;
import dev.caravan.identity.Caller;
import dev.caravan.identity.Scope;
import dev.caravan.routing.AttemptPlan;
import dev.caravan.routing.GatewayCall;
import dev.caravan.routing.RoutingMetadata;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.springframework.stereotype.Component;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BiFunction;

/**
 * The AI SDK's gateway protocol ({@code createGateway({ baseURL })} of {@code @ai-sdk/gateway}), as its routes call
 * it: {@link #accept} reads a {@code language-model} call into the canonical request, {@link #respond} writes the
 * answer as the SDK's generate result or stream parts, {@link #config} lists the catalog for
 * {@code getAvailableModels()}. Everything between (failover, budgets, usage records) is the chat request's path.
 */
@Component("aiSdkApi")
public class AiSdkApi {

    static final String MODEL_HEADER = "ai-language-model-id";
    static final String STREAMING_HEADER = "ai-language-model-streaming";
    /** The model of an embedding-model or image-model call. */
    static final String EMBEDDING_MODEL_HEADER = "ai-model-id";

    private final Intake intake;
    private final ModelCatalog catalog;
    private final Duration heartbeat;
    private final Embeddings embeddings;
    private final Images images;

    public AiSdkApi(Intake intake, ModelCatalog catalog, ApiProperties properties, Embeddings embeddings,
                    Images images) {
        this.intake = intake;
        this.embeddings = embeddings;
        this.images = images;
        this.catalog = catalog;
        this.heartbeat = properties.streamHeartbeat();
    }

    public void accept(Exchange exchange) {
        Message in = exchange.getMessage();
        AiSdkRequest request = AiSdkReader.read(intake.jsonBytes(in), in.getHeader(MODEL_HEADER, String.class),
                "true".equalsIgnoreCase(in.getHeader(STREAMING_HEADER, String.class)));
        GatewayCall call = intake.route(exchange, request.chat());
        // as a Messages client does, an AI SDK app sends what only Anthropic reads (topK, thinking signatures)
        // without knowing which provider serves it: an OpenAI-compatible target gets them left out, with warnings
        call.readFromAnthropicClient();
        // the call's warnings are the gateway's for this request: the reader's first, the translation's after
        call.warnings().addAll(0, request.warnings());
    }

    /** As on Chat Completions: the answer is reported to the meter, and settleRequest after this settles it. */
    public void respond(Exchange exchange) {
        Answer answer = Answer.of(exchange);
        GatewayCall call = answer.call();
        if (answer.streamed()) {
            answer.stream(new AiSdkStreamEncoder(answer.meter().generationId(), call.servingModel(), call.warnings(),
                    RoutingMetadata.of(call, answer.plan()), answer.meter()::cost, Instant.now()), heartbeat);
        } else {
            var completion = answer.completion();
            // the metered cost, which completion() puts on the usage as `cost` (and in x-caravan-cost)
            BigDecimal cost = completion.usage() == null || !completion.usage().extra().containsKey("cost") ? null
                    : completion.usage().extra().get("cost").decimalValue();
            answer.write(AiSdkResults.toJson(completion, RoutingMetadata.of(call, answer.plan()), cost,
                    Instant.now()));
        }
    }

    /**
     * {@code GET {base}/config}: the catalog's models with prices, as {@code getAvailableModels()} parses them,
     * limited to what a scoped caller may use. The SDK checks {@code specification.specificationVersion} against its
     * own: the version its user agent names ({@code ai-sdk-gateway/3.x} → v3), the current one otherwise.
     */
    public void config(Exchange exchange) {
        Caller caller = exchange.getProperty(Caller.PROPERTY, Caller.class);
        Scope scope = caller == null ? Scope.NONE : caller.scope();
        Message out = exchange.getMessage();
        String version = AiSdkConfig.specificationVersion(out.getHeader("User-Agent", String.class));
        out.removeHeaders("*");
        out.setHeader(Exchange.CONTENT_TYPE, "application/json");
        out.setBody(AiSdkConfig.toJson(catalog.models().stream()
                .filter(model -> !scope.limitsModels() || scope.allowsModel(model.id(), model.providerIds()))
                .toList(), version));
    }

    /**
     * {@code POST {base}/embedding-model} ({@code embed}, {@code embedMany}): the protocol's body read as OpenAI's
     * embeddings request and handed to {@link Embeddings}, so options, budgets, fallbacks and usage are theirs.
     */
    public void acceptEmbeddings(Exchange exchange) {
        Message in = exchange.getMessage();
        OpenAiEmbeddings.ClientRequest read = OpenAiEmbeddings.read(AiSdkEmbeddings.asOpenAiRequest(
                EmbeddingsApi.parse(intake.jsonBytes(in)), in.getHeader(EMBEDDING_MODEL_HEADER, String.class)));
        embeddings.accept(exchange, read.request(), read.providerOptions());
    }

    public void respondEmbeddings(Exchange exchange) {
        EmbeddingResult result = embeddings.answered(exchange);
        writeJson(exchange, (routing, generationId) -> AiSdkEmbeddings.toJson(result, routing, result.cost(),
                generationId));
    }

    /**
     * {@code POST {base}/image-model} ({@code generateImage}): the protocol's body read as OpenAI's images request
     * and handed to {@link Images}; what it could not take along is in the answer's warnings.
     */
    public void acceptImages(Exchange exchange) {
        Message in = exchange.getMessage();
        AiSdkImages.Read read = AiSdkImages.asOpenAiRequest(EmbeddingsApi.parse(intake.jsonBytes(in)),
                in.getHeader(EMBEDDING_MODEL_HEADER, String.class));
        OpenAiImages.ClientRequest request = OpenAiImages.read(read.openAiRequest());
        GatewayCall call = images.accept(exchange, request.request(), request.providerOptions());
        call.warnings().addAll(0, read.warnings());
    }

    public void respondImages(Exchange exchange) {
        ImageResult result = images.answered(exchange);
        writeJson(exchange, (routing, generationId) -> AiSdkImages.toJson(result, routing, result.cost(),
                generationId));
    }

    /** A metered answer's JSON, made from the request's routing metadata and generation id. */
    private static void writeJson(Exchange exchange, BiFunction<JsonNode, String, byte[]> body) {
        GatewayCall call = exchange.getProperty(GatewayCall.PROPERTY, GatewayCall.class);
        RequestMeter meter = exchange.getProperty(RequestMeter.PROPERTY, RequestMeter.class);
        Message out = exchange.getMessage();
        out.setHeader(Exchange.CONTENT_TYPE, "application/json");
        out.setBody(body.apply(RoutingMetadata.of(call, AttemptPlan.of(exchange)), meter.generationId()));
    }

    /** Any failure on these routes in the SDK's error shape; the model asked for names a model-not-found. */
    public static byte[] errorBody(Exchange exchange, GatewayException error) {
        GatewayCall call = exchange.getProperty(GatewayCall.PROPERTY, GatewayCall.class);
        return AiSdkErrors.toJson(error, call == null ? null : call.requestedModel());
    }
}
