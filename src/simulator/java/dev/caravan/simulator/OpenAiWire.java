package dev.caravan.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;

/** OpenAI Chat Completions: {@code POST /v1/chat/completions}. */
final class OpenAiWire extends Wire {

    static final OpenAiWire INSTANCE = new OpenAiWire();

    private static final String FINGERPRINT = "fp_caravan_sim";

    private OpenAiWire() {
    }

    @Override
    String validate(JsonNode body) {
        JsonNode messages = body.get("messages");
        if (messages == null || messages.isNull()) {
            return "Missing required parameter: 'messages'.";
        }
        if (!messages.isArray()) {
            return "Invalid type for 'messages': expected an array of objects.";
        }
        return null;
    }

    @Override
    boolean wantsStream(JsonNode body) {
        return body.path("stream").asBoolean(false);
    }

    @Override
    boolean wantsUsageInStream(JsonNode body) {
        return body.path("stream_options").path("include_usage").asBoolean(false);
    }

    @Override
    String model(JsonNode body) {
        return textOr(body.get("model"), "gpt-simulated");
    }

    /** Reasoning tokens count against the limit; each of {@code n} choices may use all of it. */
    @Override
    int outputAllowance(JsonNode body) {
        JsonNode limit = body.hasNonNull("max_completion_tokens") ? body.get("max_completion_tokens")
                : body.get("max_tokens");
        return limit == null ? -1 : limit.asInt() * Math.max(1, body.path("n").asInt(1));
    }

    @Override
    int estimatePromptTokens(JsonNode body) {
        long chars = 0;
        for (JsonNode message : body.path("messages")) {
            chars += textChars(message.get("content"));
        }
        return tokensFromChars(chars);
    }

    @Override
    String invalidJsonMessage() {
        return "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your "
                + "HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid "
                + "JSON. If you have trouble figuring out how to fix this, please contact us through our help "
                + "center at help.openai.com.)";
    }

    @Override
    String errorBody(int status, String message) {
        String type = status == 429 ? "rate_limit_error" : status >= 500 ? "server_error" : "invalid_request_error";
        String code = switch (status) {
            case 429 -> "\"rate_limit_exceeded\"";
            case 401 -> "\"invalid_api_key\"";
            case 404 -> "\"model_not_found\"";
            default -> "null";
        };
        StringBuilder sb = new StringBuilder(128).append("{\"error\":{\"message\":");
        str(sb, message).append(",\"type\":\"").append(type).append("\",\"param\":null,\"code\":").append(code);
        return sb.append("}}").toString();
    }

    static String finishReason(String canonical) {
        return canonical.equals("stop_sequence") ? "stop" : canonical;
    }

    @Override
    String completion(ReplyPlan plan, Exchange ex) {
        Reply r = plan.reply;
        StringBuilder sb = new StringBuilder(512);
        sb.append("{\"id\":\"chatcmpl-").append(Ids.next()).append("\",\"object\":\"chat.completion\",\"created\":")
                .append(epochSeconds()).append(",\"model\":");
        str(sb, ex.model()).append(",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":");
        // Real responses carry null content beside tool calls, and "" never appears there.
        str(sb, r.text() != null ? r.text() : plan.hasToolCalls() ? null : "");
        sb.append(",\"refusal\":null");
        if (r.reasoning() != null) {
            str(sb.append(",\"reasoning_content\":"), r.reasoning());
        }
        if (plan.hasToolCalls()) {
            sb.append(",\"tool_calls\":[");
            for (int i = 0; i < plan.argumentPieces.length; i++) {
                ToolCallSpec call = plan.tool(i);
                sb.append(i == 0 ? "{\"id\":" : ",{\"id\":");
                str(sb, plan.toolId(i, "call_")).append(",\"type\":\"function\",\"function\":{\"name\":");
                str(sb, call.name()).append(",\"arguments\":");
                str(sb, call.arguments()).append("}}");
            }
            sb.append(']');
        }
        sb.append(",\"annotations\":[]},\"logprobs\":null,\"finish_reason\":");
        str(sb, finishReason(plan.finish)).append("}]");
        if (!plan.reply.omitUsage()) {
            sb.append(",\"usage\":");
            usage(sb, plan, ex);
        }
        return sb.append(",\"service_tier\":\"default\",\"system_fingerprint\":\"").append(FINGERPRINT).append("\"}")
                .toString();
    }

    private static void usage(StringBuilder sb, ReplyPlan plan, Exchange ex) {
        int prompt = ex.promptTokens();
        int completion = plan.completionTokens;
        sb.append("{\"prompt_tokens\":").append(prompt)
                .append(",\"completion_tokens\":").append(completion)
                .append(",\"total_tokens\":").append(prompt + completion)
                .append(",\"prompt_tokens_details\":{\"cached_tokens\":").append(plan.reply.cachedTokens())
                .append(",\"audio_tokens\":0},\"completion_tokens_details\":{\"reasoning_tokens\":")
                .append(plan.reasoningTokens)
                .append(",\"audio_tokens\":0,\"accepted_prediction_tokens\":0,\"rejected_prediction_tokens\":0}}");
    }

    @Override
    void stream(ReplyPlan plan, Exchange ex, Sink sink) throws IOException {
        StringBuilder head = new StringBuilder(160);
        head.append("data: {\"id\":\"chatcmpl-").append(Ids.next())
                .append("\",\"object\":\"chat.completion.chunk\",\"created\":").append(epochSeconds())
                .append(",\"model\":");
        str(head, ex.model()).append(",\"service_tier\":\"default\",\"system_fingerprint\":\"").append(FINGERPRINT)
                .append("\",\"choices\":[{\"index\":0,\"delta\":");
        String prefix = head.toString();
        // With include_usage, every chunk carries "usage":null until the dedicated usage chunk.
        String suffix = ex.includeUsage()
                ? ",\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}\n\n"
                : ",\"logprobs\":null,\"finish_reason\":null}]}\n\n";

        sink.event(prefix + "{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null}" + suffix, false);
        for (String piece : plan.reasoningPieces) {
            sink.event(delta(prefix, "reasoning_content", piece, suffix), true);
        }
        for (String piece : plan.textPieces) {
            sink.event(delta(prefix, "content", piece, suffix), true);
        }
        for (int i = 0; i < plan.argumentPieces.length; i++) {
            StringBuilder first = new StringBuilder(prefix.length() + 160).append(prefix)
                    .append("{\"tool_calls\":[{\"index\":").append(i).append(",\"id\":");
            str(first, plan.toolId(i, "call_")).append(",\"type\":\"function\",\"function\":{\"name\":");
            str(first, plan.tool(i).name()).append(",\"arguments\":\"\"}}]}").append(suffix);
            sink.event(first.toString(), true);
            for (String piece : plan.argumentPieces[i]) {
                StringBuilder frag = new StringBuilder(prefix.length() + 96).append(prefix)
                        .append("{\"tool_calls\":[{\"index\":").append(i).append(",\"function\":{\"arguments\":");
                str(frag, piece).append("}}]}").append(suffix);
                sink.event(frag.toString(), true);
            }
        }
        StringBuilder last = new StringBuilder(prefix.length() + 96).append(prefix)
                .append("{},\"logprobs\":null,\"finish_reason\":");
        str(last, finishReason(plan.finish)).append("}]").append(ex.includeUsage() ? ",\"usage\":null}\n\n" : "}\n\n");
        sink.event(last.toString(), false);
        if (ex.includeUsage() && !plan.reply.omitUsage()) {
            // The usage chunk has no choices; reuse the envelope up to "choices".
            StringBuilder usage = new StringBuilder(prefix.length() + 300)
                    .append(prefix, 0, prefix.length() - "[{\"index\":0,\"delta\":".length())
                    .append("[],\"usage\":");
            usage(usage, plan, ex);
            sink.event(usage.append("}\n\n").toString(), false);
        }
        sink.event("data: [DONE]\n\n", false);
    }

    private static String delta(String prefix, String field, String piece, String suffix) {
        StringBuilder sb = new StringBuilder(prefix.length() + suffix.length() + piece.length() + 32).append(prefix)
                .append("{\"").append(field).append("\":");
        return str(sb, piece).append('}').append(suffix).toString();
    }
}
