package dev.caravan.serving;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every route file under routes/ against the JSON schema camel-yaml-dsl ships ({@code schema/camelYamlDsl.json}),
 * the one Kaoto and Camel's editor tooling open route files with. Camel's loader is more lenient than its schema,
 * so a route that loads can still be one those tools refuse.
 */
class RouteSchemaTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Schema CAMEL_YAML_DSL = schema();
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{[^{}]+}}");

    static Stream<Path> routeFiles() throws IOException {
        return Files.walk(Path.of("routes")).filter(p -> p.toString().endsWith(".yaml")).sorted();
    }

    @ParameterizedTest
    @MethodSource("routeFiles")
    void route_file_follows_camels_yaml_dsl_schema(Path file) throws IOException {
        List<Error> errors = CAMEL_YAML_DSL.validate(YAML.readTree(file.toFile())).stream()
                .filter(error -> !placeholderForATypedOption(error)).toList();

        assertThat(errors).as("%s against schema/camelYamlDsl.json", file).isEmpty();
    }

    /**
     * A property placeholder where the schema types an option as a number or a boolean (a circuit breaker's
     * {@code failureRateThreshold: "{{caravan.routing.circuit-breaker.failure-rate-threshold}}"}): Camel resolves it
     * before the option is read, and Kaoto shows it as a placeholder, but the schema knows only the resolved type.
     */
    static boolean placeholderForATypedOption(Error error) {
        JsonNode value = error.getInstanceNode();
        return "type".equals(error.getKeyword()) && value != null && value.isTextual()
                && PLACEHOLDER.matcher(value.asText()).matches();
    }

    @Test
    void a_placeholder_passes_only_where_it_stands_for_the_whole_value() throws IOException {
        JsonNode route = YAML.readTree("""
                - route:
                    from:
                      uri: direct:x
                      steps:
                        - circuitBreaker:
                            resilience4jConfiguration:
                              minimumNumberOfCalls: "{{calls}}"
                              slidingWindowSize: "ten"
                            steps:
                              - log: hello
                """);

        assertThat(CAMEL_YAML_DSL.validate(route).stream().filter(error -> !placeholderForATypedOption(error))
                .map(error -> error.getInstanceLocation().toString()))
                .containsExactly("/0/route/from/steps/0/circuitBreaker/resilience4jConfiguration/slidingWindowSize");
    }

    @Test
    void a_misspelt_step_is_refused_by_the_schema() throws IOException {
        JsonNode route = YAML.readTree("""
                - route:
                    from:
                      uri: direct:x
                      stepz:
                        - log: hello
                """);

        assertThat(CAMEL_YAML_DSL.validate(route)).isNotEmpty();
    }

    private static Schema schema() {
        try (InputStream in = RouteSchemaTest.class.getClassLoader().getResourceAsStream("schema/camelYamlDsl.json")) {
            assertThat(in).as("camel-yaml-dsl's schema on the classpath").isNotNull();
            return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4).getSchema(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
