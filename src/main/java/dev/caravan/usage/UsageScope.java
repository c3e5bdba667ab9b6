package dev.caravan.usage;

import dev.caravan.identity.Caller;

/**
 * Whose records a caller may read: its project's when its key belongs to one, else its own key's. Every read of
 * usage goes through one, so another caller's generation id finds nothing rather than leaking.
 */
public record UsageScope(String column, String value) {

    public static UsageScope of(Caller caller) {
        return caller.projectId() != null
                ? new UsageScope("project_id", caller.projectId())
                : new UsageScope("key_id", caller.keyId());
    }

    /** A SQL condition on {@code usage_records} aliased {@code r}, with one parameter: {@link #value()}. */
    String condition() {
        // column is one of two constants above, never request data
        return "r." + column + " = ?";
    }
}
