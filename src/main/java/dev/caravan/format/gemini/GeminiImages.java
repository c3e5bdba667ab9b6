package dev.caravan.format.gemini;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.caravan.canonical.ImageRequest;
import dev.caravan.canonical.ImageResult;
import dev.caravan.canonical.Json;
import dev.caravan.canonical.Warning;
import dev.caravan.error.GatewayException;
import dev.caravan.format.UpstreamRequest;
import dev.caravan.format.gemini.GeminiWire.Blob;
import dev.caravan.format.gemini.GeminiWire.Candidate;
import dev.caravan.format.gemini.GeminiWire.GenerateContentResponse;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Image generation on Gemini's image models: {@code generateContent} with {@code responseModalities} TEXT and
 * IMAGE, OpenAI's {@code size} as Gemini's {@code imageConfig.aspectRatio}; the answer's {@code inlineData} parts
 * are the images. Gemini makes one image per request and always PNG, so {@code n} above 1, {@code quality} and a
 * non-PNG {@code output_format} come back as warnings.
 */
public final class GeminiImages {

    private static final Set<String> ASPECT_RATIOS = Set.of("1:1", "2:3", "3:2", "3:4", "4:3", "4:5", "5:4", "9:16",
            "16:9", "21:9");

    private GeminiImages() {
    }

    public static UpstreamRequest toUpstream(ImageRequest request, String providerModel, List<Warning> warnings) {
        if (request.n() > 1) {
            warnings.add(Warning.adjusted("n", "google generates one image per request; 1 image was generated"));
        }
        if (request.quality() != null) {
            warnings.add(Warning.unsupported("quality", "google"));
        }
        if (request.outputFormat() != null && !request.outputFormat().equals("png")) {
            warnings.add(Warning.unsupported("output_format", "google"));
        }
        if (request.user() != null) {
            warnings.add(Warning.unsupported("user", "google"));
        }
        request.extra().keySet().forEach(field -> warnings.add(Warning.unsupported(field, "google")));
        String ratio = aspectRatio(request.size());
        if (request.size() != null && ratio == null && !request.size().equals("auto")) {
            warnings.add(Warning.adjusted("size", "google takes an aspect ratio (" + String.join(", ",
                    ASPECT_RATIOS.stream().sorted().toList()) + "); '" + request.size()
                    + "' is none of them, so the model's default was used"));
        }
        ImagesRequest body = new ImagesRequest(
                List.of(new Content("user", List.of(new Part(request.prompt())))),
                new Config(List.of("TEXT", "IMAGE"), ratio == null ? null : new ImageConfig(ratio)));
        return new UpstreamRequest(Json.write(body), "/" + providerModel + ":generateContent", null);
    }

    /** {@code 1536x1024} as {@code 3:2}; null for {@code auto}, no size, or a ratio Gemini does not offer. */
    static String aspectRatio(String size) {
        if (size == null || !size.matches("\\d{1,5}x\\d{1,5}")) {
            return null;
        }
        int x = size.indexOf('x');
        int width = Integer.parseInt(size.substring(0, x));
        int height = Integer.parseInt(size.substring(x + 1));
        if (width == 0 || height == 0) {
            return null;
        }
        int gcd = gcd(width, height);
        String ratio = width / gcd + ":" + height / gcd;
        return ASPECT_RATIOS.contains(ratio) ? ratio : null;
    }

    private static int gcd(int a, int b) {
        return b == 0 ? a : gcd(b, a % b);
    }

    /** The first candidate's images and the usage; an answer with none (a refusal, a filter) is the client's error. */
    public static ImageResult fromUpstream(byte[] body) {
        GenerateContentResponse response = Json.read(body, GenerateContentResponse.class);
        List<Candidate> candidates = response.candidates() == null ? List.of() : response.candidates();
        List<ImageResult.Image> images = new ArrayList<>();
        String text = "";
        for (Candidate candidate : candidates) {
            GeminiResponseMapper.Answer answer = GeminiResponseMapper.toAnswer(candidate);
            for (Blob image : answer.images()) {
                images.add(new ImageResult.Image(image.data(), image.mimeType(), null));
            }
            text += answer.text();
        }
        if (images.isEmpty()) {
            throw GatewayException.invalid("google generated no image for this prompt"
                    + (GeminiResponseMapper.isBlocked(response) ? " (the prompt was blocked)" : "")
                    + (text.isBlank() ? "." : ": " + text.strip()), "prompt");
        }
        return new ImageResult(images, GeminiResponseMapper.toUsage(response.usageMetadata()), null, null);
    }

    record ImagesRequest(List<Content> contents, Config generationConfig) {
    }

    record Content(String role, List<Part> parts) {
    }

    record Part(String text) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Config(List<String> responseModalities, ImageConfig imageConfig) {
    }

    record ImageConfig(String aspectRatio) {
    }
}
