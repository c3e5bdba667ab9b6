package dev.caravan.format.anthropic;

import dev.caravan.canonical.ChatCompletionChunk;
import dev.caravan.canonical.Content;
import dev.caravan.canonical.Json;
import dev.caravan.canonical.Message;
import dev.caravan.canonical.ReasoningDetail;
import dev.caravan.canonical.ToolCall;
import dev.caravan.format.anthropic.AnthropicWire.Block;
import dev.caravan.format.anthropic.AnthropicWire.Delta;
import dev.caravan.format.anthropic.AnthropicWire.MessagesResponse;
import dev.caravan.format.anthropic.AnthropicWire.StreamEvent;
import dev.caravan.stream.SseEvent;
import dev.caravan.stream.StreamDecoder;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Anthropic's stream events as OpenAI chunks. Anthropic numbers content blocks (text, thinking, tool_use) in one
 * sequence while OpenAI numbers tool calls on their own, so the decoder remembers what each block index is. The
 * json_schema output tool streams its input as answer text. Usage arrives split between {@code message_start}
 * (input) and {@code message_delta} (cumulative output) and is emitted once, by {@link #finish()}. A thinking
 * block's signature and a redacted thinking block arrive as deltas with a {@link ReasoningDetail}, so a client that
 * speaks Anthropic can be given them back.
 */
final class AnthropicStreamDecoder implements StreamDecoder {

    private enum Kind { TEXT, THINKING, TOOL_CALL, OUTPUT, OTHER }

    /** One content block of the stream; {@code toolIndex} is its OpenAI tool-call index when it is a call. */
    private static final class BlockState {
        private final Kind kind;
        private final int toolIndex;
        private boolean hasInput;

        private BlockState(Kind kind, int toolIndex) {
            this.kind = kind;
            this.toolIndex = toolIndex;
        }
    }

    private final long created;
    private final Map<Integer, BlockState> blocks = new HashMap<>();
    private String id;
    private String model;
    private boolean roleSent;
    private int toolCalls;
    private AnthropicWire.Usage usage;
    private boolean usageSent;

    AnthropicStreamDecoder(long created) {
        this.created = created;
    }

    @Override
    public List<ChatCompletionChunk> decode(SseEvent event) {
        if (event.data() == null || event.data().isBlank()) {
            return List.of();
        }
        StreamEvent data = Json.read(event.data(), StreamEvent.class);
        String type = data.type() != null ? data.type() : Objects.requireNonNullElse(event.event(), "");
        return switch (type) {
            case "message_start" -> onMessageStart(data.message());
            case "content_block_start" -> onBlockStart(data.index(), data.contentBlock());
            case "content_block_delta" -> onBlockDelta(data.index(), data.delta());
            case "content_block_stop" -> onBlockStop(data.index());
            case "message_delta" -> onMessageDelta(data.delta(), data.usage());
            case "error" -> throw AnthropicResults.toStreamError(data.error());
            // ping, message_stop, and whatever event types Anthropic adds later
            default -> List.of();
        };
    }

    @Override
    public List<ChatCompletionChunk> finish() {
        if (usage == null || usageSent) {
            return List.of();
        }
        usageSent = true;
        return List.of(ChatCompletionChunk.usageOnly(id, created, model, AnthropicResults.toUsage(usage)));
    }

    private List<ChatCompletionChunk> onMessageStart(MessagesResponse message) {
        if (message != null) {
            id = message.id();
            model = message.model();
            usage = message.usage();
        }
        return emit(Content.of(""), null, null, null);
    }

    private List<ChatCompletionChunk> onBlockStart(Integer index, Block block) {
        String type = block == null || block.type() == null ? "" : block.type();
        switch (type) {
            case Block.TEXT -> {
                blocks.put(index, new BlockState(Kind.TEXT, -1));
                return text(block.text());
            }
            case Block.THINKING -> {
                // a second thinking block (interleaved thinking) is set apart as the whole answer joins them
                boolean first = blocks.values().stream().noneMatch(state -> state.kind == Kind.THINKING);
                blocks.put(index, new BlockState(Kind.THINKING, -1));
                return reasoning((first ? "" : "\n") + Objects.requireNonNullElse(block.thinking(), ""));
            }
            case Block.TOOL_USE -> {
                if (AnthropicResults.isOutputTool(block.name())) {
                    blocks.put(index, new BlockState(Kind.OUTPUT, -1));
                    return List.of();
                }
                int toolIndex = toolCalls++;
                blocks.put(index, new BlockState(Kind.TOOL_CALL, toolIndex));
                return emit(null, List.of(ToolCall.start(toolIndex, block.id(), block.name())), null, null);
            }
            case Block.REDACTED_THINKING -> {
                blocks.put(index, new BlockState(Kind.OTHER, -1));
                return details(ReasoningDetail.encrypted(block.data()));
            }
            default -> {
                // server tool use and results: nothing an OpenAI client could receive
                blocks.put(index, new BlockState(Kind.OTHER, -1));
                return List.of();
            }
        }
    }

    private List<ChatCompletionChunk> onBlockDelta(Integer index, Delta delta) {
        String type = delta == null || delta.type() == null ? "" : delta.type();
        return switch (type) {
            case "text_delta" -> text(delta.text());
            case "thinking_delta" -> reasoning(delta.thinking());
            case "input_json_delta" -> input(blocks.get(index), delta.partialJson());
            // the signature signs the thinking for Anthropic's eyes only, and must go back to it unchanged
            case "signature_delta" -> delta.signature() == null || delta.signature().isEmpty()
                    ? List.of() : details(ReasoningDetail.text(null, delta.signature()));
            // citations_delta has no OpenAI form
            default -> List.of();
        };
    }

    /** Anthropic's first input fragment is often empty; OpenAI clients only need the non-empty ones. */
    private List<ChatCompletionChunk> input(BlockState block, String fragment) {
        if (block == null || fragment == null || fragment.isEmpty()) {
            return List.of();
        }
        block.hasInput = true;
        return switch (block.kind) {
            case TOOL_CALL -> emit(null, List.of(ToolCall.argumentsDelta(block.toolIndex, fragment)), null, null);
            case OUTPUT -> text(fragment);
            case TEXT, THINKING, OTHER -> List.of();
        };
    }

    /**
     * A tool without parameters streams no input at all, which would leave an OpenAI client parsing "" as its
     * arguments; it gets "{}" instead, as OpenAI itself sends.
     */
    private List<ChatCompletionChunk> onBlockStop(Integer index) {
        BlockState block = blocks.get(index);
        if (block == null || block.hasInput) {
            return List.of();
        }
        return switch (block.kind) {
            case TOOL_CALL -> emit(null, List.of(ToolCall.argumentsDelta(block.toolIndex, "{}")), null, null);
            case OUTPUT -> text("{}");
            case TEXT, THINKING, OTHER -> List.of();
        };
    }

    private List<ChatCompletionChunk> onMessageDelta(Delta delta, AnthropicWire.Usage later) {
        usage = usage == null ? later : usage.updatedBy(later);
        String stopReason = delta == null ? null : delta.stopReason();
        if (stopReason == null) {
            return List.of();
        }
        return emit(null, null, null, AnthropicResults.toFinishReason(stopReason, toolCalls > 0));
    }

    private List<ChatCompletionChunk> text(String text) {
        return text == null || text.isEmpty() ? List.of() : emit(Content.of(text), null, null, null);
    }

    private List<ChatCompletionChunk> reasoning(String thinking) {
        return thinking == null || thinking.isEmpty() ? List.of() : emit(null, null, thinking, null);
    }

    private List<ChatCompletionChunk> details(ReasoningDetail detail) {
        String role = roleSent ? null : "assistant";
        roleSent = true;
        Message delta = new Message(role, null, null, null, null, null, null, null)
                .withReasoningDetails(List.of(detail));
        return List.of(ChatCompletionChunk.of(id, created, model, delta, null));
    }

    /** One chunk; the first of the stream carries the assistant role, whatever event produced it. */
    private List<ChatCompletionChunk> emit(Content content, List<ToolCall> calls, String reasoning, String finish) {
        String role = roleSent ? null : "assistant";
        roleSent = true;
        Message delta = new Message(role, content, null, calls, null, null, reasoning, null);
        return List.of(ChatCompletionChunk.of(id, created, model, delta, finish));
    }
}
