package dev.caravan.format.responses;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.caravan.canonical.Warning;
import dev.caravan.format.openai.ErrorBody;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * OpenAI Responses API wire shapes ({@code POST /v1/responses}, snake_case JSON), as the openai-openapi spec and the
 * official SDKs' types define them. Fields the gateway does not model stay in {@code extra}: on the request they pass
 * on to OpenAI-compatible providers, on answers they carry what the provider added (cost, routing metadata).
 */
final class ResponsesWire {

    private ResponsesWire() {
    }

    /**
     * The request body. {@code input}, {@code tools} and {@code tool_choice} stay as trees because each is a union
     * (a string or items; function or built-in tools; a mode or an object) that the reader takes apart item by item,
     * so that an error can name {@code input[3].call_id} rather than the whole field.
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record CreateResponse(
            String model,
            JsonNode input,
            String instructions,
            JsonNode tools,
            JsonNode toolChoice,
            TextConfig text,
            ReasoningConfig reasoning,
            Integer maxOutputTokens,
            Double temperature,
            Double topP,
            Boolean parallelToolCalls,
            Boolean stream,
            Map<String, String> metadata,
            String user,
            Boolean store,
            String previousResponseId,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) {

        CreateResponse {
            extra = extra == null ? new LinkedHashMap<>() : extra;
        }
    }

    /** {@code text}: the output format, and {@code verbosity} (low, medium, high) for models that have it. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record TextConfig(TextFormat format, String verbosity) {
    }

    /**
     * {@code text.format}: {@code text}, {@code json_object}, or {@code json_schema} whose name, schema and
     * strictness sit at the top level (Chat Completions nests them under {@code json_schema}).
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record TextFormat(String type, String name, String description, JsonNode schema, Boolean strict) {
    }

    /** {@code reasoning}: {@code effort} (minimal … high) and {@code summary} (auto, concise, detailed). */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record ReasoningConfig(String effort, String summary) {
    }

    /** A function tool, flattened: name, description, parameters and strict beside {@code type}. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record FunctionTool(String type, String name, String description, JsonNode parameters, Boolean strict) {
    }

    /**
     * A {@code message} input item, or the "easy" message without {@code type}. {@code content} is a string or a
     * list of parts: input_text, input_image, input_file for user, system and developer messages; output_text and
     * refusal for assistant messages replayed from an earlier answer.
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record InputMessage(String type, String role, JsonNode content, String id, String status) {
    }

    /** One content part of an input message or of a function call's output; {@code type} says which fields count. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record InputContent(
            String type,
            String text,
            String refusal,
            String imageUrl,
            String fileId,
            String detail,
            String fileData,
            String fileUrl,
            String filename) {

        static final String INPUT_TEXT = "input_text";
        static final String OUTPUT_TEXT = "output_text";
        static final String REFUSAL = "refusal";
        static final String INPUT_IMAGE = "input_image";
        static final String INPUT_FILE = "input_file";
    }

    /** A {@code function_call} item: a call the model made earlier, replayed by the client. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record FunctionCallItem(String type, String id, String callId, String name, String arguments, String status) {
    }

    /** A {@code function_call_output} item: {@code output} is a string or a list of input parts. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record FunctionCallOutputItem(String type, String id, String callId, JsonNode output, String status) {
    }

    /**
     * A {@code reasoning} item replayed from an earlier answer: summaries, the raw reasoning text where the model
     * shows it, and {@code encrypted_content} that only OpenAI can read.
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record ReasoningItem(String type, String id, List<TextPart> summary, List<TextPart> content,
                         String encryptedContent, String status) {
    }

    /** {@code summary_text} or {@code reasoning_text}. */
    record TextPart(String type, String text) {

        static final String SUMMARY_TEXT = "summary_text";
        static final String REASONING_TEXT = "reasoning_text";
    }

    // ---------------------------------------------------------------------------------------------- answers

    /**
     * The Response object. Request parameters are echoed back as OpenAI does ({@code tools}, {@code tool_choice},
     * {@code parallel_tool_calls} are required by the SDKs' types). {@code error}, {@code incomplete_details} and
     * {@code instructions} are written even when null, as OpenAI writes them. {@code warnings} is Caravan's addition,
     * as on Chat Completions: parameters the serving provider could not honour.
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Response(
            String id,
            String object,
            long createdAt,
            String status,
            @JsonInclude(JsonInclude.Include.ALWAYS) ResponseError error,
            @JsonInclude(JsonInclude.Include.ALWAYS) IncompleteDetails incompleteDetails,
            @JsonInclude(JsonInclude.Include.ALWAYS) String instructions,
            Integer maxOutputTokens,
            String model,
            List<OutputItem> output,
            boolean parallelToolCalls,
            String previousResponseId,
            JsonNode reasoning,
            boolean store,
            Double temperature,
            JsonNode text,
            JsonNode toolChoice,
            JsonNode tools,
            Double topP,
            String truncation,
            ResponseUsage usage,
            String user,
            JsonNode metadata,
            List<Warning> warnings,
            @JsonAnyGetter Map<String, JsonNode> extra) {

        static final String OBJECT = "response";
        static final String IN_PROGRESS = "in_progress";
        static final String COMPLETED = "completed";
        static final String INCOMPLETE = "incomplete";
    }

    /** Why a response stopped early: {@code max_output_tokens} or {@code content_filter}. */
    record IncompleteDetails(String reason) {
    }

    /** The error of a failed response. */
    record ResponseError(String code, String message) {
    }

    /** One item of {@code output}: a message, a function call or a reasoning item. */
    sealed interface OutputItem permits OutputMessage, FunctionCall, Reasoning {
        String id();
    }

    /** The assistant's message: {@code output_text} and {@code refusal} parts. */
    record OutputMessage(String type, String id, String status, String role, List<OutputPart> content)
            implements OutputItem {

        static OutputMessage of(String id, String status, List<OutputPart> content) {
            return new OutputMessage("message", id, status, "assistant", content);
        }
    }

    /** A call the model asks the client to run; {@code call_id} is what the client's output item refers to. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record FunctionCall(String type, String id, String callId, String name, String arguments, String status)
            implements OutputItem {

        static FunctionCall of(String id, String callId, String name, String arguments, String status) {
            return new FunctionCall("function_call", id, callId, name, arguments, status);
        }
    }

    /**
     * The model's reasoning. Providers other than OpenAI show their reasoning as text, which belongs in
     * {@code content} as {@code reasoning_text} (OpenAI's own models only summarise); {@code summary} is required
     * by the SDKs, so it is written empty.
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Reasoning(String type, String id, List<TextPart> summary, List<TextPart> content, String status)
            implements OutputItem {

        static Reasoning of(String id, String text, String status) {
            return new Reasoning("reasoning", id, List.of(), List.of(new TextPart(TextPart.REASONING_TEXT, text)),
                    status);
        }
    }

    /**
     * A content part of an output message: {@code output_text} (with the {@code annotations} and {@code logprobs}
     * lists the SDKs require, always empty here) or {@code refusal}.
     */
    record OutputPart(String type, String text, List<JsonNode> annotations, List<JsonNode> logprobs,
                      String refusal) {

        static final String OUTPUT_TEXT = "output_text";
        static final String REFUSAL = "refusal";

        static OutputPart text(String text) {
            return new OutputPart(OUTPUT_TEXT, text, List.of(), List.of(), null);
        }

        static OutputPart refusal(String refusal) {
            return new OutputPart(REFUSAL, null, null, null, refusal);
        }
    }

    /**
     * Usage: {@code input_tokens} counts cached ones too, as Chat Completions' {@code prompt_tokens} does. Both
     * details objects, and {@code cached_tokens}, {@code cache_write_tokens} and {@code reasoning_tokens} inside them,
     * are required by the SDKs' types, so they are written even when zero. {@code extra} carries {@code cost}.
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record ResponseUsage(
            int inputTokens,
            InputDetails inputTokensDetails,
            int outputTokens,
            OutputDetails outputTokensDetails,
            int totalTokens,
            @JsonAnyGetter Map<String, JsonNode> extra) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record InputDetails(int cachedTokens, int cacheWriteTokens) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record OutputDetails(int reasoningTokens) {
    }

    // ------------------------------------------------------------------------------------------ stream events

    /**
     * One stream event. {@code type} says which fields it carries (the rest are null and not written):
     * {@code response.created|in_progress|completed|incomplete} a {@code response}; {@code response.output_item.*} an
     * {@code item} at {@code output_index}; {@code response.content_part.*} a {@code part} at {@code content_index}
     * of item {@code item_id}; text, refusal and reasoning deltas a {@code delta}, their done events the whole
     * {@code text} or {@code refusal}; function call argument deltas a {@code delta}, their done event the whole
     * {@code arguments} and the {@code name}; {@code error} a {@code code}, {@code message} and {@code param}, and
     * the same again as an {@code error} object: the official SDKs raise an error while iterating a stream only for
     * an event whose data has an {@code error} object (without it, raw iteration yields the event and goes on as if
     * the stream had simply ended), while their typed {@code error} event reads the top-level fields.
     * {@code logprobs} is required by the SDKs on output text events and is always empty here.
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonPropertyOrder({"type", "sequence_number"})
    record StreamEvent(
            String type,
            long sequenceNumber,
            Response response,
            Integer outputIndex,
            String itemId,
            Integer contentIndex,
            OutputItem item,
            Object part,
            String delta,
            String text,
            String refusal,
            String arguments,
            String name,
            List<JsonNode> logprobs,
            String code,
            String message,
            String param,
            ErrorBody.Detail error) {

        static StreamEvent ofResponse(String type, long sequence, Response response) {
            return new StreamEvent(type, sequence, response, null, null, null, null, null, null, null, null, null,
                    null, null, null, null, null, null);
        }

        static StreamEvent ofItem(String type, long sequence, int outputIndex, OutputItem item) {
            return new StreamEvent(type, sequence, null, outputIndex, null, null, item, null, null, null, null, null,
                    null, null, null, null, null, null);
        }

        static StreamEvent ofPart(String type, long sequence, String itemId, int outputIndex, int contentIndex,
                                  Object part) {
            return new StreamEvent(type, sequence, null, outputIndex, itemId, contentIndex, null, part, null, null,
                    null, null, null, null, null, null, null, null);
        }

        /** A text, refusal or reasoning text delta; only output text carries {@code logprobs}. */
        static StreamEvent ofDelta(String type, long sequence, String itemId, int outputIndex, Integer contentIndex,
                                   String delta, boolean withLogprobs) {
            return new StreamEvent(type, sequence, null, outputIndex, itemId, contentIndex, null, null, delta, null,
                    null, null, null, withLogprobs ? List.of() : null, null, null, null, null);
        }

        static StreamEvent textDone(String type, long sequence, String itemId, int outputIndex, int contentIndex,
                                    String text, boolean withLogprobs) {
            return new StreamEvent(type, sequence, null, outputIndex, itemId, contentIndex, null, null, null, text,
                    null, null, null, withLogprobs ? List.of() : null, null, null, null, null);
        }

        static StreamEvent refusalDone(long sequence, String itemId, int outputIndex, int contentIndex,
                                       String refusal) {
            return new StreamEvent("response.refusal.done", sequence, null, outputIndex, itemId, contentIndex, null,
                    null, null, null, refusal, null, null, null, null, null, null, null);
        }

        static StreamEvent argumentsDone(long sequence, String itemId, int outputIndex, String arguments,
                                         String name) {
            return new StreamEvent("response.function_call_arguments.done", sequence, null, outputIndex, itemId, null,
                    null, null, null, null, null, arguments, name, null, null, null, null, null);
        }

        static StreamEvent error(long sequence, ErrorBody.Detail error) {
            return new StreamEvent("error", sequence, null, null, null, null, null, null, null, null, null, null,
                    null, null, error.code(), error.message(), error.param(), error);
        }
    }
}
