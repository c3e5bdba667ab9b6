package dev.caravan.format.anthropic;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import dev.caravan.canonical.Warning;

import java.util.List;

/**
 * Anthropic Messages API wire shapes ({@code POST /v1/messages}, snake_case JSON). Only the fields the gateway
 * writes or reads are modelled; the shared mapper ignores the rest (citations, server tool results, container...).
 */
final class AnthropicWire {

    private AnthropicWire() {
    }

    /** {@code system} is a string, or a list of text blocks when some block carries {@code cache_control}. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record MessagesRequest(
            String model,
            List<Message> messages,
            Object system,
            int maxTokens,
            Metadata metadata,
            List<String> stopSequences,
            Boolean stream,
            Double temperature,
            Double topP,
            Integer topK,
            List<Tool> tools,
            ToolChoice toolChoice,
            Thinking thinking) {

        MessagesRequest withSystem(Object newSystem) {
            return new MessagesRequest(model, messages, newSystem, maxTokens, metadata, stopSequences, stream,
                    temperature, topP, topK, tools, toolChoice, thinking);
        }

        MessagesRequest withTools(List<Tool> newTools) {
            return new MessagesRequest(model, messages, system, maxTokens, metadata, stopSequences, stream,
                    temperature, topP, topK, newTools, toolChoice, thinking);
        }
    }

    /** {@code role} is "user" or "assistant"; the two must alternate. */
    record Message(String role, List<Block> content) {
    }

    /**
     * One content block, in requests and responses alike; {@code type} says which fields are set: {@code text},
     * {@code image} and {@code document} (source; a document may have a title), {@code tool_use} (id, name, input),
     * {@code tool_result} (tool_use_id, content, is_error), {@code thinking} (thinking, signature),
     * {@code redacted_thinking} (data).
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Block(
            String type,
            String text,
            Source source,
            String title,
            String id,
            String name,
            JsonNode input,
            String toolUseId,
            List<Block> content,
            Boolean isError,
            String thinking,
            String signature,
            String data,
            JsonNode cacheControl) {

        static final String TEXT = "text";
        static final String IMAGE = "image";
        static final String DOCUMENT = "document";
        static final String TOOL_USE = "tool_use";
        static final String TOOL_RESULT = "tool_result";
        static final String THINKING = "thinking";
        static final String REDACTED_THINKING = "redacted_thinking";

        static Block text(String text, JsonNode cacheControl) {
            return new Block(TEXT, text, null, null, null, null, null, null, null, null, null, null, null,
                    cacheControl);
        }

        static Block image(Source source, JsonNode cacheControl) {
            return new Block(IMAGE, null, source, null, null, null, null, null, null, null, null, null, null,
                    cacheControl);
        }

        static Block document(Source source, String title, JsonNode cacheControl) {
            return new Block(DOCUMENT, null, source, title, null, null, null, null, null, null, null, null, null,
                    cacheControl);
        }

        static Block toolUse(String id, String name, JsonNode input) {
            return new Block(TOOL_USE, null, null, null, id, name, input, null, null, null, null, null, null, null);
        }

        static Block toolResult(String toolUseId, List<Block> content, Boolean isError) {
            return new Block(TOOL_RESULT, null, null, null, null, null, null, toolUseId, content, isError, null, null,
                    null, null);
        }

        static Block thinking(String thinking, String signature) {
            return new Block(THINKING, null, null, null, null, null, null, null, null, null, thinking, signature,
                    null, null);
        }

        static Block redactedThinking(String data) {
            return new Block(REDACTED_THINKING, null, null, null, null, null, null, null, null, null, null, null,
                    data, null);
        }

        Block withCacheControl(JsonNode newCacheControl) {
            return new Block(type, text, source, title, id, name, input, toolUseId, content, isError, thinking,
                    signature, data, newCacheControl);
        }
    }

    /** An image or a document: {@code base64} with media type and data, or {@code url}; a document also {@code text}. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Source(String type, String mediaType, String data, String url) {

        static Source base64(String mediaType, String data) {
            return new Source("base64", mediaType, data, null);
        }

        static Source url(String url) {
            return new Source("url", null, null, url);
        }
    }

    /** {@code cache_control} is set only by {@link AnthropicCaching}: OpenAI-shaped tools have no place for it. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Tool(String name, String description, JsonNode inputSchema, JsonNode cacheControl) {

        Tool(String name, String description, JsonNode inputSchema) {
            this(name, description, inputSchema, null);
        }

        Tool withCacheControl(JsonNode newCacheControl) {
            return new Tool(name, description, inputSchema, newCacheControl);
        }
    }

    /** {@code type} is auto, any, tool (with name) or none. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record ToolChoice(String type, String name, Boolean disableParallelToolUse) {

        static final String AUTO = "auto";
        static final String ANY = "any";
        static final String TOOL = "tool";
        static final String NONE = "none";

        static ToolChoice auto(Boolean disableParallelToolUse) {
            return new ToolChoice(AUTO, null, disableParallelToolUse);
        }

        static ToolChoice any(Boolean disableParallelToolUse) {
            return new ToolChoice(ANY, null, disableParallelToolUse);
        }

        static ToolChoice tool(String name, Boolean disableParallelToolUse) {
            return new ToolChoice(TOOL, name, disableParallelToolUse);
        }

        /** Anthropic's {@code none} choice has no parallel-use flag. */
        static ToolChoice none() {
            return new ToolChoice(NONE, null, null);
        }

        /** Anthropic rejects extended thinking together with a choice that forces a tool call. */
        boolean forcesToolUse() {
            return ANY.equals(type) || TOOL.equals(type);
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Thinking(String type, int budgetTokens) {

        static Thinking enabled(int budgetTokens) {
            return new Thinking("enabled", budgetTokens);
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Metadata(String userId) {
    }

    /**
     * A non-streamed answer; also the {@code message} of a stream's {@code message_start}. The gateway writes it too,
     * as the answer of its own {@code /v1/messages}: Anthropic always sends {@code stop_reason} and
     * {@code stop_sequence}, null or not, and the SDKs read both. {@code warnings} is the gateway's addition.
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record MessagesResponse(
            String id,
            String type,
            String role,
            String model,
            List<Block> content,
            @JsonInclude(JsonInclude.Include.ALWAYS) String stopReason,
            @JsonInclude(JsonInclude.Include.ALWAYS) String stopSequence,
            Usage usage,
            List<Warning> warnings) {

        static final String TYPE = "message";
    }

    /**
     * Anthropic counts input tokens in three disjoint parts: uncached, read from the cache, written to the cache.
     * In a stream, {@code message_delta} repeats the fields cumulatively, any of them possibly absent.
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Usage(
            Integer inputTokens,
            Integer outputTokens,
            Integer cacheCreationInputTokens,
            Integer cacheReadInputTokens) {

        /** This usage with every field {@code later} reports replaced by the later, cumulative value. */
        Usage updatedBy(Usage later) {
            if (later == null) {
                return this;
            }
            return new Usage(
                    later.inputTokens != null ? later.inputTokens : inputTokens,
                    later.outputTokens != null ? later.outputTokens : outputTokens,
                    later.cacheCreationInputTokens != null ? later.cacheCreationInputTokens : cacheCreationInputTokens,
                    later.cacheReadInputTokens != null ? later.cacheReadInputTokens : cacheReadInputTokens);
        }
    }

    /** One stream event; {@code type} says which fields are set. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record StreamEvent(
            String type,
            MessagesResponse message,
            Integer index,
            Block contentBlock,
            Delta delta,
            Usage usage,
            ErrorDetail error) {
    }

    /**
     * A block delta ({@code text_delta}, {@code input_json_delta}, {@code thinking_delta}, {@code signature_delta})
     * or, in {@code message_delta}, the stop reason and the stop sequence that matched.
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Delta(String type, String text, String partialJson, String thinking, String signature, String stopReason,
                 String stopSequence) {
    }

    /** The {@code error} of {@code {"type":"error","error":{"type","message"}}}, as a body or a stream event. */
    record ErrorDetail(String type, String message) {
    }

    /** {@code {"type":"error","error":{...}}}: an error body, and the data of a stream's {@code error} event. */
    record ErrorBody(String type, ErrorDetail error) {

        static ErrorBody of(String errorType, String message) {
            return new ErrorBody("error", new ErrorDetail(errorType, message));
        }
    }

    /**
     * The data of {@code message_delta}, which the gateway writes: Anthropic always sends {@code stop_sequence},
     * null or not, where the shared {@link Delta} leaves nulls out.
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record MessageDeltaEvent(String type, StopDelta delta, Usage usage) {

        MessageDeltaEvent(StopDelta delta, Usage usage) {
            this("message_delta", delta, usage);
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record StopDelta(@JsonInclude(JsonInclude.Include.ALWAYS) String stopReason,
                     @JsonInclude(JsonInclude.Include.ALWAYS) String stopSequence) {
    }
}
