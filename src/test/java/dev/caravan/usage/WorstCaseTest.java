package dev.caravan.usage;

import dev.caravan.canonical.ChatRequest;
import dev.caravan.canonical.Json;
import dev.caravan.catalog.ModelEntry;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Worst cases and generation ids, with figures computed by hand. */
class WorstCaseTest {

    private static final ModelEntry.Pricing SONNET = new ModelEntry.Pricing(3.00, 15.00, 0.30, 3.75);

    private static ChatRequest request(String extra) {
        return Json.read("{\"model\":\"a/b\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]" + extra + "}",
                ChatRequest.class);
    }

    private static ModelEntry model(Integer window, Integer maxOutput) {
        return new ModelEntry("a/b", null, window, maxOutput, List.of(), SONNET, List.of());
    }

    @Test
    void prices_input_at_the_dearer_of_input_and_cache_write_and_output_at_the_output_price() {
        // 1,000 x 3.75 + 2,000 x 15 = 33,750 micro-dollars
        assertThat(WorstCase.cost(SONNET, 1_000, 2_000)).isEqualByComparingTo("0.03375");
        assertThat(WorstCase.cost(new ModelEntry.Pricing(null, null, null, null), 1_000, 2_000)).isZero();
    }

    @Test
    void caps_output_at_the_models_limit_then_what_the_window_leaves() {
        assertThat(WorstCase.outputCap(model(200_000, 64_000), 10)).isEqualTo(64_000);
        assertThat(WorstCase.outputCap(model(8_000, null), 1_000)).isEqualTo(7_000);
        assertThat(WorstCase.outputCap(model(null, null), 1_000)).isEqualTo(WorstCase.UNKNOWN_OUTPUT_CAP);
    }

    @Test
    void bounds_input_above_the_o200k_count_and_counts_an_image_without_its_base64() {
        ChatRequest text = request("");
        ChatRequest image = Json.read("{\"model\":\"a/b\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":"
                + "\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64," + "A".repeat(100_000)
                + "\"}}]}]}", ChatRequest.class);

        assertThat(TokenCount.inputUpperBound(text)).isGreaterThan(TokenCount.input(text));
        assertThat(TokenCount.input(image)).isEqualTo(4 + 2_000);
    }

    @Test
    void generation_ids_are_ulids_that_sort_by_time() {
        String earlier = GenerationIds.next(1_700_000_000_000L, -1L, -1);
        String later = GenerationIds.next(1_700_000_000_001L, 0L, 0);

        assertThat(earlier).matches("gen_[0-9A-HJKMNP-TV-Z]{26}");
        assertThat(later).isGreaterThan(earlier);
        assertThat(GenerationIds.next()).isNotEqualTo(GenerationIds.next());
    }
}
