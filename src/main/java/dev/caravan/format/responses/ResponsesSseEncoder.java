package dev.caravan.format.responses;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.canonical.ChatCompletionChunk;
import dev.caravan.canonical.Json;
import dev.caravan.canonical.Message;
import dev.caravan.canonical.ToolCall;
import dev.caravan.canonical.Usage;
import dev.caravan.canonical.Warning;
import dev.caravan.error.GatewayException;
import dev.caravan.format.openai.OpenAiSseEncoder;
import dev.caravan.format.responses.ResponsesWire.FunctionCall;
import dev.caravan.format.responses.ResponsesWire.IncompleteDetails;
import dev.caravan.format.responses.ResponsesWire.OutputItem;
import dev.caravan.format.responses.ResponsesWire.OutputMessage;
import dev.caravan.format.responses.ResponsesWire.OutputPart;
import dev.caravan.format.responses.ResponsesWire.Reasoning;
import dev.caravan.format.responses.ResponsesWire.Response;
import dev.caravan.format.responses.ResponsesWire.StreamEvent;
import dev.caravan.format.responses.ResponsesWire.TextPart;
import dev.caravan.stream.ClientStreamEncoder;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Canonical stream chunks as the Responses API's typed events, for one stream. The SDKs' stream accumulators
 * rebuild the response from these events by position, so the encoder keeps the invariants they rely on: every
 * event's {@code sequence_number} is one more than the last; an item is announced by {@code output_item.added}
 * before any delta names its id, and a content part by {@code content_part.added} before its deltas; each item is
 * closed by its done events, carrying the whole text or arguments its deltas added up to; and the final
 * {@code response.completed} (or {@code response.incomplete}) holds exactly the items that were streamed.
 * <p>
 * One message or reasoning item is open at a time; a delta of the other kind, or a tool call, closes it. Tool
 * calls stay open until the answer moves on to text or ends, so argument fragments of parallel calls may arrive
 * interleaved (each goes to its call by index). Usage arrives in the usage-only chunk after the finish reason, so
 * the response is completed in {@link #finish()}, not when the finish reason is seen.
 * <p>
 * Built for a route ({@link #ResponsesSseEncoder(ResponsesRequest, String, long, String, List, JsonNode, Function)}),
 * it takes the provider's chunks as they come from the stream: it names the serving model itself, adds the gateway's
 * warnings and routing metadata, and prices the usage, since a stream has no cost header.
 */
public final class ResponsesSseEncoder implements ClientStreamEncoder {

    private static final byte[] KEEP_ALIVE = ": keep-alive\n\n".getBytes(StandardCharsets.US_ASCII);

    private static final String ADDED = "response.output_item.added";
    private static final String ITEM_DONE = "response.output_item.done";
    private static final String PART_ADDED = "response.content_part.added";
    private static final String PART_DONE = "response.content_part.done";

    private final ResponsesRequest request;
    private final String responseId;
    private final long createdAt;
    /** The serving model when the route names it; null to take the model the chunks carry. */
    private final String servingModel;
    private final Function<Usage, BigDecimal> cost;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    /** Every item in {@code output} order; its place in the list is its {@code output_index}. */
    private final List<Item> items = new ArrayList<>();
    private final Map<Integer, Item> callsByIndex = new HashMap<>();
    private final List<Item> openCalls = new ArrayList<>();
    private final List<Warning> warnings = new ArrayList<>();
    private final Map<String, JsonNode> extra = new LinkedHashMap<>();
    private long sequence;
    private boolean started;
    private boolean ended;
    private String model;
    private String finishReason;
    private Usage usage;
    /** The open message or reasoning item, or null. */
    private Item open;

    /**
     * @param generationId the gateway's id for this request; the response id is derived from it as on the
     *                     non-streamed answer
     * @param createdAt    epoch seconds
     */
    public ResponsesSseEncoder(ResponsesRequest request, String generationId, long createdAt) {
        this(request, generationId, createdAt, null, List.of(), null, usage -> null);
    }

    /**
     * @param servingModel    the catalog id of the model that serves, which the Response names whatever the
     *                        provider's chunks say
     * @param gatewayWarnings the gateway's own warnings (a tier's cap, the provider format's translation); the
     *                        request's warnings are added anyway, and a warning in both lists appears once
     * @param routingMetadata who served and after which attempts, or null
     * @param cost            the cost of a usage, USD, or null when the model has no prices
     */
    public ResponsesSseEncoder(ResponsesRequest request, String generationId, long createdAt, String servingModel,
                               List<Warning> gatewayWarnings, JsonNode routingMetadata,
                               Function<Usage, BigDecimal> cost) {
        this.request = request;
        this.responseId = ResponsesApiResponses.responseId(generationId);
        this.createdAt = createdAt;
        this.servingModel = servingModel;
        this.model = servingModel != null ? servingModel : request.chat().model();
        this.warnings.addAll(gatewayWarnings);
        if (routingMetadata != null) {
            extra.put(OpenAiSseEncoder.METADATA_FIELD, routingMetadata);
        }
        this.cost = cost;
    }

    /** The events for one chunk (the first also opens the response); often several, sometimes none. */
    @Override
    public byte[] encode(ChatCompletionChunk chunk) {
        if (ended) {
            return new byte[0];
        }
        if (servingModel == null && chunk.model() != null) {
            model = chunk.model();
        }
        if (chunk.warnings() != null) {
            warnings.addAll(chunk.warnings());
        }
        extra.putAll(chunk.extra());
        start();
        if (chunk.usage() != null) {
            BigDecimal price = cost.apply(chunk.usage());
            usage = price == null ? chunk.usage() : chunk.usage().withCost(price);
        }
        for (ChatCompletionChunk.ChunkChoice choice : chunk.choices() == null
                ? List.<ChatCompletionChunk.ChunkChoice>of() : chunk.choices()) {
            // the Responses API has no choices: a second one (n > 1 cannot be asked for here) has nowhere to go
            if (choice.index() != null && choice.index() != 0) {
                continue;
            }
            if (choice.delta() != null) {
                encodeDelta(choice.delta());
            }
            if (choice.finishReason() != null) {
                finishReason = choice.finishReason();
            }
        }
        return drain();
    }

    /** Closes what is open and completes the response: {@code response.completed}, or {@code .incomplete}. */
    @Override
    public byte[] finish() {
        if (ended) {
            return new byte[0];
        }
        start();
        IncompleteDetails incomplete = ResponsesApiResponses.toIncompleteDetails(finishReason);
        String itemStatus = incomplete == null ? Response.COMPLETED : Response.INCOMPLETE;
        closeOpen(itemStatus);
        closeCalls(itemStatus);
        ended = true;
        emit(StreamEvent.ofResponse(incomplete == null ? "response.completed" : "response.incomplete", sequence,
                response(incomplete == null ? Response.COMPLETED : Response.INCOMPLETE, incomplete)));
        return drain();
    }

    /** An {@code error} event for a failure after the stream began; nothing more follows it. */
    @Override
    public byte[] error(GatewayException e) {
        if (ended) {
            return new byte[0];
        }
        ended = true;
        emit(ResponsesErrors.streamError(e, sequence));
        return drain();
    }

    /** An SSE comment: the SDKs skip it, and it carries no {@code sequence_number}, so none is used up. */
    @Override
    public byte[] heartbeat() {
        return KEEP_ALIVE;
    }

    private void start() {
        if (started) {
            return;
        }
        started = true;
        Response initial = response(Response.IN_PROGRESS, null);
        emit(StreamEvent.ofResponse("response.created", sequence, initial));
        emit(StreamEvent.ofResponse("response.in_progress", sequence, initial));
    }

    private void encodeDelta(Message delta) {
        if (delta.reasoningContent() != null && !delta.reasoningContent().isEmpty()) {
            Item reasoning = openItem(Kind.REASONING);
            appendToPart(reasoning, PartKind.REASONING_TEXT, delta.reasoningContent());
        }
        String text = delta.content() == null ? "" : delta.text();
        if (!text.isEmpty()) {
            appendToPart(openItem(Kind.MESSAGE), PartKind.OUTPUT_TEXT, text);
        }
        if (delta.refusal() != null && !delta.refusal().isEmpty()) {
            appendToPart(openItem(Kind.MESSAGE), PartKind.REFUSAL, delta.refusal());
        }
        for (ToolCall call : delta.toolCalls() == null ? List.<ToolCall>of() : delta.toolCalls()) {
            encodeCall(call);
        }
    }

    /** The open item of {@code kind}, opening one (and closing what is open) when needed. */
    private Item openItem(Kind kind) {
        if (open != null && open.kind == kind) {
            return open;
        }
        closeOpen(Response.COMPLETED);
        closeCalls(Response.COMPLETED);
        String prefix = kind == Kind.MESSAGE ? "msg" : "rs";
        open = new Item(kind, ResponsesApiResponses.itemId(prefix, responseId, items.size()), items.size());
        items.add(open);
        emit(StreamEvent.ofItem(ADDED, sequence, open.outputIndex, open.snapshot(Response.IN_PROGRESS)));
        return open;
    }

    private void appendToPart(Item item, PartKind kind, String delta) {
        if (item.partKind != kind) {
            closePart(item);
            item.partKind = kind;
            emit(StreamEvent.ofPart(PART_ADDED, sequence, item.id, item.outputIndex, item.parts.size(),
                    kind.part("")));
        }
        item.text.append(delta);
        emit(StreamEvent.ofDelta(kind.deltaType, sequence, item.id, item.outputIndex, item.parts.size(), delta,
                kind == PartKind.OUTPUT_TEXT));
    }

    private void closePart(Item item) {
        if (item.partKind == null) {
            return;
        }
        String text = item.text.toString();
        int index = item.parts.size();
        emit(switch (item.partKind) {
            case OUTPUT_TEXT -> StreamEvent.textDone("response.output_text.done", sequence, item.id,
                    item.outputIndex, index, text, true);
            case REASONING_TEXT -> StreamEvent.textDone("response.reasoning_text.done", sequence, item.id,
                    item.outputIndex, index, text, false);
            case REFUSAL -> StreamEvent.refusalDone(sequence, item.id, item.outputIndex, index, text);
        });
        Object part = item.partKind.part(text);
        emit(StreamEvent.ofPart(PART_DONE, sequence, item.id, item.outputIndex, index, part));
        item.parts.add(part);
        item.partKind = null;
        item.text.setLength(0);
    }

    private void closeOpen(String status) {
        if (open == null) {
            return;
        }
        closePart(open);
        open.done = open.snapshot(status);
        emit(StreamEvent.ofItem(ITEM_DONE, sequence, open.outputIndex, open.done));
        open = null;
    }

    /**
     * The first fragment of a call (the one with its id and name) opens its item; later ones, found by index,
     * add argument text. Some providers send a call whole in one fragment, which opens and fills it at once. A
     * fragment with an id at the index of a call already closed (text came in between) is a new call; an
     * arguments-only fragment for a closed call cannot be shown any more, since its done event already carried
     * the whole arguments, and no decoder sends one.
     */
    private void encodeCall(ToolCall call) {
        int index = call.index() == null ? 0 : call.index();
        Item item = callsByIndex.get(index);
        if (item == null || item.done != null && call.id() != null) {
            closeOpen(Response.COMPLETED);
            item = new Item(Kind.CALL, ResponsesApiResponses.itemId("fc", responseId, items.size()), items.size());
            item.callId = call.id() == null ? item.id : call.id();
            item.name = call.function() == null ? null : call.function().name();
            items.add(item);
            callsByIndex.put(index, item);
            openCalls.add(item);
            emit(StreamEvent.ofItem(ADDED, sequence, item.outputIndex, item.snapshot(Response.IN_PROGRESS)));
        }
        String fragment = call.function() == null ? null : call.function().arguments();
        if (fragment != null && !fragment.isEmpty() && item.done == null) {
            item.text.append(fragment);
            emit(StreamEvent.ofDelta("response.function_call_arguments.delta", sequence, item.id, item.outputIndex,
                    null, fragment, false));
        }
    }

    private void closeCalls(String status) {
        for (Item call : openCalls) {
            call.done = call.snapshot(status);
            emit(StreamEvent.argumentsDone(sequence, call.id, call.outputIndex, ((FunctionCall) call.done).arguments(),
                    call.name));
            emit(StreamEvent.ofItem(ITEM_DONE, sequence, call.outputIndex, call.done));
        }
        openCalls.clear();
    }

    private Response response(String status, IncompleteDetails incomplete) {
        List<OutputItem> output = items.stream().filter(item -> item.done != null).map(item -> item.done).toList();
        return ResponsesApiResponses.envelope(responseId, createdAt, status, incomplete, model, output,
                status.equals(Response.IN_PROGRESS) ? null : ResponsesApiResponses.toUsage(usage), request,
                warnings, extra);
    }

    private void emit(StreamEvent event) {
        byte[] data = Json.write(event);
        out.writeBytes(("event: " + event.type() + "\ndata: ").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(data);
        out.writeBytes(END);
        sequence++;
    }

    private static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);

    private byte[] drain() {
        byte[] bytes = out.toByteArray();
        out.reset();
        return bytes;
    }

    private enum Kind { MESSAGE, REASONING, CALL }

    /** A content part's kind: what its added/done events carry and which delta event it streams by. */
    private enum PartKind {
        OUTPUT_TEXT("response.output_text.delta"),
        REFUSAL("response.refusal.delta"),
        REASONING_TEXT("response.reasoning_text.delta");

        final String deltaType;

        PartKind(String deltaType) {
            this.deltaType = deltaType;
        }

        Object part(String text) {
            return switch (this) {
                case OUTPUT_TEXT -> OutputPart.text(text);
                case REFUSAL -> OutputPart.refusal(text);
                case REASONING_TEXT -> new TextPart(TextPart.REASONING_TEXT, text);
            };
        }
    }

    /** One output item as it streams: closed parts, the open part's text (or a call's arguments), and when done. */
    private static final class Item {
        final Kind kind;
        final String id;
        final int outputIndex;
        final List<Object> parts = new ArrayList<>();
        final StringBuilder text = new StringBuilder();
        PartKind partKind;
        String callId;
        String name;
        OutputItem done;

        Item(Kind kind, String id, int outputIndex) {
            this.kind = kind;
            this.id = id;
            this.outputIndex = outputIndex;
        }

        /** The item as the events show it: empty when added, whole when done. */
        OutputItem snapshot(String status) {
            return switch (kind) {
                case MESSAGE -> OutputMessage.of(id, status,
                        parts.stream().map(OutputPart.class::cast).toList());
                case REASONING -> new Reasoning("reasoning", id, List.of(),
                        parts.stream().map(TextPart.class::cast).toList(), status);
                case CALL -> FunctionCall.of(id, callId, name, text.toString(), status);
            };
        }
    }
}
