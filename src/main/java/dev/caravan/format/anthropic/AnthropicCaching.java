package dev.caravan.format.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.canonical.Json;
import dev.caravan.canonical.Warning;
import dev.caravan.format.anthropic.AnthropicWire.Block;
import dev.caravan.format.anthropic.AnthropicWire.MessagesRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * {@code caching: "auto"} for Anthropic. Unlike OpenAI and Gemini, Anthropic caches a prompt only up to a
 * {@code cache_control} breakpoint the request places; the prefix is read in the order tools, system, messages.
 * One breakpoint at the end of the static part (the system prompt, else the tools) lets every request that repeats
 * it read the cache, whatever the conversation after it.
 */
final class AnthropicCaching {

    /** Anthropic rejects a request with more breakpoints than this. */
    static final int MAX_BREAKPOINTS = 4;

    private AnthropicCaching() {
    }

    /**
     * {@code request} with an ephemeral breakpoint on its last system block, or on its last tool when it has no
     * system prompt. Unchanged when it has neither, when that place is marked already (by the client), and, with a
     * warning, when the client's own marks leave no breakpoint to spare.
     */
    static MessagesRequest markStaticPrefix(MessagesRequest request, List<Warning> warnings) {
        List<Block> system = systemBlocks(request.system());
        List<AnthropicWire.Tool> tools = Objects.requireNonNullElse(request.tools(), List.of());
        if (system.isEmpty() && tools.isEmpty()) {
            return request;
        }
        boolean marked = system.isEmpty()
                ? tools.getLast().cacheControl() != null : system.getLast().cacheControl() != null;
        if (marked) {
            return request;
        }
        if (breakpoints(request, system, tools) >= MAX_BREAKPOINTS) {
            AnthropicMapper.warn(warnings, Warning.adjusted("caching", AnthropicMapper.PROVIDER + " allows "
                    + MAX_BREAKPOINTS + " cache_control breakpoints and the request places them all itself;"
                    + " none added for the system prompt and tools"));
            return request;
        }
        if (system.isEmpty()) {
            List<AnthropicWire.Tool> out = new ArrayList<>(tools);
            out.set(out.size() - 1, tools.getLast().withCacheControl(ephemeral()));
            return request.withTools(out);
        }
        // a string system prompt has no place for the mark: it goes as one text block
        List<Block> out = new ArrayList<>(system);
        out.set(out.size() - 1, system.getLast().withCacheControl(ephemeral()));
        return request.withSystem(out);
    }

    /** The system prompt as blocks, whichever of its two forms {@link AnthropicMessages#toSystem} chose. */
    private static List<Block> systemBlocks(Object system) {
        return switch (system) {
            case null -> List.of();
            case String text -> List.of(Block.text(text, null));
            case List<?> blocks -> blocks.stream().map(Block.class::cast).toList();
            default -> throw new IllegalStateException("unexpected system prompt " + system.getClass());
        };
    }

    /** The breakpoints already placed, wherever Anthropic counts them: tools, system, and message blocks. */
    private static int breakpoints(MessagesRequest request, List<Block> system, List<AnthropicWire.Tool> tools) {
        int count = (int) tools.stream().filter(tool -> tool.cacheControl() != null).count() + marked(system);
        for (AnthropicWire.Message message : request.messages()) {
            count += marked(message.content());
        }
        return count;
    }

    /** Marked blocks, counting those inside tool results too. */
    private static int marked(List<Block> blocks) {
        int count = 0;
        for (Block block : Objects.requireNonNullElse(blocks, List.<Block>of())) {
            count += (block.cacheControl() != null ? 1 : 0) + marked(block.content());
        }
        return count;
    }

    private static JsonNode ephemeral() {
        return Json.MAPPER.createObjectNode().put("type", "ephemeral");
    }
}
