package dev.caravan.accounting;

import dev.caravan.error.ErrorKind;
import dev.caravan.usage.UsageRecord;

/**
 * A request as its meter settled it, for what observes settled requests ({@link SettlementListener}): its usage
 * record and what the record does not keep.
 *
 * @param record        the request's one usage record, as it was handed to the usage sink
 * @param api           the inbound API it came through, named by its route ({@code chat-completions},
 *                      {@code messages}, {@code responses}; the route id without its {@code api-} prefix)
 * @param errorKind     the error it ended with, or null (answered, or left by its client)
 * @param durationNanos from its arrival to its last byte
 * @param ttftNanos     from its arrival to the first token a stream sent; 0 when none was sent (or not a stream)
 * @param overheadNanos the gateway's own time: its time to the response head less the time it waited on providers
 *                      ({@link RequestMeter#committed}); 0 when the head went out before it was measured
 */
public record SettledRequest(UsageRecord record, String api, ErrorKind errorKind, long durationNanos,
                             long ttftNanos, long overheadNanos) {
}
