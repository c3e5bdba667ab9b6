package dev.caravan.api;

import dev.caravan.canonical.Json;
import dev.caravan.format.openai.ChatRequestReader;
import dev.caravan.format.openai.OpenAiSseEncoder;
import dev.caravan.routing.GatewayCall;
import dev.caravan.routing.RoutingMetadata;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.springframework.stereotype.Component;

import java.time.Duration;

/**
 * The OpenAI-compatible {@code /v1/chat/completions} API, as the API route calls it: {@link #accept} reads and
 * checks the request and its routing options, {@link #respond} writes the provider's answer back in OpenAI's wire format.
 */
@Component("chatCompletionsApi")
public class ChatCompletionsApi {

    private final Intake intake;
    private final Duration heartbeat;

    public ChatCompletionsApi(Intake intake, ApiProperties properties) {
        this.intake = intake;
        this.heartbeat = properties.streamHeartbeat();
    }

    /**
     * Reads and checks the request and keeps it as the exchange's {@link GatewayCall}. {@code /v1/routing/explain}
     * reads requests the same way but is no generation: it has no meter ({@code meterRequest}), and so a refused
     * explain leaves no usage record.
     */
    public void accept(Exchange exchange) {
        Message in = exchange.getMessage();
        intake.route(exchange, ChatRequestReader.read(intake.jsonBody(in), intake.maxRequestBytes()));
    }

    /**
     * Writes the serving provider's answer in OpenAI's format and reports it to the request's meter; the route's
     * {@code settleRequest} step after this one settles it (a stream, when it ends) and adds the headers every
     * answer carries.
     */
    public void respond(Exchange exchange) {
        Answer answer = Answer.of(exchange);
        GatewayCall call = answer.call();
        if (answer.streamed()) {
            answer.stream(new OpenAiSseEncoder(answer.meter().generationId(), call.servingModel(), call.warnings(),
                    RoutingMetadata.of(call, answer.plan()), call.request().includeUsage(), answer.meter()::cost),
                    heartbeat);
        } else {
            answer.write(Json.write(answer.completion()
                    .withExtra(OpenAiSseEncoder.METADATA_FIELD, RoutingMetadata.of(call, answer.plan()))));
        }
    }
}
