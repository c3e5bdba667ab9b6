package dev.caravan.usage;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import dev.caravan.canonical.ChatRequest;
import dev.caravan.canonical.ContentPart;
import dev.caravan.canonical.Json;
import dev.caravan.canonical.Message;
import dev.caravan.canonical.ToolCall;

/**
 * Counts tokens where no provider did: a request's input before it is sent (for worst-case costs) and a stream's
 * output when the provider gave no usage (a cut stream, a server that ignores {@code include_usage}). Uses OpenAI's
 * o200k tokenizer; other providers' tokenizers split finer, so figures for them are estimates, and an upper bound
 * gets a margin.
 */
public final class TokenCount {

    private static final Encoding O200K = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.O200K_BASE);
    /** Anthropic's and Gemini's tokenizers produce up to about a quarter more tokens than o200k for the same text. */
    private static final double OTHER_TOKENIZER_MARGIN = 1.3;
    /** Role markers and separators each message adds on every provider's wire. */
    private static final int PER_MESSAGE = 4;
    /**
     * What one image may cost at most: Anthropic ~1,600 tokens (images are scaled to 1.15 megapixels), OpenAI's
     * high detail ~1,100 to 1,500, Gemini 258 per tile. The base64 text itself is never counted as tokens.
     */
    private static final int PER_IMAGE = 2_000;

    private TokenCount() {
    }

    public static int of(String text) {
        return text == null || text.isEmpty() ? 0 : O200K.countTokensOrdinary(text);
    }

    /** The request's input tokens as o200k counts them: an estimate for any provider. */
    public static long input(ChatRequest request) {
        long tokens = 0;
        if (request.messages() != null) {
            for (Message message : request.messages()) {
                tokens += PER_MESSAGE + messageTokens(message);
            }
        }
        if (request.tools() != null && !request.tools().isEmpty()) {
            // tool definitions reach every provider as (some form of) their JSON schema
            tokens += of(new String(Json.write(request.tools()), java.nio.charset.StandardCharsets.UTF_8));
        }
        return tokens;
    }

    /** At least as many input tokens as any provider will bill for the request, within reason. */
    public static long inputUpperBound(ChatRequest request) {
        return (long) Math.ceil(input(request) * OTHER_TOKENIZER_MARGIN);
    }

    private static long messageTokens(Message message) {
        long tokens = 0;
        if (message.content() != null) {
            if (message.content().plain() != null) {
                tokens += of(message.content().plain());
            } else {
                for (ContentPart part : message.content().parts()) {
                    tokens += part.imageUrl() != null ? PER_IMAGE : of(part.text());
                }
            }
        }
        if (message.toolCalls() != null) {
            for (ToolCall call : message.toolCalls()) {
                tokens += PER_MESSAGE + (call.function() == null ? 0
                        : of(call.function().name()) + of(call.function().arguments()));
            }
        }
        return tokens + of(message.reasoningContent());
    }
}
