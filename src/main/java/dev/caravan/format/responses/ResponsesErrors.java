package dev.caravan.format.responses;

import dev.caravan.error.GatewayException;
import dev.caravan.format.openai.ErrorBody;
import dev.caravan.format.responses.ResponsesWire.StreamEvent;

/**
 * Errors on the Responses API. A failed request's body has the same shape as on Chat Completions,
 * {@code {"error":{"message","type","param","code"}}} (OpenAI's API reference and the SDKs' error classes read it
 * there on both APIs), so the route writes {@link ErrorBody} with the usual status codes. Only a
 * failure after the stream began differs: it is a typed {@code error} event carrying code, message and param at the
 * top level, and the error object beside them, which the SDKs raise as an error.
 */
public final class ResponsesErrors {

    private ResponsesErrors() {
    }

    /**
     * The {@code error} stream event for {@code e}: OpenAI's error object, its fields also at the top level where
     * the typed event has them. The message is client-safe by {@link GatewayException}'s contract.
     */
    static StreamEvent streamError(GatewayException e, long sequence) {
        return StreamEvent.error(sequence, ErrorBody.of(e).error());
    }

    /**
     * The 400 for a request that continues an earlier response, for a route that does not keep responses: the
     * client can always send the whole conversation instead, as it must with {@code store: false}.
     */
    public static GatewayException previousResponseNotKept() {
        return GatewayException.invalid("'previous_response_id' refers to a stored response, and this gateway does "
                + "not keep responses (store is not supported); send the whole conversation in 'input' instead.",
                "previous_response_id");
    }
}
