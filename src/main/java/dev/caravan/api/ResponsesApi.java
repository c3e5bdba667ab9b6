package dev.caravan.api;

import dev.caravan.accounting.RequestMeter;
import dev.caravan.accounting.Served;
import dev.caravan.canonical.ChatCompletion;
import dev.caravan.canonical.Warning;
import dev.caravan.format.openai.OpenAiSseEncoder;
import dev.caravan.format.responses.ResponsesApiReader;
import dev.caravan.format.responses.ResponsesApiResponses;
import dev.caravan.format.responses.ResponsesErrors;
import dev.caravan.format.responses.ResponsesRequest;
import dev.caravan.format.responses.ResponsesSseEncoder;
import dev.caravan.routing.AttemptPlan;
import dev.caravan.routing.GatewayCall;
import dev.caravan.routing.RoutingMetadata;
import dev.caravan.stream.ChunkStream;
import dev.caravan.stream.SseResponseBody;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.springframework.stereotype.Component;

import java.math.BigDecimal;
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
        GatewayCall call = exchange.getProperty(GatewayCall.PROPERTY, GatewayCall.class);
        AttemptPlan plan = exchange.getProperty(AttemptPlan.PROPERTY, AttemptPlan.class);
        RequestMeter meter = exchange.getProperty(RequestMeter.PROPERTY, RequestMeter.class);
        ResponsesRequest request = exchange.getProperty(REQUEST_PROPERTY, ResponsesRequest.class);
        meter.served(Served.of(call, plan));
        Message out = exchange.getMessage();
        Object answer = out.getBody();
        out.removeHeaders("*");
        out.setHeader("x-caravan-provider", call.provider());
        out.setHeader("x-caravan-model", call.servingModel());
        if (answer instanceof ChunkStream stream) {
            out.setHeader(Exchange.CONTENT_TYPE, "text/event-stream");
            out.setHeader("Cache-Control", "no-cache");
            // proxies in front of the gateway must not buffer the stream either
            out.setHeader("X-Accel-Buffering", "no");
            // the reader always asks for usage (stream_options.include_usage), and SseResponseBody hands every
            // chunk to the encoder, the usage-only one too: response.completed carries the usage and its cost
            ResponsesSseEncoder encoder = new ResponsesSseEncoder(request, meter.generationId(),
                    Instant.now().getEpochSecond(), call.servingModel(), call.warnings(),
                    RoutingMetadata.of(call, plan), meter::cost);
            out.setBody(new SseResponseBody(stream, encoder, meter, call.provider(), heartbeat));
        } else if (answer instanceof ChatCompletion completion) {
            out.setHeader(Exchange.CONTENT_TYPE, "application/json");
            if (completion.usage() == null && completion.choices() != null) {
                // no usage from the provider: the meter counts the answer itself (and marks it estimated)
                completion.choices().forEach(choice -> meter.output(choice.message()));
            }
            BigDecimal cost = meter.answered(completion.usage(), ChatCompletionsApi.finishReason(completion));
            if (cost != null) {
                out.setHeader("x-caravan-cost", cost.toPlainString());
            }
            if (cost != null && completion.usage() != null) {
                completion = completion.withUsage(completion.usage().withCost(cost));
            }
            out.setBody(ResponsesApiResponses.toResponseJson(completion.renamed(meter.generationId(),
                            call.servingModel())
                    .withWarnings(Warning.merge(completion.warnings(), call.warnings()))
                    .withExtra(OpenAiSseEncoder.METADATA_FIELD, RoutingMetadata.of(call, plan)), request));
        } else {
            throw new IllegalStateException("provider route returned " + answer);
        }
    }

    /**
     * The body as the reader takes it, read no further than the size limit: a chunked body has no Content-Length
     * for {@link Intake#jsonBody} to check.
     */
}
