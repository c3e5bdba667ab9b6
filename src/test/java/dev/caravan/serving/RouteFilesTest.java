package dev.caravan.serving;

import org.apache.camel.spi.Resource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Which route files run: the packaged ones, each replaced by the directory's file of its name, plus the others. */
class RouteFilesTest {

    @TempDir
    Path directory;

    @Test
    void every_shipped_route_file_is_packaged_once_by_its_name() throws IOException {
        List<String> shipped;
        try (Stream<Path> walk = Files.walk(Path.of("routes"))) {
            shipped = walk.filter(p -> p.toString().endsWith(".yaml")).map(p -> p.getFileName().toString()).toList();
        }

        Map<String, Resource> packaged = RouteFiles.packaged();

        assertThat(packaged.keySet()).containsExactlyInAnyOrderElementsOf(shipped);
        assertThat(packaged.get("classify.yaml").getLocation()).isEqualTo("classpath:routes/tiers/classify.yaml");
    }

    @Test
    void a_missing_directory_runs_the_packaged_routes_alone() {
        assertThat(locations(RouteFiles.resolve(directory.resolve("absent"))))
                .hasSize(RouteFiles.packaged().size()).allMatch(location -> location.startsWith("classpath:routes/"));
    }

    @Test
    void a_file_replaces_the_packaged_one_of_its_name_in_any_folder_and_other_files_are_added() throws IOException {
        Files.createDirectories(directory.resolve("tiers"));
        Path nested = Files.writeString(directory.resolve("tiers/classify.yaml"), "[]");
        Path flat = Files.writeString(directory.resolve("draft.yaml"), "[]");
        Path added = Files.writeString(directory.resolve("summarise.yaml"), "[]");

        List<String> locations = locations(RouteFiles.resolve(directory));

        assertThat(locations).hasSize(RouteFiles.packaged().size() + 1)
                .contains("file:" + nested, "file:" + flat, "file:" + added)
                .doesNotContain("classpath:routes/tiers/classify.yaml", "classpath:routes/tiers/draft.yaml");
    }

    @Test
    void the_kubelets_hidden_copies_in_a_config_map_mount_are_not_route_files() throws IOException {
        Path data = Files.createDirectories(directory.resolve("..2026_12_03_15_00_00.123"));
        Files.writeString(data.resolve("draft.yaml"), "[]");
        Path visible = Files.writeString(directory.resolve("draft.yaml"), "[]");

        assertThat(RouteFiles.directoryFiles(directory)).containsExactly(Map.entry("draft.yaml", visible));
    }

    @Test
    void two_files_of_one_name_are_refused_naming_both() throws IOException {
        Files.createDirectories(directory.resolve("a"));
        Files.writeString(directory.resolve("a/draft.yaml"), "[]");
        Files.writeString(directory.resolve("draft.yaml"), "[]");

        assertThatThrownBy(() -> RouteFiles.resolve(directory)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("two route files are named draft.yaml")
                .hasMessageContaining(directory.resolve("a/draft.yaml").toString());
    }

    private static List<String> locations(List<Resource> resources) {
        return resources.stream().map(Resource::getLocation).toList();
    }
}
