package dev.caravan.routing;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A tier's route parameters are checked before it serves: a tier no request could be served by is refused. */
class TierParametersTest {

    private static Map<String, Object> parameters(String name, String models, String maxTokens) {
        Map<String, Object> parameters = new HashMap<>();
        parameters.put("name", name);
        parameters.put("models", models);
        if (maxTokens != null) {
            parameters.put("maxTokens", maxTokens);
        }
        return parameters;
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "null", textBlock = """
            draft     | anthropic/claude-haiku-4.5, openai/gpt-5-mini | 4096 | 4096
            classify  | google/gemini-2.5-flash                       | null | null
            """)
    void accepts_a_plain_name_catalog_models_and_a_positive_cap(String name, String models, String maxTokens,
                                                                Integer cap) {
        TierRegistry.Tier tier = TierRegistry.Tier.of(parameters(name, models, maxTokens));

        assertThat(tier.name()).isEqualTo(name);
        assertThat(tier.models()).isEqualTo(List.of(models.split(",\\s*")));
        assertThat(tier.maxTokens()).isEqualTo(cap);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "null", textBlock = """
            draft     | openai/gpt-5-mini      | lots | maxTokens must be a positive whole number
            draft     | openai/gpt-5-mini      | 0    | maxTokens must be a positive whole number
            draft     | openai/gpt-5-mini      | 1.5  | maxTokens must be a positive whole number
            draft     | ' , '                  | 100  | needs at least one model
            Draft!    | openai/gpt-5-mini      | 100  | plain lower-case name
            """)
    void refuses_what_no_request_could_be_served_by(String name, String models, String maxTokens, String why) {
        assertThatThrownBy(() -> TierRegistry.Tier.of(parameters(name, models, maxTokens)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(why);
    }
}
