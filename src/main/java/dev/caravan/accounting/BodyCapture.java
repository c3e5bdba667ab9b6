package dev.caravan.accounting;

import dev.caravan.canonical.ChatRequest;
import dev.caravan.canonical.Json;
import dev.caravan.usage.BodyRedaction;
import dev.caravan.usage.RequestBodies;

/**
 * One request's kept bodies while it runs: the answer's text as it is produced (a stream's deltas joined, or a whole
 * answer's message), held up to a little past the cap so that memory stays bounded however long the answer; made
 * into {@link RequestBodies} (redacted, capped) when the request settles.
 */
final class BodyCapture {

    /** Past the cap, so that the redaction still sees a key that straddles it whole. */
    private static final int SLACK = 1024;

    private final int maxBytes;
    private final StringBuilder response = new StringBuilder();
    private boolean answered;

    BodyCapture(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** Called under the meter's lock, as output arrives. */
    void append(String text) {
        answered = true;
        int room = maxBytes + SLACK - response.length();
        if (room > 0) {
            response.append(text, 0, Math.min(room, text.length()));
        }
    }

    /** {@code request} is the request as read, null when it was not (refused before it was parsed). */
    RequestBodies finish(ChatRequest request) {
        BodyRedaction.Kept in = BodyRedaction.keep(request == null ? null : Json.writeString(request), maxBytes);
        BodyRedaction.Kept out = BodyRedaction.keep(answered ? response : null, maxBytes);
        return new RequestBodies(in.text(), in.truncated(), out.text(), out.truncated());
    }
}
