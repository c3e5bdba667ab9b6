package dev.caravan.format.anthropic;

import dev.caravan.canonical.ChatCompletionChunk;
import dev.caravan.canonical.Json;
import dev.caravan.error.GatewayException;
import dev.caravan.format.JsonSplice;
import dev.caravan.stream.ClientStreamEncoder;
import dev.caravan.stream.SseEvent;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * An Anthropic provider's stream to an Anthropic client, event for event as the provider sent it: only
 * {@code message_start}'s {@code message.model} becomes the catalog id that served, as on every answer. The
 * provider's own {@code message_stop} ends it, so {@link #finish()} adds nothing; a failure after the stream began
 * (the provider's error event included, its text cleared of the credential) is Anthropic's error event, as on the
 * translated path. Chunks that came from no event of their own (the decoder's closing usage) write nothing.
 */
public final class MessagesPassThroughEncoder implements ClientStreamEncoder {

    private static final List<String> MESSAGE_MODEL = List.of("message", "model");

    private final byte[] model;

    /** {@code model} is the catalog id of the serving model. */
    public MessagesPassThroughEncoder(String model) {
        this.model = Json.write(model);
    }

    @Override
    public byte[] encode(ChatCompletionChunk chunk, SseEvent upstream) {
        if (upstream == null) {
            return NOTHING;
        }
        String data = upstream.data();
        if ("message_start".equals(upstream.event())) {
            data = new String(JsonSplice.replaceAt(data.getBytes(StandardCharsets.UTF_8), MESSAGE_MODEL, model),
                    StandardCharsets.UTF_8);
        }
        return frame(upstream.event(), data);
    }

    /** Only a stream that keeps its events is passed through; a chunk alone has no event to write. */
    @Override
    public byte[] encode(ChatCompletionChunk chunk) {
        return NOTHING;
    }

    @Override
    public byte[] finish() {
        return NOTHING;
    }

    @Override
    public byte[] error(GatewayException error) {
        return frame("error", new String(MessagesErrors.toJson(error), StandardCharsets.UTF_8));
    }

    /** Anthropic's own heartbeat event. */
    @Override
    public byte[] heartbeat() {
        return frame("ping", "{\"type\": \"ping\"}");
    }

    /** One event as SSE; a data value of several lines goes back as several {@code data:} lines, as it came. */
    private static byte[] frame(String event, String data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(data.length() + 32);
        if (event != null) {
            out.writeBytes(("event: " + event + "\n").getBytes(StandardCharsets.UTF_8));
        }
        for (String line : data.split("\n", -1)) {
            out.writeBytes(("data: " + line + "\n").getBytes(StandardCharsets.UTF_8));
        }
        out.write('\n');
        return out.toByteArray();
    }
}
