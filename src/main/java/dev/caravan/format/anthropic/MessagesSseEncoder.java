package dev.caravan.format.anthropic;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.canonical.ChatCompletionChunk;
import dev.caravan.canonical.Json;
import dev.caravan.canonical.Message;
import dev.caravan.canonical.ReasoningDetail;
import dev.caravan.canonical.ToolCall;
import dev.caravan.canonical.Usage;
import dev.caravan.canonical.Warning;
import dev.caravan.error.GatewayException;
import dev.caravan.format.anthropic.AnthropicWire.Block;
import dev.caravan.format.anthropic.AnthropicWire.Delta;
import dev.caravan.format.anthropic.AnthropicWire.MessageDeltaEvent;
import dev.caravan.format.anthropic.AnthropicWire.MessagesResponse;
import dev.caravan.format.anthropic.AnthropicWire.StopDelta;
import dev.caravan.format.anthropic.AnthropicWire.StreamEvent;
import dev.caravan.stream.ClientStreamEncoder;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Canonical chunks, from whichever provider streams them, as the Anthropic stream of the gateway's own
 * {@code /v1/messages}. One instance per stream. Every event carries its {@code event:} line: Anthropic's SDKs drop
 * data-only events silently.
 *
 * <p>The sequence is Anthropic's: {@code message_start} when the first chunk arrives; then per content block
 * {@code content_block_start}, its deltas and {@code content_block_stop}, one block open at a time, a new block
 * whenever the kind of content changes (thinking, text, each tool call by its index); {@code message_delta} with the
 * stop reason and the usage, and {@code message_stop}, from {@link #finish()}, because OpenAI-shaped streams send
 * usage after the finish reason. {@link #heartbeat()} is for heartbeats and {@link #error} for a failure after the
 * stream began. Nothing is buffered: each chunk's events are returned as they are made.
 *
 * <p>Warnings of the first chunk ride in {@code message_start}'s message as {@code warnings}, later ones in
 * {@code message_delta}, both the gateway's additions that the SDKs ignore.
 */
public final class MessagesSseEncoder implements ClientStreamEncoder {

    private enum Kind { NONE, TEXT, THINKING, TOOL_USE }

    private final String model;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    /** Block index of each canonical tool-call index; Anthropic numbers all blocks in one sequence. */
    private final Map<Integer, Integer> toolBlocks = new HashMap<>();
    private final Map<Integer, String> toolIds = new HashMap<>();
    private final List<Warning> gatewayWarnings;
    private final List<Warning> lateWarnings = new ArrayList<>();
    private String id;
    private boolean started;
    private boolean finished;
    private Kind open = Kind.NONE;
    private int openIndex = -1;
    private int nextIndex;
    /** The open thinking block has received its signature: more thinking starts a new block. */
    private boolean openSigned;
    private boolean thinkingSeen;
    private String stopReason;
    private boolean calledTools;
    private Usage usage;

    /**
     * {@code model} is the catalog id the client asked for, written in {@code message_start}, with the gateway's
     * {@code warnings} about the request (what the Messages reader could not carry) after the provider's.
     */
    public MessagesSseEncoder(String model, List<Warning> warnings) {
        this.model = model;
        this.gatewayWarnings = List.copyOf(warnings);
    }

    /** The events one chunk produces, as SSE bytes; empty when it produces none. */
    @Override
    public byte[] encode(ChatCompletionChunk chunk) {
        if (finished) {
            return new byte[0];
        }
        if (!started) {
            start(chunk.id(), chunk.warnings());
        } else if (chunk.warnings() != null) {
            lateWarnings.addAll(chunk.warnings());
        }
        if (chunk.usage() != null) {
            usage = chunk.usage();
        }
        for (ChatCompletionChunk.ChunkChoice choice : Objects.requireNonNullElse(chunk.choices(),
                List.<ChatCompletionChunk.ChunkChoice>of())) {
            if (choice.delta() != null) {
                onDelta(choice.delta());
            }
            if (choice.finishReason() != null) {
                closeBlock();
                stopReason = MessagesApiResponses.toStopReason(choice.finishReason(), calledTools);
            }
        }
        return drain();
    }

    /** The end of the stream: the open block closed, {@code message_delta} and {@code message_stop}. */
    @Override
    public byte[] finish() {
        if (finished) {
            return new byte[0];
        }
        if (!started) {
            start(null, null);
        }
        closeBlock();
        finished = true;
        ObjectNode delta = Json.MAPPER.valueToTree(new MessageDeltaEvent(
                new StopDelta(stopReason == null ? "end_turn" : stopReason, null),
                MessagesApiResponses.toUsage(usage)));
        if (!lateWarnings.isEmpty()) {
            delta.set("warnings", Json.MAPPER.valueToTree(lateWarnings));
        }
        writeRaw("message_delta", Json.write(delta));
        write("message_stop", event("message_stop", null, null, null));
        return drain();
    }

    /** A heartbeat, as Anthropic sends between events; it carries no state. */
    @Override
    public byte[] heartbeat() {
        return frame("ping", Json.write(event("ping", null, null, null)));
    }

    /** A failure after the stream began, in the type and message {@link MessagesErrors} gives its kind. */
    @Override
    public byte[] error(GatewayException e) {
        finished = true;
        return frame("error", MessagesErrors.toJson(e));
    }

    private void start(String chunkId, List<Warning> warnings) {
        started = true;
        id = MessagesApiResponses.toId(chunkId);
        List<Warning> all = Warning.merge(warnings, gatewayWarnings);
        // input usage is not known before the upstream stream ends; message_delta carries the full count
        MessagesResponse message = new MessagesResponse(id, MessagesResponse.TYPE, MessagesApiResponses.ROLE, model,
                List.of(), null, null, new AnthropicWire.Usage(0, 0, 0, 0),
                all == null || all.isEmpty() ? null : all);
        write("message_start", new StreamEvent("message_start", message, null, null, null, null, null));
    }

    private void onDelta(Message delta) {
        for (ReasoningDetail detail : delta.reasoningDetails()) {
            onReasoningDetail(detail);
        }
        if (delta.reasoningContent() != null && !delta.reasoningContent().isEmpty()) {
            onThinking(delta.reasoningContent());
        }
        String text = delta.content() == null ? "" : delta.content().text();
        if (!text.isEmpty()) {
            openBlock(Kind.TEXT, Block.text("", null));
            blockDelta(new Delta("text_delta", text, null, null, null, null, null));
        }
        if (delta.refusal() != null && !delta.refusal().isEmpty()) {
            openBlock(Kind.TEXT, Block.text("", null));
            blockDelta(new Delta("text_delta", delta.refusal(), null, null, null, null, null));
        }
        for (ToolCall call : Objects.requireNonNullElse(delta.toolCalls(), List.<ToolCall>of())) {
            onToolCall(call);
        }
    }

    /**
     * Thinking text. A second thinking block, once the first is signed, starts a new block; the line break the
     * decoders put between two blocks' texts is dropped, as the block boundary already stands for it.
     */
    private void onThinking(String thinking) {
        if (open != Kind.THINKING || openSigned) {
            boolean separated = thinkingSeen && thinking.startsWith("\n");
            openThinking();
            thinking = separated ? thinking.substring(1) : thinking;
        }
        if (!thinking.isEmpty()) {
            blockDelta(new Delta("thinking_delta", null, null, thinking, null, null, null));
        }
    }

    /**
     * A signature closes the thinking before it; redacted thinking is a block of its own, whole at its start. Text
     * in a detail is not written again: it arrives as {@code reasoning_content} too.
     */
    private void onReasoningDetail(ReasoningDetail detail) {
        switch (Objects.requireNonNullElse(detail.type(), "")) {
            case ReasoningDetail.TEXT -> {
                if (detail.signature() != null && !detail.signature().isEmpty()) {
                    if (open != Kind.THINKING || openSigned) {
                        openThinking();
                    }
                    blockDelta(new Delta("signature_delta", null, null, null, detail.signature(), null, null));
                    openSigned = true;
                }
            }
            case ReasoningDetail.ENCRYPTED -> {
                closeBlock();
                int index = nextIndex++;
                write("content_block_start", event("content_block_start", index,
                        Block.redactedThinking(detail.data()), null));
                write("content_block_stop", event("content_block_stop", index, null, null));
            }
            default -> {
            }
        }
    }

    private void openThinking() {
        closeBlock();
        thinkingSeen = true;
        openBlock(Kind.THINKING, Block.thinking("", ""));
    }

    /**
     * A call's first fragment (with id and name) opens its tool_use block; argument fragments go to the block of
     * their call's index, which is the open one in the streams providers send (calls one after another). Some
     * OpenAI-compatible servers repeat the id and name on every fragment: a call index already seen with the same id
     * is the same call, not a new block.
     */
    private void onToolCall(ToolCall call) {
        int toolIndex = call.index() == null ? 0 : call.index();
        String name = call.function() == null ? null : call.function().name();
        Integer known = toolBlocks.get(toolIndex);
        if (known == null || call.id() != null && !call.id().equals(toolIds.get(toolIndex))) {
            closeBlock();
            calledTools = true;
            String callId = call.id() != null ? call.id() : "toolu_" + id + "_" + toolIndex;
            openBlock(Kind.TOOL_USE, Block.toolUse(callId, Objects.requireNonNullElse(name, ""),
                    Json.MAPPER.createObjectNode()));
            toolBlocks.put(toolIndex, openIndex);
            toolIds.put(toolIndex, callId);
        }
        String fragment = call.function() == null ? null : call.function().arguments();
        if (fragment != null && !fragment.isEmpty()) {
            write("content_block_delta", event("content_block_delta", toolBlocks.get(toolIndex), null,
                    new Delta("input_json_delta", null, fragment, null, null, null, null)));
        }
    }

    private void openBlock(Kind kind, Block start) {
        if (open == kind && kind != Kind.TOOL_USE && !(kind == Kind.THINKING && openSigned)) {
            return;
        }
        closeBlock();
        open = kind;
        openIndex = nextIndex++;
        openSigned = false;
        write("content_block_start", event("content_block_start", openIndex, start, null));
    }

    private void closeBlock() {
        if (open == Kind.NONE) {
            return;
        }
        write("content_block_stop", event("content_block_stop", openIndex, null, null));
        open = Kind.NONE;
        openSigned = false;
    }

    private void blockDelta(Delta delta) {
        write("content_block_delta", event("content_block_delta", openIndex, null, delta));
    }

    private static StreamEvent event(String type, Integer index, Block block, Delta delta) {
        return new StreamEvent(type, null, index, block, delta, null, null);
    }

    private void write(String type, Object data) {
        writeRaw(type, Json.write(data));
    }

    private void writeRaw(String type, byte[] data) {
        out.writeBytes(frame(type, data));
    }

    private static byte[] frame(String type, byte[] data) {
        byte[] head = ("event: " + type + "\ndata: ").getBytes(StandardCharsets.UTF_8);
        byte[] frame = new byte[head.length + data.length + 2];
        System.arraycopy(head, 0, frame, 0, head.length);
        System.arraycopy(data, 0, frame, head.length, data.length);
        frame[frame.length - 2] = '\n';
        frame[frame.length - 1] = '\n';
        return frame;
    }

    private byte[] drain() {
        byte[] bytes = out.toByteArray();
        out.reset();
        return bytes;
    }
}
