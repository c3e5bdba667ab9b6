package dev.caravan.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import javax.imageio.ImageIO;

/**
 * Generated images: one small valid PNG (8x8, a checkerboard), as OpenAI's {@code POST /v1/images/generations}
 * answers it ({@code b64_json}) and as Gemini's image models put it in an {@code inlineData} part. Gemini models
 * whose name contains {@code -image} answer with it on generateContent, as the real ones do.
 */
final class Images {

    /** The PNG, base64; {@link ProviderSimulator#PNG_BASE64} exposes it to tests. */
    static final String PNG_BASE64 = Base64.getEncoder().encodeToString(png());
    /** What gpt-image-1 bills a medium-quality 1024x1024 image. */
    static final int OPENAI_TOKENS_PER_IMAGE = 1056;
    /** What Gemini bills one image. */
    static final int GEMINI_TOKENS_PER_IMAGE = 1290;

    private Images() {
    }

    private static byte[] png() {
        BufferedImage image = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                image.setRGB(x, y, (x + y) % 2 == 0 ? 0x1E88E5 : 0xFFC107);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static boolean geminiImageModel(String model) {
        return model != null && model.contains("-image");
    }

    static String geminiPart() {
        return "{\"inlineData\":{\"mimeType\":\"image/png\",\"data\":\"" + PNG_BASE64 + "\"}}";
    }

    /** A problem in OpenAI's words, or null. */
    static String validateOpenAi(JsonNode body) {
        if (!body.path("model").isTextual()) {
            return "you must provide a model parameter";
        }
        if (!body.path("prompt").isTextual() || body.path("prompt").textValue().isEmpty()) {
            return "'prompt' is a required property";
        }
        if (body.has("response_format") && body.path("model").asText().startsWith("gpt-image")) {
            // as the real API: gpt-image models always answer base64 and refuse the parameter
            return "Unknown parameter: 'response_format'.";
        }
        JsonNode n = body.get("n");
        return n == null || n.isInt() && n.intValue() >= 1 && n.intValue() <= 10 ? null
                : "Invalid 'n': must be between 1 and 10";
    }

    static String openAiAnswer(JsonNode body) {
        int n = body.path("n").asInt(1);
        String format = body.path("output_format").asText("png");
        StringBuilder sb = new StringBuilder(n * (PNG_BASE64.length() + 20) + 300)
                .append("{\"created\":").append(Wire.epochSeconds()).append(",\"data\":[");
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : ",").append("{\"b64_json\":\"").append(PNG_BASE64).append("\"}");
        }
        int input = Wire.tokensFromChars(body.path("prompt").asText().length());
        int output = n * OPENAI_TOKENS_PER_IMAGE;
        sb.append("],\"output_format\":");
        Wire.str(sb, format);
        return sb.append(",\"usage\":{\"input_tokens\":").append(input).append(",\"output_tokens\":").append(output)
                .append(",\"total_tokens\":").append(input + output)
                .append(",\"input_tokens_details\":{\"text_tokens\":").append(input)
                .append(",\"image_tokens\":0}}}").toString();
    }
}
