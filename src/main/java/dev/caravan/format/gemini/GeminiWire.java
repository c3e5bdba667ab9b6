package dev.caravan.format.gemini;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/**
 * Gemini's {@code generateContent} wire shapes (v1beta, camelCase JSON). Only the fields the gateway writes or reads
 * are modelled; the shared mapper ignores the rest (safety ratings, citation metadata, grounding...).
 */
final class GeminiWire {

    private GeminiWire() {
    }

    record GenerateContentRequest(
            List<Content> contents,
            Content systemInstruction,
            List<Tool> tools,
            ToolConfig toolConfig,
            GenerationConfig generationConfig) {
    }

    /** {@code role} is "user" or "model"; a system instruction has none. */
    record Content(String role, List<Part> parts) {
    }

    /**
     * One part; exactly one of the data fields is set. {@code thought} marks thinking text;
     * {@code thoughtSignature} is the opaque token Gemini 3 wants back on the function calls it made.
     */
    record Part(
            String text,
            Boolean thought,
            String thoughtSignature,
            Blob inlineData,
            FileData fileData,
            FunctionCall functionCall,
            FunctionResponse functionResponse) {

        static Part text(String text) {
            return new Part(text, null, null, null, null, null, null);
        }

        static Part inline(String mimeType, String base64) {
            return new Part(null, null, null, new Blob(mimeType, base64), null, null, null);
        }

        static Part file(String mimeType, String uri) {
            return new Part(null, null, null, null, new FileData(mimeType, uri), null, null);
        }

        static Part call(String name, JsonNode args, String thoughtSignature) {
            return new Part(null, null, thoughtSignature, null, null, new FunctionCall(null, name, args), null);
        }

        static Part response(String name, JsonNode response) {
            return new Part(null, null, null, null, null, null, new FunctionResponse(name, response));
        }
    }

    record Blob(String mimeType, String data) {
    }

    record FileData(String mimeType, String fileUri) {
    }

    /** {@code id} is set by some models only; the gateway makes its own when it is absent. */
    record FunctionCall(String id, String name, JsonNode args) {
    }

    /** {@code response} must be a JSON object. */
    record FunctionResponse(String name, JsonNode response) {
    }

    record Tool(List<FunctionDeclaration> functionDeclarations) {
    }

    record FunctionDeclaration(String name, String description, JsonNode parametersJsonSchema) {
    }

    record ToolConfig(FunctionCallingConfig functionCallingConfig) {
    }

    /** {@code mode} is AUTO, ANY or NONE. */
    record FunctionCallingConfig(String mode, List<String> allowedFunctionNames) {
    }

    record GenerationConfig(
            Double temperature,
            Double topP,
            Integer topK,
            Integer maxOutputTokens,
            List<String> stopSequences,
            Integer candidateCount,
            Integer seed,
            Double presencePenalty,
            Double frequencyPenalty,
            String responseMimeType,
            JsonNode responseJsonSchema,
            ThinkingConfig thinkingConfig) {

        boolean isEmpty() {
            return temperature == null && topP == null && topK == null && maxOutputTokens == null
                    && stopSequences == null && candidateCount == null && seed == null && presencePenalty == null
                    && frequencyPenalty == null && responseMimeType == null && responseJsonSchema == null
                    && thinkingConfig == null;
        }
    }

    record ThinkingConfig(Integer thinkingBudget, Boolean includeThoughts) {
    }

    /** A whole answer, and also one stream event (each carries only the new parts). */
    record GenerateContentResponse(
            List<Candidate> candidates,
            PromptFeedback promptFeedback,
            UsageMetadata usageMetadata,
            String modelVersion,
            String responseId) {
    }

    /** {@code index} is omitted for the first candidate (proto3 leaves out zero values). */
    record Candidate(Content content, String finishReason, Integer index) {

        int indexOrZero() {
            return index == null ? 0 : index;
        }
    }

    record PromptFeedback(String blockReason) {
    }

    record UsageMetadata(
            Integer promptTokenCount,
            Integer cachedContentTokenCount,
            Integer candidatesTokenCount,
            Integer toolUsePromptTokenCount,
            Integer thoughtsTokenCount,
            Integer totalTokenCount) {
    }
}
