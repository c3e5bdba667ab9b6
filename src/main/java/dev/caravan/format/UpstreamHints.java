package dev.caravan.format;

/**
 * What a format may need to know about a request beyond the request itself, as format-level facts rather than the
 * gateway's routing options or inbound APIs (which the format has no business reading).
 *
 * @param autoCaching     mark the request's static prefix for the provider's prompt cache where the provider needs
 *                        explicit breakpoints (Anthropic); the others cache on their own
 * @param anthropicClient the request was read from Anthropic's Messages API, so the Anthropic-only fields its
 *                        {@code extra} carries ({@code top_k}, {@code thinking}, {@code cache_control}, …) are
 *                        Anthropic's, not fields the client meant for an OpenAI-compatible server
 */
public record UpstreamHints(boolean autoCaching, boolean anthropicClient) {

    public static final UpstreamHints NONE = new UpstreamHints(false, false);
    public static final UpstreamHints AUTO_CACHING = new UpstreamHints(true, false);
    private static final UpstreamHints ANTHROPIC_CLIENT = new UpstreamHints(false, true);
    private static final UpstreamHints ANTHROPIC_CLIENT_AUTO_CACHING = new UpstreamHints(true, true);

    /** The hints for these facts; constants, so a request allocates none. */
    public static UpstreamHints of(boolean autoCaching, boolean anthropicClient) {
        if (anthropicClient) {
            return autoCaching ? ANTHROPIC_CLIENT_AUTO_CACHING : ANTHROPIC_CLIENT;
        }
        return autoCaching ? AUTO_CACHING : NONE;
    }
}
