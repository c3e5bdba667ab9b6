package dev.caravan.canonical;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.LinkedHashMap;
import java.util.Map;

/** One part of a message: {@code text}, {@code image_url}, or another type kept whole in {@link #extra}. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ContentPart(
        String type,
        String text,
        ImageUrl imageUrl,
        @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) {

    public ContentPart {
        extra = extra == null ? new LinkedHashMap<>() : extra;
    }

    public static ContentPart text(String text) {
        return new ContentPart("text", text, null, null);
    }

    /** {@code url} is an http(s) URL or a {@code data:<media type>;base64,<data>} URL. */
    public record ImageUrl(String url, String detail) {

        @JsonIgnore // a bean-style name: without this Jackson would send "data": false to the provider
        public boolean isData() {
            return url != null && url.startsWith("data:");
        }

        /** The media type of a data URL, e.g. {@code image/png}. */
        public String mediaType() {
            int semi = url.indexOf(';');
            return semi > 5 ? url.substring(5, semi) : "application/octet-stream";
        }

        /** The base64 payload of a data URL. */
        public String base64Data() {
            return url.substring(url.indexOf(',') + 1);
        }
    }
}
