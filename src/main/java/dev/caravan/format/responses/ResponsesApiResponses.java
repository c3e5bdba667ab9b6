package dev.caravan.format.responses;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.canonical.ChatCompletion;
import dev.caravan.canonical.FinishReason;
import dev.caravan.canonical.Json;
import dev.caravan.canonical.Message;
import dev.caravan.canonical.ToolCall;
import dev.caravan.canonical.Usage;
import dev.caravan.canonical.Warning;
import dev.caravan.format.responses.ResponsesWire.FunctionCall;
import dev.caravan.format.responses.ResponsesWire.IncompleteDetails;
import dev.caravan.format.responses.ResponsesWire.InputDetails;
import dev.caravan.format.responses.ResponsesWire.OutputDetails;
import dev.caravan.format.responses.ResponsesWire.OutputItem;
import dev.caravan.format.responses.ResponsesWire.OutputMessage;
import dev.caravan.format.responses.ResponsesWire.OutputPart;
import dev.caravan.format.responses.ResponsesWire.Reasoning;
import dev.caravan.format.responses.ResponsesWire.Response;
import dev.caravan.format.responses.ResponsesWire.ResponseUsage;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * A canonical answer as a Response object. The streamed form ({@link ResponsesSseEncoder}) builds the same object
 * from the same functions, so a client that streams gets in {@code response.completed} exactly what it would have
 * got without streaming. The {@code output_text} convenience property is computed by the SDKs, not sent.
 */
public final class ResponsesApiResponses {

    private static final String GENERATION_PREFIX = "gen_";

    private ResponsesApiResponses() {
    }

    /**
     * The Response for {@code completion} (already renamed to the gateway's generation id and the serving model).
     * Warnings are the reader's first, then the provider's.
     */
    public static byte[] toResponseJson(ChatCompletion completion, ResponsesRequest request) {
        return Json.write(toResponse(completion, request));
    }

    static Response toResponse(ChatCompletion completion, ResponsesRequest request) {
        String id = responseId(completion.id());
        ChatCompletion.Choice choice = completion.choices() == null || completion.choices().isEmpty() ? null
                : completion.choices().getFirst();
        String finishReason = choice == null ? null : choice.finishReason();
        IncompleteDetails incomplete = toIncompleteDetails(finishReason);
        String itemStatus = incomplete == null ? Response.COMPLETED : Response.INCOMPLETE;
        List<OutputItem> output = choice == null || choice.message() == null ? List.of()
                : toOutput(choice.message(), id, itemStatus);
        return envelope(id, completion.created() == null ? 0 : completion.created(),
                incomplete == null ? Response.COMPLETED : Response.INCOMPLETE, incomplete, completion.model(),
                output, toUsage(completion.usage()), request, completion.warnings(), completion.extra());
    }

    /** {@code resp_} and the generation id's own characters, so a response id still finds its usage record. */
    public static String responseId(String generationId) {
        String suffix = generationId == null ? "" : generationId.startsWith(GENERATION_PREFIX)
                ? generationId.substring(GENERATION_PREFIX.length()) : generationId;
        return "resp_" + suffix;
    }

    /** An output item's id: its kind's prefix, the response's suffix, and its place in {@code output}. */
    static String itemId(String prefix, String responseId, int outputIndex) {
        return prefix + "_" + responseId.substring("resp_".length()) + "_" + outputIndex;
    }

    /** Reasoning first, then the message, then one item per function call: the order the model produced them. */
    static List<OutputItem> toOutput(Message message, String responseId, String status) {
        List<OutputItem> output = new ArrayList<>();
        if (message.reasoningContent() != null && !message.reasoningContent().isEmpty()) {
            output.add(Reasoning.of(itemId("rs", responseId, output.size()), message.reasoningContent(), status));
        }
        List<OutputPart> parts = new ArrayList<>(2);
        if (message.content() != null) {
            parts.add(OutputPart.text(message.text()));
        }
        if (message.refusal() != null) {
            parts.add(OutputPart.refusal(message.refusal()));
        }
        if (!parts.isEmpty()) {
            output.add(OutputMessage.of(itemId("msg", responseId, output.size()), status, parts));
        }
        for (ToolCall call : message.toolCalls() == null ? List.<ToolCall>of() : message.toolCalls()) {
            output.add(toFunctionCall(call, itemId("fc", responseId, output.size()), status));
        }
        return output;
    }

    static FunctionCall toFunctionCall(ToolCall call, String itemId, String status) {
        String arguments = call.function() == null || call.function().arguments() == null ? "{}"
                : call.function().arguments();
        // a provider that gives no call id still needs one the client can answer with
        return FunctionCall.of(itemId, call.id() == null ? itemId : call.id(),
                call.function() == null ? null : call.function().name(), arguments, status);
    }

    /** Why the answer stopped short; null when it is complete (stop, tool calls, or no reason given). */
    static IncompleteDetails toIncompleteDetails(String finishReason) {
        if (finishReason == null) {
            return null;
        }
        return switch (finishReason) {
            case FinishReason.LENGTH -> new IncompleteDetails("max_output_tokens");
            case FinishReason.CONTENT_FILTER -> new IncompleteDetails("content_filter");
            default -> null;
        };
    }

    /** Usage in the Responses shape; the cost rides along as on Chat Completions. */
    static ResponseUsage toUsage(Usage usage) {
        if (usage == null) {
            return null;
        }
        int input = orZero(usage.promptTokens());
        int output = orZero(usage.completionTokens());
        Usage.PromptDetails prompt = usage.promptTokensDetails();
        Usage.CompletionDetails completion = usage.completionTokensDetails();
        return new ResponseUsage(
                input,
                new InputDetails(prompt == null ? 0 : orZero(prompt.cachedTokens()),
                        prompt == null ? 0 : orZero(prompt.cacheWriteTokens())),
                output,
                new OutputDetails(completion == null ? 0 : orZero(completion.reasoningTokens())),
                usage.totalTokens() != null ? usage.totalTokens() : input + output,
                usage.extra());
    }

    private static int orZero(Integer value) {
        return value == null ? 0 : value;
    }

    /**
     * The Response around {@code output}, with the request's parameters echoed as OpenAI echoes them and OpenAI's
     * defaults where the client sent none (the SDKs require tools, tool_choice and parallel_tool_calls).
     */
    static Response envelope(String id, long createdAt, String status, IncompleteDetails incomplete, String model,
                             List<OutputItem> output, ResponseUsage usage, ResponsesRequest request,
                             List<Warning> providerWarnings, Map<String, JsonNode> extra) {
        ResponsesRequest.Echo echo = request.echo();
        var nodes = Json.MAPPER.getNodeFactory();
        return new Response(
                id,
                Response.OBJECT,
                createdAt,
                status,
                null,
                incomplete,
                echo.instructions(),
                echo.maxOutputTokens(),
                model,
                output,
                echo.parallelToolCalls() == null || echo.parallelToolCalls(),
                request.previousResponseId(),
                echo.reasoning(),
                request.store(),
                echo.temperature(),
                echo.text() != null ? echo.text()
                        : nodes.objectNode().set("format", nodes.objectNode().put("type", "text")),
                echo.toolChoice() != null ? echo.toolChoice() : nodes.textNode("auto"),
                echo.tools() != null ? echo.tools() : nodes.arrayNode(),
                echo.topP(),
                "disabled",
                usage,
                echo.user(),
                echo.metadata() != null ? echo.metadata() : nodes.objectNode(),
                mergeWarnings(request.warnings(), providerWarnings),
                extra);
    }

    private static List<Warning> mergeWarnings(List<Warning> reader, List<Warning> provider) {
        LinkedHashSet<Warning> all = new LinkedHashSet<>(reader);
        if (provider != null) {
            all.addAll(provider);
        }
        return all.isEmpty() ? null : List.copyOf(all);
    }
}
