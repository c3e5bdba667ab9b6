package dev.caravan.format.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.canonical.ChatRequest;
import dev.caravan.canonical.Content;
import dev.caravan.canonical.ContentPart;
import dev.caravan.canonical.Message;
import dev.caravan.canonical.ReasoningDetail;
import dev.caravan.canonical.Warning;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Leaves out of a request for an OpenAI-compatible server the fields only Anthropic reads, which the canonical
 * request carries in {@code extra} so an Anthropic target can have them: {@code top_k} and the {@code thinking}
 * object (the request also carries its {@code reasoning_effort}), a tool result's {@code is_error}, signed
 * {@code reasoning_details}, and {@code cache_control} breakpoints. A Messages API client (Claude Code) sends them
 * without knowing which provider serves it, and OpenAI refuses the whole request for a field it does not know; each
 * field left out is reported as a warning. Everything else in {@code extra} still passes through untouched.
 *
 * <p>The canonical request is shared by every attempt of a failover chain (an Anthropic fallback needs these
 * fields), so it is copied, never changed; a request without such fields, the common case, is returned as it is.
 */
final class AnthropicOnlyFields {

    static final Set<String> REQUEST = Set.of("top_k", "thinking");
    static final Set<String> MESSAGE = Set.of("is_error", ReasoningDetail.FIELD);
    static final Set<String> PART = Set.of("cache_control");

    private AnthropicOnlyFields() {
    }

    static ChatRequest strip(ChatRequest request, List<Warning> warnings) {
        Map<String, JsonNode> extra = without(request.extra(), REQUEST, "", warnings);
        List<Message> messages = request.messages();
        List<Message> kept = null;
        for (int i = 0; i < messages.size(); i++) {
            Message message = messages.get(i);
            Message stripped = strip(message, warnings);
            if (stripped != message && kept == null) {
                kept = new ArrayList<>(messages.subList(0, i));
            }
            if (kept != null) {
                kept.add(stripped);
            }
        }
        if (extra == request.extra() && kept == null) {
            return request;
        }
        return request.withMessagesAndExtra(kept == null ? messages : kept, extra);
    }

    static Message strip(Message message, List<Warning> warnings) {
        Map<String, JsonNode> extra = without(message.extra(), MESSAGE, "messages[].", warnings);
        Content content = strip(message.content(), warnings);
        if (extra == message.extra() && content == message.content()) {
            return message;
        }
        return new Message(message.role(), content, message.name(), message.toolCalls(), message.toolCallId(),
                message.refusal(), message.reasoningContent(), extra);
    }

    static Content strip(Content content, List<Warning> warnings) {
        if (content == null || content.parts() == null) {
            return content;
        }
        List<ContentPart> parts = null;
        for (int i = 0; i < content.parts().size(); i++) {
            ContentPart part = content.parts().get(i);
            Map<String, JsonNode> extra = without(part.extra(), PART, "content[].", warnings);
            if (extra != part.extra() && parts == null) {
                parts = new ArrayList<>(content.parts().subList(0, i));
            }
            if (parts != null) {
                parts.add(extra == part.extra() ? part : new ContentPart(part.type(), part.text(), part.imageUrl(),
                        extra));
            }
        }
        return parts == null ? content : new Content(null, parts);
    }

    /** {@code fields} without {@code names}, warning once per name left out; the same map when it has none. */
    static Map<String, JsonNode> without(Map<String, JsonNode> fields, Set<String> names, String at,
                                         List<Warning> warnings) {
        if (fields.isEmpty() || !containsAny(fields, names)) {
            return fields;
        }
        Map<String, JsonNode> kept = new LinkedHashMap<>(fields);
        for (String name : names) {
            if (kept.remove(name) != null) {
                Warning warning = Warning.unsupported(at + name, OpenAiFormat.NAME);
                if (!warnings.contains(warning)) {
                    warnings.add(warning);
                }
            }
        }
        return kept;
    }

    private static boolean containsAny(Map<String, JsonNode> fields, Set<String> names) {
        for (String name : names) {
            if (fields.containsKey(name)) {
                return true;
            }
        }
        return false;
    }
}
