package dev.caravan.api;

import dev.caravan.format.openai.OpenAiSseEncoder;
import dev.caravan.format.responses.ResponsesApiReader;
import dev.caravan.format.responses.ResponsesApiResponses;
import dev.caravan.format.responses.ResponsesErrors;
import dev.caravan.format.responses.ResponsesRequest;
import dev.caravan.format.responses.ResponsesSseEncoder;
import dev.caravan.routing.GatewayCall;
import dev.caravan.routing.RoutingMetadata;
import dev.caravan.stream.SseResponseBody;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.time.Instant;

/**
 * The OpenAI Responses API, {@code /v1/responses}, as its route calls it: {@link #accept} reads the request into the
 * canonical one every provider format translates, {@link #respond} writes the answer back as a Response object or
 * its typed stream events. Everything between (failover, budgets, usage records) is the chat request's path.
 * <p>
 * The gateway keeps no responses: {@code store} defaults to false, and a {@code previous_response_id} is refused
 * with a 400 rather than answered without the conversation it names.
 */
@Component("responsesApi")
public class ResponsesApi {

    /** The request as read, kept for the answer: a Response echoes the request's parameters. */
    static final String REQUEST_PROPERTY = "caravanResponsesRequest";

    private final Intake intake;
    private final Duration heartbeat;

    public ResponsesApi(Intake intake, ApiProperties properties) {
        this.intake = intake;
        this.heartbeat = properties.streamHeartbeat();
    }

    public void accept(Exchange exchange) {
        ResponsesRequest request = ResponsesApiReader.read(intake.jsonBytes(exchange.getMessage()));
        if (request.previousResponseId() != null) {
            throw ResponsesErrors.previousResponseNotKept();
        }
        GatewayCall call = intake.route(exchange, request.chat());
        // the call's warnings are the gateway's for this request, wherever it is reported; the Response also
        // writes the request's own, and writes a warning that is in both once
        call.warnings().addAll(request.warnings());
        exchange.setProperty(REQUEST_PROPERTY, request);
    }

    /** As on Chat Completions: the answer is reported to the meter, and settleRequest after this settles it. */
    public void respond(Exchange exchange) {
        Answer answer = Answer.of(exchange);
        GatewayCall call = answer.call();
        ResponsesRequest request = exchange.getProperty(REQUEST_PROPERTY, ResponsesRequest.class);
        if (answer.streamed()) {
            // the reader always asks for usage (stream_options.include_usage), and SseResponseBody hands every
            // chunk to the encoder, the usage-only one too: response.completed carries the usage and its cost
            answer.stream(new ResponsesSseEncoder(request, answer.meter().generationId(),
                    Instant.now().getEpochSecond(), call.servingModel(), call.warnings(),
                    RoutingMetadata.of(call, answer.plan()), answer.meter()::cost), heartbeat);
        } else {
            answer.write(ResponsesApiResponses.toResponseJson(answer.completion()
                    .withExtra(OpenAiSseEncoder.METADATA_FIELD, RoutingMetadata.of(call, answer.plan())), request));
        }
    }

    /**
     * The body as the reader takes it, read no further than the size limit: a chunked body has no Content-Length
     * for {@link Intake#jsonBody} to check.
     */
}
