package dev.caravan.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;

/** Anthropic Messages: {@code POST /v1/messages}. */
final class AnthropicWire extends Wire {

    static final AnthropicWire INSTANCE = new AnthropicWire();

    /** Opaque like the real one; clients must echo it back verbatim, never interpret it. */
    static final String SIGNATURE = "EqQBCkYIBRgCKkBjYXJhdmFuLXNpbXVsYXRvci10aGlua2luZy1zaWduYXR1cmU=";

    private AnthropicWire() {
    }

    @Override
    String validate(JsonNode body) {
        if (body.get("max_tokens") == null || !body.get("max_tokens").isNumber()) {
            return "max_tokens: Field required";
        }
        JsonNode messages = body.get("messages");
        if (messages == null || !messages.isArray()) {
            return "messages: Field required";
        }
        return null;
    }

    @Override
    boolean wantsStream(JsonNode body) {
        return body.path("stream").asBoolean(false);
    }

    @Override
    String model(JsonNode body) {
        return textOr(body.get("model"), "claude-simulated");
    }

    /** {@code max_tokens} is required and thinking counts against it. */
    @Override
    int outputAllowance(JsonNode body) {
        return body.path("max_tokens").asInt(-1);
    }

    @Override
    int estimatePromptTokens(JsonNode body) {
        long chars = textChars(body.get("system"));
        for (JsonNode message : body.path("messages")) {
            chars += textChars(message.get("content"));
        }
        return tokensFromChars(chars);
    }

    /**
     * What {@code count_tokens} answers: the prompt as {@link #estimatePromptTokens} counts it plus the tool
     * definitions' JSON, so a request with more tools counts more, the same every time.
     */
    static int countTokens(JsonNode body) {
        long toolChars = body.path("tools").isMissingNode() ? 0 : body.path("tools").toString().length();
        return INSTANCE.estimatePromptTokens(body) + (toolChars == 0 ? 0 : tokensFromChars(toolChars));
    }

    @Override
    String invalidJsonMessage() {
        return "There was an issue with the request body: the body is not valid JSON";
    }

    @Override
    String errorBody(int status, String message) {
        String type = switch (status) {
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 413 -> "request_too_large";
            case 429 -> "rate_limit_error";
            case 503, 529 -> "overloaded_error";
            default -> status >= 500 ? "api_error" : "invalid_request_error";
        };
        StringBuilder sb = new StringBuilder(128).append("{\"type\":\"error\",\"error\":{\"type\":\"")
                .append(type).append("\",\"message\":");
        return str(sb, message).append("}}").toString();
    }

    static String stopReason(String canonical) {
        return switch (canonical) {
            case "stop" -> "end_turn";
            case "length" -> "max_tokens";
            case "tool_calls" -> "tool_use";
            case "content_filter" -> "refusal";
            default -> canonical;
        };
    }

    /** Anthropic's input_tokens excludes cache reads and writes, which are reported beside it. */
    private static StringBuilder inputUsage(StringBuilder sb, ReplyPlan plan, Exchange ex) {
        Reply r = plan.reply;
        int input = Math.max(0, ex.promptTokens() - r.cachedTokens() - r.cacheWriteTokens());
        return sb.append("{\"input_tokens\":").append(input)
                .append(",\"cache_creation_input_tokens\":").append(r.cacheWriteTokens())
                .append(",\"cache_read_input_tokens\":").append(r.cachedTokens());
    }

    private static boolean emptyAnswer(ReplyPlan plan) {
        return plan.reply.text() == null && plan.reply.reasoning() == null && !plan.hasToolCalls();
    }

    @Override
    String completion(ReplyPlan plan, Exchange ex) {
        Reply r = plan.reply;
        StringBuilder sb = new StringBuilder(512);
        sb.append("{\"id\":\"msg_01").append(Ids.next(22))
                .append("\",\"type\":\"message\",\"role\":\"assistant\",\"model\":");
        str(sb, ex.model()).append(",\"content\":[");
        boolean first = true;
        if (r.reasoning() != null) {
            str(sb.append("{\"type\":\"thinking\",\"thinking\":"), r.reasoning())
                    .append(",\"signature\":\"").append(SIGNATURE).append("\"}");
            first = false;
        }
        if (r.text() != null || emptyAnswer(plan)) {
            str(sb.append(first ? "" : ",").append("{\"type\":\"text\",\"text\":"), r.text() == null ? "" : r.text())
                    .append('}');
            first = false;
        }
        for (int i = 0; i < plan.argumentPieces.length; i++) {
            sb.append(first ? "{" : ",{").append("\"type\":\"tool_use\",\"id\":");
            str(sb, plan.toolId(i, "toolu_01")).append(",\"name\":");
            str(sb, plan.tool(i).name()).append(",\"input\":").append(plan.argumentObjects[i]).append('}');
            first = false;
        }
        sb.append("],\"stop_reason\":");
        str(sb, stopReason(plan.finish)).append(",\"stop_sequence\":null,\"usage\":");
        inputUsage(sb, plan, ex).append(",\"output_tokens\":").append(plan.completionTokens).append("}}");
        return sb.toString();
    }

    @Override
    void stream(ReplyPlan plan, Exchange ex, Sink sink) throws IOException {
        Reply r = plan.reply;
        StringBuilder start = new StringBuilder(400).append("event: message_start\ndata: {\"type\":\"message_start\",")
                .append("\"message\":{\"id\":\"msg_01").append(Ids.next(22))
                .append("\",\"type\":\"message\",\"role\":\"assistant\",\"model\":");
        str(start, ex.model()).append(",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":");
        inputUsage(start, plan, ex).append(",\"output_tokens\":1}}}\n\n");
        sink.event(start.toString(), false);

        int index = 0;
        if (r.reasoning() != null) {
            blockStart(sink, index, "{\"type\":\"thinking\",\"thinking\":\"\"}");
            for (String piece : plan.reasoningPieces) {
                sink.event(delta(index, "thinking_delta", "thinking", piece), true);
            }
            sink.event(delta(index, "signature_delta", "signature", SIGNATURE), false);
            blockStop(sink, index++);
        }
        if (r.text() != null || emptyAnswer(plan)) {
            blockStart(sink, index, "{\"type\":\"text\",\"text\":\"\"}");
            for (String piece : plan.textPieces) {
                sink.event(delta(index, "text_delta", "text", piece), true);
            }
            blockStop(sink, index++);
        }
        for (int i = 0; i < plan.argumentPieces.length; i++, index++) {
            StringBuilder block = new StringBuilder(128).append("{\"type\":\"tool_use\",\"id\":");
            str(block, plan.toolId(i, "toolu_01")).append(",\"name\":");
            str(block, plan.tool(i).name()).append(",\"input\":{}}");
            blockStart(sink, index, block.toString());
            // The real API opens every tool input with an empty fragment.
            sink.event(delta(index, "input_json_delta", "partial_json", ""), false);
            for (String piece : plan.argumentPieces[i]) {
                sink.event(delta(index, "input_json_delta", "partial_json", piece), true);
            }
            blockStop(sink, index);
        }

        StringBuilder end = new StringBuilder(160)
                .append("event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":");
        str(end, stopReason(plan.finish)).append(",\"stop_sequence\":null},\"usage\":{\"output_tokens\":")
                .append(plan.completionTokens).append("}}\n\n");
        sink.event(end.toString(), false);
        sink.event("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n", false);
    }

    private static void blockStart(Sink sink, int index, String block) throws IOException {
        sink.event("event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":" + index
                + ",\"content_block\":" + block + "}\n\n", false);
        // Real streams send one ping right after the first block opens.
        if (index == 0) {
            sink.event("event: ping\ndata: {\"type\": \"ping\"}\n\n", false);
        }
    }

    private static void blockStop(Sink sink, int index) throws IOException {
        sink.event("event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":" + index + "}\n\n",
                false);
    }

    private static String delta(int index, String type, String field, String piece) {
        StringBuilder sb = new StringBuilder(piece.length() + 128)
                .append("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":").append(index)
                .append(",\"delta\":{\"type\":\"").append(type).append("\",\"").append(field).append("\":");
        return str(sb, piece).append("}}\n\n").toString();
    }
}
