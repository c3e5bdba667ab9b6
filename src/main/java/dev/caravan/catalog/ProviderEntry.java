package dev.caravan.catalog;

/**
 * A provider as the catalog declares it: the wire format it speaks and its public API's base URL, used when a key
 * is configured but no base URL. Keys and base URLs otherwise come from the environment, never from this file.
 */
public record ProviderEntry(String format, String baseUrl) {
}
