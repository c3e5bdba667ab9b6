package dev.caravan.format.anthropic;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The ids Claude Code and the Anthropic SDKs send, resolved against catalog ids (those of catalog.yaml and more). */
class MessagesModelIdsTest {

    private static final Set<String> CATALOG = Set.of("anthropic/claude-sonnet-4.6", "anthropic/claude-haiku-4.5",
            "anthropic/claude-sonnet-4.5", "anthropic/claude-opus-4.1", "anthropic/claude-3.5-haiku",
            "anthropic/claude-sonnet-4", "openai/gpt-5-mini");

    @ParameterizedTest
    @CsvSource(nullValues = "none", value = {
            "anthropic/claude-sonnet-4.6,    anthropic/claude-sonnet-4.6",
            "openai/gpt-5-mini,              openai/gpt-5-mini",
            "claude-sonnet-4-6,              anthropic/claude-sonnet-4.6",
            "claude-haiku-4-5,               anthropic/claude-haiku-4.5",
            "claude-haiku-4-5-20251001,      anthropic/claude-haiku-4.5",
            "claude-sonnet-4-5-20250929,     anthropic/claude-sonnet-4.5",
            "claude-opus-4-1-20250805,       anthropic/claude-opus-4.1",
            "claude-3-5-haiku-latest,        anthropic/claude-3.5-haiku",
            "claude-3-5-haiku-20241022,      anthropic/claude-3.5-haiku",
            "claude-sonnet-4-20250514,       anthropic/claude-sonnet-4",
            "claude-sonnet-4-0,              none",
            "anthropic/claude-sonnet-4-6,    anthropic/claude-sonnet-4.6",
            "claude-opus-4-6,                none",
            "gpt-5-mini,                     none",
            "'',                             none",
    })
    void resolves_anthropic_model_ids_to_catalog_ids(String requested, String expected) {
        assertThat(MessagesModelIds.resolve(requested, CATALOG)).isEqualTo(Optional.ofNullable(expected));
    }
}
