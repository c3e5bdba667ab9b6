package dev.caravan.format;

import dev.caravan.canonical.ChatCompletion;

/**
 * A provider's whole answer to a passed-through request ({@link PassThrough}): its bytes, for the client, and what
 * the format's reader made of them, for the usage record and the cost.
 */
public record VerbatimAnswer(byte[] body, ChatCompletion completion) {
}
