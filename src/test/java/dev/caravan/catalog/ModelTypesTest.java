package dev.caravan.catalog;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Model types in the catalog: language by default, and checked when the catalog is read, so that an embedding or
 * image model offered by a provider whose format has no such API stops the start-up instead of failing requests.
 */
class ModelTypesTest {

    private static final String PROVIDERS = """
            providers:
              openai: { format: openai, base-url: "http://127.0.0.1:1/v1" }
              anthropic: { format: anthropic, base-url: "http://127.0.0.1:1" }
            models:
            """;

    @Test
    void a_model_without_a_type_is_a_language_model_and_the_shipped_catalog_reads() throws IOException {
        ModelCatalog catalog = read(PROVIDERS + """
                  - { id: acme/chat, providers: [ { provider: openai, model: chat } ] }
                  - { id: acme/embed, type: embedding, providers: [ { provider: openai, model: embed } ] }
                """);

        assertThat(catalog.model("acme/chat").orElseThrow().type()).isEqualTo(ModelEntry.LANGUAGE);
        assertThat(catalog.model("acme/embed").orElseThrow().type()).isEqualTo(ModelEntry.EMBEDDING);
        try (var shipped = ModelTypesTest.class.getResourceAsStream("/catalog.yaml")) {
            assertThat(ModelCatalog.read(shipped).model("openai/text-embedding-3-small").orElseThrow().type())
                    .isEqualTo(ModelEntry.EMBEDDING);
        }
    }

    @Test
    void refuses_an_embedding_model_on_anthropic_and_an_unknown_type() {
        assertThatThrownBy(() -> read(PROVIDERS + """
                  - { id: acme/embed, type: embedding, providers: [ { provider: anthropic, model: e } ] }
                  - { id: acme/speech, type: speech, providers: [ { provider: openai, model: s } ] }
                """))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("acme/embed is an embedding model, which provider 'anthropic'")
                .hasMessageContaining("acme/speech has type 'speech'");
    }

    private static ModelCatalog read(String yaml) throws IOException {
        return ModelCatalog.read(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)));
    }
}
