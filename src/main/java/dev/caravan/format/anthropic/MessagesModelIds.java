package dev.caravan.format.anthropic;

import java.util.Collection;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The model ids Anthropic clients send, resolved to catalog ids. Claude Code and the SDKs send Anthropic's own ids
 * ({@code claude-sonnet-4-6}, dated {@code claude-sonnet-4-5-20250929}, aliases {@code claude-3-5-haiku-latest});
 * the catalog names models {@code anthropic/claude-sonnet-4.6}, versions written with a dot. A dated id resolves
 * to the catalog's undated model, as Anthropic's alias does: the catalog serves one snapshot per model.
 */
public final class MessagesModelIds {

    static final String CATALOG_PREFIX = "anthropic/";
    private static final Pattern SNAPSHOT = Pattern.compile("-(\\d{8}|latest)$");
    /** A version's dash between two numbers, {@code 4-6} or {@code 3-5}; a number of 8 digits is a date. */
    private static final Pattern VERSION_DASH = Pattern.compile("(?<=-\\d{1,2})-(?=\\d{1,2}(-|$))");

    private MessagesModelIds() {
    }

    /**
     * The catalog id {@code requested} names: itself when the catalog has it (a client may send catalog ids, and
     * ids of other providers), else Anthropic's id in the catalog's spelling. Empty when the catalog has neither.
     */
    public static Optional<String> resolve(String requested, Collection<String> catalogIds) {
        if (requested == null || requested.isBlank()) {
            return Optional.empty();
        }
        if (catalogIds.contains(requested)) {
            return Optional.of(requested);
        }
        String bare = requested.startsWith(CATALOG_PREFIX) ? requested.substring(CATALOG_PREFIX.length()) : requested;
        for (String candidate : new String[] {bare, undated(bare)}) {
            String catalogId = CATALOG_PREFIX + VERSION_DASH.matcher(candidate).replaceAll(".");
            if (catalogIds.contains(catalogId)) {
                return Optional.of(catalogId);
            }
            if (catalogIds.contains(CATALOG_PREFIX + candidate)) {
                return Optional.of(CATALOG_PREFIX + candidate);
            }
        }
        return Optional.empty();
    }

    /** The id without its snapshot date or {@code -latest} alias suffix. */
    static String undated(String id) {
        return SNAPSHOT.matcher(id).replaceFirst("");
    }
}
