package dev.caravan.usage;

import dev.caravan.canonical.Usage;
import dev.caravan.catalog.ModelEntry;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.math.BigDecimal;

import static org.assertj.core.api.Assertions.assertThat;

/** Cost from catalog prices, each row computed by hand. */
class CostTest {

    // Claude Sonnet-like prices: input 3, output 15, cache read 0.30, cache write 3.75 USD per million tokens
    private static final ModelEntry.Pricing SONNET = new ModelEntry.Pricing(3.0, 15.0, 0.30, 3.75);
    // no cache prices: cached tokens are charged as input
    private static final ModelEntry.Pricing PLAIN = new ModelEntry.Pricing(2.0, 6.0, null, null);

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            // case                         | prompt | completion | cached | write | reasoning | expected USD
            "plain                          | 1000   | 500        |        |       |           | 0.0105",
            "cached reads at their own rate | 1000   | 500        | 800    |       |           | 0.00834",
            "cache writes at their own rate | 1000   | 500        | 600    | 300   |           | 0.009105",
            "reasoning priced as output     | 10     | 30         |        |       | 25        | 0.00048"})
    void prices_each_kind_of_token_at_its_rate(String name, int prompt, int completion, Integer cached,
                                               Integer write, Integer reasoning, String expected) {
        Usage usage = Usage.of(prompt, completion, cached, write, reasoning);

        assertThat(Cost.of(SONNET, usage)).isEqualByComparingTo(new BigDecimal(expected));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "no cache price: cached as input | 1000 | 500 | 800 | 0.005"})
    void charges_input_price_for_cache_tokens_when_the_model_has_no_cache_price(String name, int prompt,
                                                                             int completion, int cached,
                                                                             String expected) {
        assertThat(Cost.of(PLAIN, Usage.of(prompt, completion, cached, null, null)))
                .isEqualByComparingTo(new BigDecimal(expected));
    }

    @ParameterizedTest(name = "missing {0}")
    @CsvSource({"pricing", "usage"})
    void is_unknown_without_prices_or_usage(String missing) {
        Usage usage = Usage.of(10, 10, null, null, null);
        assertThat(missing.equals("pricing") ? Cost.of(null, usage) : Cost.of(SONNET, null)).isNull();
    }
}
