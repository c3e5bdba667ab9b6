package dev.caravan.format.openai;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.caravan.canonical.Json;
import dev.caravan.error.GatewayException;

/**
 * OpenAI's error shape, {@code {"error":{"message","type","param","code"}}}. All four fields are always written,
 * null or not, as OpenAI does: some clients read {@code param} and {@code code} without checking for them.
 */
public record ErrorBody(Detail error) {

    public static ErrorBody of(GatewayException e) {
        return new ErrorBody(new Detail(e.getMessage(), e.kind().type(), e.param(), e.kind().code()));
    }

    /** The error as the JSON body of a response. */
    public static byte[] json(GatewayException e) {
        return Json.write(of(e));
    }

    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Detail(String message, String type, String param, String code) {
    }
}
