package dev.caravan.usage;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;

/**
 * One group of {@code GET /v1/report}, in Vercel's shape: the group under its dimension's name ({@code "model":
 * "openai/gpt-5"}), then the sums. {@code input_tokens} counts every prompt token, cached reads and cache writes
 * included (OpenAI's convention, as in the usage of a response); {@code market_cost} equals {@code total_cost}, as
 * Caravan charges catalog prices without a markup. {@code shadow_request_count} and {@code shadow_cost} are the part
 * of the group's figures that shadow copies made (routes/chains/shadow.yaml; zero without them), which
 * {@code group_by=traffic} shows as groups of their own.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ReportRow(
        @JsonIgnore GroupBy groupBy,
        @JsonIgnore String group,
        BigDecimal totalCost,
        BigDecimal marketCost,
        long inputTokens,
        long outputTokens,
        long cachedInputTokens,
        long cacheCreationInputTokens,
        long reasoningTokens,
        long requestCount,
        long shadowRequestCount,
        BigDecimal shadowCost) {

    /** The group's field; null (a request with no user, no tag, ...) is written as null, not left out. */
    @JsonAnyGetter
    @JsonInclude(value = JsonInclude.Include.ALWAYS, content = JsonInclude.Include.ALWAYS)
    public Map<String, Object> groupField() {
        Map<String, Object> field = new HashMap<>();
        field.put(groupBy.field(), group);
        return field;
    }
}
