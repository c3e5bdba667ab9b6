package dev.caravan.identity;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Model globs, API names and expiry of a {@link Scope}, table-driven. */
class ScopeTest {

    @ParameterizedTest(name = "{0} allows {1}: {2}")
    @CsvSource(delimiter = '|', value = {
            "anthropic/*                 | anthropic/claude-haiku-4.5 | true",
            "anthropic/*                 | openai/gpt-5               | false",
            // a glob is a whole-id match, not a search: the creator must be the one named
            "anthropic/*                 | notanthropic/claude        | false",
            "openai/gpt-5*               | openai/gpt-5               | true",
            "openai/gpt-5*               | openai/gpt-5-mini          | true",
            "openai/gpt-5*               | openai/gpt-4o              | false",
            "openai/gpt-5                | openai/gpt-5-mini          | false",
            // the dot is a literal, not a regex's any character
            "anthropic/claude-haiku-4.5  | anthropic/claude-haiku-445 | false",
            "*/*-mini                    | openai/gpt-5-mini          | true",
            "*/*-mini                    | openai/gpt-5               | false",
            "openai/gpt-5,google/*       | google/gemini-2.5-flash    | true",
            "openai/gpt-5,google/*       | mistral/mistral-large      | false"})
    void matches_model_ids_against_ids_and_globs(String patterns, String model, boolean allowed) {
        Scope scope = Scope.of(Arrays.asList(patterns.split(",")), null, null);
        assertThat(scope.allowsModel(model)).isEqualTo(allowed);
        assertThat(scope.limitsModels()).isTrue();
    }

    @Test
    void an_absent_part_limits_nothing() {
        assertThat(Scope.of(null, null, null)).isSameAs(Scope.NONE);
        assertThat(Scope.NONE.allowsModel("anything/at-all")).isTrue();
        assertThat(Scope.NONE.allowsApi("chat")).isTrue();
        assertThat(Scope.NONE.allowsApi(null)).as("a route that names no API").isTrue();
        assertThat(Scope.NONE.expired(Instant.MAX)).isFalse();
    }

    @Test
    void an_api_scope_allows_only_its_apis_and_refuses_a_route_that_names_none() {
        Scope scope = Scope.of(null, List.of("Messages", "models"), null);
        assertThat(scope.allowsApi("messages")).isTrue();
        assertThat(scope.allowsApi("chat")).isFalse();
        // fail closed: a new route that forgot its caravanApi is not open to keys limited to other APIs
        assertThat(scope.allowsApi(null)).isFalse();
    }

    @Test
    void expires_at_the_instant_given() {
        Instant at = Instant.parse("2026-12-31T23:59:59Z");
        Scope scope = Scope.of(null, null, at);
        assertThat(scope.expired(at.minusMillis(1))).isFalse();
        assertThat(scope.expired(at)).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "gpt-5                  | models",
            "openai/                | models",
            "openai/gpt-[5]         | models",
            "openai/(gpt)           | models",
            "openai/gpt 5           | models",
            "a/b/c                  | models",
            "tier/draft             | models"})
    void refuses_what_is_not_a_model_glob(String pattern, String part) {
        assertThatThrownBy(() -> Scope.of(List.of(pattern), null, null)).isInstanceOf(Scope.Invalid.class)
                .satisfies(e -> assertThat(((Scope.Invalid) e).part()).isEqualTo(part));
    }

    @Test
    void refuses_empty_lists_and_unknown_apis() {
        assertThatThrownBy(() -> Scope.of(List.of(), null, null)).isInstanceOf(Scope.Invalid.class);
        assertThatThrownBy(() -> Scope.of(null, List.of(), null)).isInstanceOf(Scope.Invalid.class);
        assertThatThrownBy(() -> Scope.of(null, List.of("speech"), null)).isInstanceOf(Scope.Invalid.class)
                .hasMessageContaining("speech").hasMessageContaining("chat");
    }

    @Test
    void a_provider_scope_allows_a_model_only_when_one_of_its_providers_serves_it() {
        Scope scope = Scope.of(List.of("acme/*"), null, null).withProviders(List.of(" beta ", "gamma"));

        assertThat(scope.providers()).containsExactly("beta", "gamma");
        assertThat(scope.allowsProvider("beta")).isTrue();
        assertThat(scope.allowsProvider("alpha")).isFalse();
        assertThat(scope.allowsModel("acme/large", List.of("alpha", "gamma"))).isTrue();
        assertThat(scope.allowsModel("acme/small", List.of("alpha"))).isFalse();
        assertThat(scope.allowsModel("other/large", List.of("beta"))).as("the model part still applies").isFalse();
        assertThat(Scope.NONE.withProviders(List.of("beta")).limitsModels()).isTrue();
        assertThat(Scope.NONE.withProviders(null)).isSameAs(Scope.NONE);
        assertThat(scope).isEqualTo(Scope.of(List.of("acme/*"), null, null).withProviders(List.of("beta", "gamma")))
                .isNotEqualTo(Scope.of(List.of("acme/*"), null, null));
    }

    @Test
    void refuses_provider_lists_that_name_no_provider_id() {
        for (List<String> bad : List.of(List.<String>of(), List.of("Beta"), List.of("beta", "../x"), List.of(""))) {
            assertThatThrownBy(() -> Scope.NONE.withProviders(bad)).isInstanceOf(Scope.Invalid.class)
                    .satisfies(e -> assertThat(((Scope.Invalid) e).part()).isEqualTo("providers"));
        }
    }
}
