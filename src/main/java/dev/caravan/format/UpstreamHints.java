package dev.caravan.format;

/**
 * What a format may need to know about a request beyond the request itself, as format-level facts rather than the
 * gateway's routing options (which the format has no business reading).
 *
 * @param autoCaching mark the request's static prefix for the provider's prompt cache where the provider needs
 *                    explicit breakpoints (Anthropic); the others cache on their own
 */
public record UpstreamHints(boolean autoCaching) {

    public static final UpstreamHints NONE = new UpstreamHints(false);
    public static final UpstreamHints AUTO_CACHING = new UpstreamHints(true);
}
