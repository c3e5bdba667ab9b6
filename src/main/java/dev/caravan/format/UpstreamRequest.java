package dev.caravan.format;

/**
 * What a format produces for one upstream call: the body, and the path and query to append to the route's endpoint
 * when the format needs them in the URL (Gemini names the model and the stream mode there). Null path or query
 * means the route's endpoint URL is used as it is.
 */
public record UpstreamRequest(byte[] body, String path, String query) {

    public static UpstreamRequest body(byte[] body) {
        return new UpstreamRequest(body, null, null);
    }
}
