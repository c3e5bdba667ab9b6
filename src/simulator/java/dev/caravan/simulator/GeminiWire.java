package dev.caravan.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Google Gemini: {@code POST /v1beta/models/{model}:generateContent} and {@code :streamGenerateContent?alt=sse}.
 * The model and the stream choice come from the path, not the body.
 */
final class GeminiWire extends Wire {

    static final GeminiWire INSTANCE = new GeminiWire();

    private GeminiWire() {
    }

    @Override
    String validate(JsonNode body) {
        JsonNode contents = body.get("contents");
        if (contents == null || !contents.isArray()) {
            return "* GenerateContentRequest.contents: contents is not specified\n";
        }
        return null;
    }

    @Override
    boolean wantsStream(JsonNode body) {
        return false;
    }

    @Override
    String model(JsonNode body) {
        return "gemini-simulated";
    }

    /** As Gemini's documentation has it: thinking billed beside {@code maxOutputTokens}, per candidate. */
    @Override
    int outputAllowance(JsonNode body) {
        JsonNode config = body.path("generationConfig");
        if (!config.has("maxOutputTokens")) {
            return -1;
        }
        int thinking = Math.max(0, config.path("thinkingConfig").path("thinkingBudget").asInt(0));
        return (config.get("maxOutputTokens").asInt() + thinking) * Math.max(1, config.path("candidateCount").asInt(1));
    }

    @Override
    int estimatePromptTokens(JsonNode body) {
        long chars = textChars(body.path("systemInstruction").get("parts"));
        for (JsonNode content : body.path("contents")) {
            chars += textChars(content.get("parts"));
        }
        return tokensFromChars(chars);
    }

    @Override
    String invalidJsonMessage() {
        return "Invalid JSON payload received. Unexpected token.";
    }

    @Override
    String errorBody(int status, String message) {
        String grpc = switch (status) {
            case 400 -> "INVALID_ARGUMENT";
            case 401 -> "UNAUTHENTICATED";
            case 403 -> "PERMISSION_DENIED";
            case 404 -> "NOT_FOUND";
            case 409 -> "ABORTED";
            case 429 -> "RESOURCE_EXHAUSTED";
            case 499 -> "CANCELLED";
            case 501 -> "UNIMPLEMENTED";
            case 503, 529 -> "UNAVAILABLE";
            case 504 -> "DEADLINE_EXCEEDED";
            default -> status >= 500 ? "INTERNAL" : "FAILED_PRECONDITION";
        };
        StringBuilder sb = new StringBuilder(128).append("{\"error\":{\"code\":").append(status)
                .append(",\"message\":");
        return str(sb, message).append(",\"status\":\"").append(grpc).append("\"}}").toString();
    }

    static String finishReason(String canonical) {
        return switch (canonical) {
            // Gemini reports STOP for a turn that ends in function calls.
            case "stop", "tool_calls", "stop_sequence" -> "STOP";
            case "length" -> "MAX_TOKENS";
            case "content_filter" -> "SAFETY";
            default -> canonical;
        };
    }

    @Override
    String completion(ReplyPlan plan, Exchange ex) {
        Reply r = plan.reply;
        List<String> parts = new ArrayList<>(2 + plan.argumentPieces.length);
        if (r.reasoning() != null) {
            parts.add(thoughtPart(r.reasoning()));
        }
        if (r.text() != null || parts.isEmpty() && !plan.hasToolCalls()) {
            parts.add(textPart(r.text() == null ? "" : r.text()));
        }
        for (int i = 0; i < plan.argumentPieces.length; i++) {
            parts.add(functionCallPart(plan, i));
        }
        if (Images.geminiImageModel(ex.model())) {
            parts.add(Images.geminiPart());
        }
        return response(parts, plan, ex, Ids.next(22), true);
    }

    @Override
    void stream(ReplyPlan plan, Exchange ex, Sink sink) throws IOException {
        // Each event is a complete GenerateContentResponse; only the last carries finishReason and usage, so the
        // events are assembled first and the final one is recognised by position.
        List<String> events = new ArrayList<>(plan.pacedPieces + 1);
        for (String piece : plan.reasoningPieces) {
            events.add(thoughtPart(piece));
        }
        for (String piece : plan.textPieces) {
            events.add(textPart(piece));
        }
        if (plan.hasToolCalls()) {
            // Function calls arrive whole, never as argument fragments.
            StringBuilder calls = new StringBuilder(128);
            for (int i = 0; i < plan.argumentPieces.length; i++) {
                calls.append(i == 0 ? "" : ",").append(functionCallPart(plan, i));
            }
            events.add(calls.toString());
        }
        if (Images.geminiImageModel(ex.model())) {
            // an image model's picture comes whole, in an event of its own after the text
            events.add(Images.geminiPart());
        }
        if (events.isEmpty()) {
            events.add(textPart(""));
        }
        String responseId = Ids.next(22);
        for (int i = 0; i < events.size(); i++) {
            boolean last = i == events.size() - 1;
            String json = response(List.of(events.get(i)), plan, ex, responseId, last);
            sink.event("data: " + json + "\r\n\r\n", true);
        }
    }

    private static String response(List<String> parts, ReplyPlan plan, Exchange ex, String responseId,
            boolean last) {
        StringBuilder sb = new StringBuilder(512).append("{\"candidates\":[{\"content\":{\"parts\":[");
        for (int i = 0; i < parts.size(); i++) {
            sb.append(i == 0 ? "" : ",").append(parts.get(i));
        }
        sb.append("],\"role\":\"model\"}");
        if (last) {
            sb.append(",\"finishReason\":");
            str(sb, finishReason(plan.finish));
        }
        sb.append(",\"index\":0}]");
        if (last) {
            usage(sb, plan, ex);
        }
        sb.append(",\"modelVersion\":");
        str(sb, ex.model()).append(",\"responseId\":\"").append(responseId).append("\"}");
        return sb.toString();
    }

    /** Zero counts are omitted, as proto3 JSON does on the real API. */
    private static void usage(StringBuilder sb, ReplyPlan plan, Exchange ex) {
        int prompt = ex.promptTokens();
        int thoughts = Math.min(plan.reasoningTokens, plan.completionTokens);
        int candidates = plan.completionTokens - thoughts
                + (Images.geminiImageModel(ex.model()) ? Images.GEMINI_TOKENS_PER_IMAGE : 0);
        int cached = plan.reply.cachedTokens();
        sb.append(",\"usageMetadata\":{\"promptTokenCount\":").append(prompt)
                .append(",\"candidatesTokenCount\":").append(candidates)
                .append(",\"totalTokenCount\":").append(prompt + candidates + thoughts);
        if (cached > 0) {
            sb.append(",\"cachedContentTokenCount\":").append(cached);
        }
        sb.append(",\"promptTokensDetails\":[{\"modality\":\"TEXT\",\"tokenCount\":").append(prompt).append("}]");
        if (thoughts > 0) {
            sb.append(",\"thoughtsTokenCount\":").append(thoughts);
        }
        sb.append('}');
    }

    private static String textPart(String text) {
        return str(new StringBuilder(text.length() + 12).append("{\"text\":"), text).append('}').toString();
    }

    private static String thoughtPart(String text) {
        return str(new StringBuilder(text.length() + 28).append("{\"text\":"), text).append(",\"thought\":true}")
                .toString();
    }

    private static String functionCallPart(ReplyPlan plan, int i) {
        String args = plan.argumentObjects[i];
        StringBuilder sb = new StringBuilder(args.length() + 48).append("{\"functionCall\":{\"name\":");
        return str(sb, plan.tool(i).name()).append(",\"args\":").append(args).append("}}").toString();
    }
}
