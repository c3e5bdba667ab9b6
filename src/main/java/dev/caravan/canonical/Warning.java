package dev.caravan.canonical;

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
}
