package dev.caravan.error;

import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * The one place that classifies what a provider did wrong: an HTTP status with its message, or a transport failure.
 * The provider's own 4xx message is passed on, prefixed with the provider's name, so a client can fix its request;
 * the classification also decides failover (see {@link ErrorKind#retryable()}).
 */
public final class UpstreamErrors {

    private UpstreamErrors() {
    }

    public static GatewayException fromStatus(String provider, int status, String message, Long retryAfterSeconds) {
        ErrorKind kind = kindOf(status, message);
        // a provider's 401 text can quote part of the gateway's own provider key ("Incorrect API key provided:
        // sk-…abcd"); the client only needs to know the gateway's credential was refused
        String text = provider + ": " + (kind == ErrorKind.UPSTREAM_AUTHENTICATION
                ? "the provider refused the gateway's credential"
                : message == null || message.isBlank() ? defaultMessage(status) : message);
        return new GatewayException(kind, text, null, provider, kind == ErrorKind.RATE_LIMITED
                || kind == ErrorKind.UPSTREAM_OVERLOADED ? retryAfterSeconds : null, status);
    }

    static ErrorKind kindOf(int status, String message) {
        return switch (status) {
            case 401, 403 -> ErrorKind.UPSTREAM_AUTHENTICATION;
            // a model id the provider no longer knows, an account out of credit: another provider may well serve
            case 402, 404 -> ErrorKind.UPSTREAM_UNAVAILABLE;
            case 408, 504 -> ErrorKind.UPSTREAM_TIMEOUT;
            case 429 -> ErrorKind.RATE_LIMITED;
            case 503, 529 -> ErrorKind.UPSTREAM_OVERLOADED;
            default -> {
                if (status >= 500) {
                    yield ErrorKind.UPSTREAM_UNAVAILABLE;
                }
                yield isContextLength(message) ? ErrorKind.CONTEXT_LENGTH_EXCEEDED : ErrorKind.INVALID_REQUEST;
            }
        };
    }

    /** Providers word it differently; all of them name the context, the prompt length or the token maximum. */
    static boolean isContextLength(String message) {
        if (message == null) {
            return false;
        }
        String m = message.toLowerCase(Locale.ROOT);
        return m.contains("context length") || m.contains("context_length") || m.contains("context window")
                || m.contains("prompt is too long") || m.contains("maximum context")
                || m.contains("input token count") && m.contains("exceeds");
    }

    /** A call that produced no HTTP answer: refused, reset, timed out, or cut in the middle of a stream. */
    public static GatewayException fromTransport(String provider, Throwable failure) {
        Throwable cause = rootCause(failure);
        if (cause instanceof SocketTimeoutException || cause instanceof InterruptedIOException) {
            return new GatewayException(ErrorKind.UPSTREAM_TIMEOUT, provider + ": the provider did not answer in time",
                    null, provider, null);
        }
        String what = cause instanceof ConnectException || cause instanceof NoRouteToHostException
                || cause instanceof UnknownHostException ? "could not connect to the provider"
                : "the connection to the provider failed";
        return new GatewayException(ErrorKind.UPSTREAM_UNAVAILABLE, provider + ": " + what, null, provider, null);
    }

    private static Throwable rootCause(Throwable t) {
        Throwable cause = t;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static String defaultMessage(int status) {
        return "the provider answered HTTP " + status;
    }
}
