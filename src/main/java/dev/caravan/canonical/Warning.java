package dev.caravan.canonical;

import java.util.ArrayList;
import java.util.List;

/**
 * A request parameter the serving provider could not honour, reported back instead of dropped silently.
 * {@code type} is {@code unsupported_parameter} or {@code adjusted_parameter}.
 */
public record Warning(String type, String param, String message) {

    public static Warning unsupported(String param, String provider) {
        return new Warning("unsupported_parameter", param, provider + " does not support '" + param + "'; ignored");
    }

    public static Warning adjusted(String param, String message) {
        return new Warning("adjusted_parameter", param, message);
    }

    /** The provider's warnings, then the gateway's; no copy when the provider had none. */
    public static List<Warning> merge(List<Warning> fromProvider, List<Warning> fromGateway) {
        if (fromProvider == null || fromProvider.isEmpty()) {
            return fromGateway;
        }
        List<Warning> all = new ArrayList<>(fromProvider);
        all.addAll(fromGateway);
        return all;
    }
}
