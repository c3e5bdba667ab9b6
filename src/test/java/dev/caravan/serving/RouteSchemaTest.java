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

    static Stream<Path> routeFiles() throws IOException {
        return Files.walk(Path.of("routes")).filter(p -> p.toString().endsWith(".yaml")).sorted();
    }

    @ParameterizedTest
    @MethodSource("routeFiles")
    void route_file_follows_camels_yaml_dsl_schema(Path file) throws IOException {
        List<Error> errors = CAMEL_YAML_DSL.validate(YAML.readTree(file.toFile()));

        assertThat(errors).as("%s against schema/camelYamlDsl.json", file).isEmpty();
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
