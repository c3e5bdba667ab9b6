package dev.caravan.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Kubernetes manifests in camel-k/ against the gateway they deploy: every manifest is well-formed, every file a
 * kustomization names exists, every route under routes/ is shipped in the routes ConfigMap and mounted where
 * {@code caravan.routes.directory} points, and the Secret template holds exactly the variables the gateway
 * reads, for every provider the routes and the catalog reach, with no real key in it.
 */
class CamelKManifestsTest {

    private static final Path CAMEL_K = Path.of("camel-k");
    private static final Path ROUTES = Path.of("routes");
    private static final Path APPLICATION_YAML = Path.of("src/main/resources/application.yaml");
    private static final Path CATALOG = Path.of("src/main/resources/catalog.yaml");
    private static final Path DOCKERFILE = CAMEL_K.resolve("Dockerfile");
    private static final Path SECRET_EXAMPLE = CAMEL_K.resolve("secret.example.yaml");
    private static final Path WORKLOAD_IDENTITY = CAMEL_K.resolve("workload-identity");

    private static final String ROUTES_CONFIG_MAP = "caravan-routes";
    private static final String CATALOG_CONFIG_MAP = "caravan-catalog";
    private static final String GATEWAY_KEY_VARIABLE = "AI_GATEWAY_API_KEY";
    private static final String ADMIN_KEY_VARIABLE = "CARAVAN_ADMIN_KEY";
    private static final Set<String> STORE_VARIABLES = Set.of("SPRING_DATASOURCE_URL", "SPRING_DATASOURCE_USERNAME",
            "SPRING_DATASOURCE_PASSWORD", "CARAVAN_REDIS_URL");

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern PROVIDER_PLACEHOLDER = Pattern.compile("\\{\\{caravan\\.providers\\.([A-Za-z0-9_-]+)\\.base-url}}");
    /** One dot only: Camel takes everything after a file name's first dot as its DSL extension. */
    private static final Pattern ROUTE_KEY = Pattern.compile("[A-Za-z0-9_-]+\\.yaml");
    private static final Pattern KNOWN_KEY_SHAPE = Pattern.compile(
            "^(sk-|sk_|AIza|xai-|gsk_|hf_|ghp_|github_pat_|AKIA|ya29\\.)[A-Za-z0-9_.-]{16,}");
    private static final Pattern OPAQUE_TOKEN = Pattern.compile("[A-Za-z0-9_.+/=-]{20,}");

    /** One YAML document of a file in camel-k/. */
    record Manifest(Path file, int index, JsonNode node) {
        String kind() {
            return node.path("kind").asText();
        }

        String name() {
            return node.path("metadata").path("name").asText();
        }

        @Override
        public String toString() {
            return file + "#" + index + " (" + kind() + " " + name() + ")";
        }
    }

    @Test
    void everyManifestHasAnApiVersionAKindAndAName() throws IOException {
        List<Manifest> manifests = manifests();

        assertThat(manifests).isNotEmpty();
        for (Manifest manifest : manifests) {
            assertThat(manifest.node().isObject()).as("%s is a mapping", manifest).isTrue();
            assertThat(manifest.node().path("apiVersion").asText()).as("apiVersion of %s", manifest).isNotBlank();
            assertThat(manifest.kind()).as("kind of %s", manifest).isNotBlank();
            assertThat(manifest.name()).as("metadata.name of %s", manifest).isNotBlank();
        }
        assertThat(manifests).extracting(Manifest::kind)
                .contains("Kustomization", "Deployment", "Service", "Secret", "Integration");
    }

    @Test
    void everyFileAKustomizationNamesExists() throws IOException {
        List<Manifest> kustomizations = ofKind("Kustomization");

        assertThat(kustomizations).extracting(k -> k.file().normalize())
                .contains(CAMEL_K.resolve("kustomization.yaml"), CAMEL_K.resolve("integration/kustomization.yaml"));
        for (Manifest kustomization : kustomizations) {
            Path dir = kustomization.file().getParent();
            List<String> referenced = new ArrayList<>();
            texts(kustomization.node().path("resources")).forEach(referenced::add);
            texts(kustomization.node().path("components")).forEach(referenced::add);
            for (String generators : List.of("configMapGenerator", "secretGenerator")) {
                for (JsonNode generator : kustomization.node().path(generators)) {
                    texts(generator.path("files")).map(CamelKManifestsTest::sourceOf).forEach(referenced::add);
                    texts(generator.path("envs")).forEach(referenced::add);
                }
            }
            for (JsonNode patch : kustomization.node().path("patches")) {
                if (patch.hasNonNull("path")) {
                    referenced.add(patch.get("path").asText());
                }
            }
            assertThat(referenced).as("files named by %s", kustomization).isNotEmpty();
            for (String reference : referenced) {
                assertThat(dir.resolve(reference)).as("%s, named by %s", reference, kustomization).exists();
            }
        }
    }

    @Test
    void everyRouteFileIsPackagedIntoTheRoutesConfigMap() throws IOException {
        Set<Path> routeFiles = routeFiles();
        assertThat(routeFiles).as("route files under %s", ROUTES).isNotEmpty();

        List<Manifest> packaging = kustomizationsGenerating(ROUTES_CONFIG_MAP);
        assertThat(packaging).as("kustomizations generating %s", ROUTES_CONFIG_MAP).hasSize(2);
        for (Manifest kustomization : packaging) {
            Map<String, Path> packaged = generatedFiles(kustomization, ROUTES_CONFIG_MAP);

            assertThat(new TreeSet<>(packaged.values()))
                    .as("the route files %s packages into %s: one entry per file under %s, none for a file that is "
                            + "gone", kustomization, ROUTES_CONFIG_MAP, ROUTES)
                    .containsExactlyInAnyOrderElementsOf(routeFiles);
            assertThat(packaged.keySet()).as("ConfigMap keys of %s", kustomization)
                    .allSatisfy(key -> assertThat(key).matches(ROUTE_KEY));
        }
    }

    @Test
    void theRoutesAreMountedWhereTheGatewayLooksForThem() throws IOException {
        String routesDir = routesDirectory();
        String workDir = dockerfileWorkdir();

        JsonNode container = deploymentContainer();
        assertThat(container.path("workingDir").asText()).as("the Deployment's working directory").isEqualTo(workDir);
        assertThat(mountPathOf(ROUTES_CONFIG_MAP)).as("where the Deployment mounts %s", ROUTES_CONFIG_MAP)
                .isEqualTo(workDir + "/" + routesDir);

        JsonNode integration = integration();
        assertThat(integrationContainer(integration).path("workingDir").asText())
                .as("the Integration's working directory").isEqualTo(workDir);
        assertThat(texts(integration.path("spec").path("traits").path("mount").path("resources")).toList())
                .as("the Integration's mount.resources")
                .contains("configmap:" + ROUTES_CONFIG_MAP + "@" + workDir + "/" + routesDir);
        assertThat(integration.path("spec").path("traits").path("mount").path("hotReload").asBoolean())
                .as("the Integration redeploys when its routes change").isTrue();
        Manifest camelK = kustomizationsGenerating(ROUTES_CONFIG_MAP).stream()
                .filter(k -> k.file().startsWith(CAMEL_K.resolve("integration"))).findFirst().orElseThrow();
        assertThat(camelK.node().path("generatorOptions").path("disableNameSuffixHash").asBoolean())
                .as("%s keeps the ConfigMap names the Integration's trait strings use", camelK).isTrue();
        assertThat(camelK.node().path("generatorOptions").path("labels").path("camel.apache.org/integration").asText())
                .as("the label hotReload watches").isEqualTo(integration.path("metadata").path("name").asText());
    }

    @Test
    void theCatalogIsMountedWhereCaravanCatalogPointsTo() throws IOException {
        Map<String, Path> packaged = generatedFiles(ofKind("Kustomization").stream()
                .filter(k -> k.file().normalize().equals(CAMEL_K.resolve("kustomization.yaml"))).findFirst()
                .orElseThrow(), CATALOG_CONFIG_MAP);
        assertThat(packaged.values()).containsExactly(CATALOG.normalize());
        String expected = "file:" + mountPathOf(CATALOG_CONFIG_MAP) + "/" + packaged.keySet().iterator().next();

        assertThat(envValue(deploymentContainer(), "CARAVAN_CATALOG")).isEqualTo(expected);
        JsonNode traits = integration().path("spec").path("traits");
        assertThat(texts(traits.path("environment").path("vars")).toList()).contains("CARAVAN_CATALOG=" + expected);
        assertThat(texts(traits.path("mount").path("resources")).toList())
                .contains("configmap:" + CATALOG_CONFIG_MAP + "@" + mountPathOf(CATALOG_CONFIG_MAP));
    }

    @Test
    void theSecretHoldsOnlyVariablesTheGatewayReadsAndNoRealKey() throws IOException {
        Set<String> read = variablesTheGatewayReads();
        List<Manifest> secrets = ofKind("Secret");
        assertThat(secrets).isNotEmpty();

        for (Manifest secret : secrets) {
            Map<String, String> values = secretValues(secret);
            assertThat(values).as("%s", secret).isNotEmpty();
            assertThat(values.keySet()).as("variables in %s that the gateway never reads", secret)
                    .isSubsetOf(read);
            values.forEach((name, value) -> assertThat(looksLikeRealKey(value))
                    .as("%s in %s holds what looks like a real key or credential; templates hold placeholders only",
                            name, secret)
                    .isFalse());
        }
    }

    @Test
    void everyProviderTheGatewayReachesHasItsVariablesInTheSecretExample() throws IOException {
        Set<String> providers = new TreeSet<>(providersInPlaceholders());
        assertThat(providers).as("providers the routes reach through {{caravan.providers.<name>.base-url}}")
                .isNotEmpty();
        providers.addAll(catalogProviders());

        Set<String> example = secretValues(ofKind("Secret").stream()
                .filter(s -> s.file().normalize().equals(SECRET_EXAMPLE)).findFirst().orElseThrow()).keySet();
        assertThat(example).contains(GATEWAY_KEY_VARIABLE, ADMIN_KEY_VARIABLE).containsAll(STORE_VARIABLES);
        for (String provider : providers) {
            assertThat(example).as("%s needs the variables of provider %s", SECRET_EXAMPLE, provider)
                    .contains(prefix(provider) + "_API_KEY", prefix(provider) + "_BASE_URL");
        }
    }

    @Test
    void bothVariantsLoadTheSecretAsEnvironmentAndNeverApplyTheTemplate() throws IOException {
        String secretName = ofKind("Secret").stream().filter(s -> s.file().normalize().equals(SECRET_EXAMPLE))
                .findFirst().orElseThrow().name();

        assertThat(secretRefs(deploymentContainer())).as("the Deployment's envFrom").containsExactly(secretName);
        assertThat(secretRefs(integrationContainer(integration()))).as("the Integration's envFrom")
                .containsExactly(secretName);

        // keys come from the Secret only, never as literal env values
        Set<String> read = variablesTheGatewayReads();
        for (JsonNode env : deploymentContainer().path("env")) {
            assertThat(read).as("the Deployment sets %s inline", env.path("name").asText())
                    .doesNotContain(env.path("name").asText());
        }
        for (String variable : texts(integration().path("spec").path("traits").path("environment").path("vars"))
                .toList()) {
            assertThat(read).as("the Integration sets %s inline", variable)
                    .doesNotContain(variable.substring(0, variable.indexOf('=')));
        }
        // re-applying a kustomization must not overwrite the real Secret with the template's empty values
        for (Manifest kustomization : ofKind("Kustomization")) {
            for (String resource : texts(kustomization.node().path("resources")).toList()) {
                assertThat(kustomization.file().getParent().resolve(resource).normalize())
                        .as("%s applies the Secret template", kustomization).isNotEqualTo(SECRET_EXAMPLE);
            }
        }
    }

    @Test
    void bothVariantsProbeTheHealthGroupsAndAsk2CoresAnd1Gi() throws IOException {
        JsonNode container = deploymentContainer();
        JsonNode integrationContainer = integrationContainer(integration());
        Map<String, String> paths = Map.of("startupProbe", "/actuator/health/liveness",
                "readinessProbe", "/actuator/health/readiness", "livenessProbe", "/actuator/health/liveness");
        // plain /actuator/health goes 503 when every provider is out, which must neither restart nor unready a pod
        paths.forEach((probe, path) -> {
            assertThat(container.path(probe).path("httpGet").path("path").asText()).as("Deployment %s", probe)
                    .isEqualTo(path);
            assertThat(integrationContainer.path(probe).path("httpGet").path("path").asText())
                    .as("Integration %s", probe).isEqualTo(path);
        });
        JsonNode resources = container.path("resources");
        for (String bound : List.of("requests", "limits")) {
            assertThat(resources.path(bound).path("cpu").asText()).as("Deployment cpu %s", bound).isEqualTo("2");
            assertThat(resources.path(bound).path("memory").asText()).as("Deployment memory %s", bound)
                    .isEqualTo("1Gi");
        }
        JsonNode traitContainer = integration().path("spec").path("traits").path("container");
        assertThat(traitContainer.path("requestCPU").asText()).isEqualTo("2");
        assertThat(traitContainer.path("limitCPU").asText()).isEqualTo("2");
        assertThat(traitContainer.path("requestMemory").asText()).isEqualTo("1Gi");
        assertThat(traitContainer.path("limitMemory").asText()).isEqualTo("1Gi");
        assertThat(integration().path("spec").path("traits").path("health").path("enabled").asBoolean(true))
                .as("the health trait probes an endpoint a Spring Boot image does not have").isFalse();
    }

    @Test
    void theRealKeyDetectorCatchesKeysAndLetsPlaceholdersThrough() {
        assertThat(looksLikeRealKey("sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv")).isTrue();
        assertThat(looksLikeRealKey("sk-ant-api03-Ab3dEf6hIj9kLm2nOp5qRs8t")).isTrue();
        assertThat(looksLikeRealKey("AIzaSyA1b2C3d4E5f6G7h8I9j0KlMnOpQrStU")).isTrue();
        assertThat(looksLikeRealKey("cvn-test-gateway-key-0123456789")).isTrue();
        assertThat(looksLikeRealKey("https://user:s3cret@proxy.example.com/v1")).isTrue();

        assertThat(looksLikeRealKey("")).isFalse();
        assertThat(looksLikeRealKey("<your OpenAI API key>")).isFalse();
        assertThat(looksLikeRealKey("REPLACE_ME")).isFalse();
        assertThat(looksLikeRealKey("https://api.mistral.ai/v1")).isFalse();
        assertThat(looksLikeRealKey("http://vllm.inference.svc.cluster.local:8000/v1")).isFalse();
    }

    // ---- the gateway's side

    /** The route files, as the gateway loads them: every .yaml file under routes/. */
    private static Set<Path> routeFiles() throws IOException {
        try (Stream<Path> files = Files.walk(ROUTES)) {
            return files.filter(Files::isRegularFile).filter(f -> f.getFileName().toString().endsWith(".yaml"))
                    .map(Path::normalize).collect(TreeSet::new, Set::add, Set::addAll);
        }
    }

    /** The directory whose route files replace the packaged ones ({@code caravan.routes.directory}), relative. */
    private static String routesDirectory() throws IOException {
        String dir = YAML.readTree(APPLICATION_YAML.toFile()).at("/caravan/routes/directory").asText();
        assertThat(dir).as("caravan.routes.directory").isNotBlank();
        assertThat(dir).as("the routes directory is relative to the working directory").doesNotStartWith("/");
        return dir.replaceAll("/+$", "");
    }

    /** Providers named by {@code {{caravan.providers.<name>.base-url}}} in the routes and application.yaml. */
    private static Set<String> providersInPlaceholders() throws IOException {
        Set<String> providers = new TreeSet<>();
        List<Path> sources = new ArrayList<>(routeFiles());
        sources.add(APPLICATION_YAML);
        for (Path source : sources) {
            Matcher matcher = PROVIDER_PLACEHOLDER.matcher(Files.readString(source, StandardCharsets.UTF_8));
            while (matcher.find()) {
                providers.add(matcher.group(1));
            }
        }
        return providers;
    }

    private static Set<String> catalogProviders() throws IOException {
        Set<String> providers = new TreeSet<>();
        YAML.readTree(CATALOG.toFile()).path("providers").fieldNames().forEachRemaining(providers::add);
        assertThat(providers).as("providers in %s", CATALOG).isNotEmpty();
        return providers;
    }

    /**
     * What dev.caravan reads from the environment: the gateway key, the admin key and, per provider, its key and
     * base URL.
     */
    private static Set<String> variablesTheGatewayReads() throws IOException {
        Set<String> providers = new TreeSet<>(catalogProviders());
        providers.addAll(providersInPlaceholders());
        Set<String> variables = new TreeSet<>(Set.of(GATEWAY_KEY_VARIABLE, ADMIN_KEY_VARIABLE));
        // the shared stores, read by Spring Boot (datasource) and RedisProperties (caravan.redis.url)
        variables.addAll(STORE_VARIABLES);
        for (String provider : providers) {
            variables.add(prefix(provider) + "_API_KEY");
            variables.add(prefix(provider) + "_BASE_URL");
        }
        return variables;
    }

    /** As dev.caravan.routing.ProviderRegistry spells a provider's environment variables. */
    private static String prefix(String provider) {
        return provider.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    private static String dockerfileWorkdir() throws IOException {
        List<String> workdirs = Files.readAllLines(DOCKERFILE).stream().map(String::strip)
                .filter(line -> line.startsWith("WORKDIR ")).map(line -> line.substring("WORKDIR ".length()).strip())
                .toList();
        assertThat(workdirs).as("WORKDIR in %s", DOCKERFILE).hasSize(1);
        return workdirs.get(0);
    }

    static boolean looksLikeRealKey(String value) {
        String v = value.strip();
        if (v.isEmpty()) {
            return false;
        }
        if (KNOWN_KEY_SHAPE.matcher(v).find()) {
            return true;
        }
        if (v.contains("://")) {
            // a URL is fine, unless it carries credentials
            try {
                return URI.create(v).getUserInfo() != null;
            } catch (IllegalArgumentException e) {
                return true;
            }
        }
        return OPAQUE_TOKEN.matcher(v).matches() && v.chars().anyMatch(Character::isDigit)
                && v.chars().anyMatch(Character::isLetter);
    }

    @Test
    void theWorkloadIdentityClientAsksForTheAudienceTheGatewaysIssuerSettingAccepts() throws IOException {
        List<Manifest> deployments = ofKind("Deployment").stream()
                .filter(m -> m.file().startsWith(WORKLOAD_IDENTITY)).toList();
        JsonNode gateway = deployments.stream().filter(m -> m.name().equals("caravan")).findFirst().orElseThrow()
                .node().path("spec").path("template").path("spec").path("containers").get(0);
        JsonNode client = deployments.stream().filter(m -> !m.name().equals("caravan")).findFirst().orElseThrow()
                .node().path("spec").path("template").path("spec");

        Map<String, String> env = new LinkedHashMap<>();
        gateway.path("env").forEach(e -> env.put(e.path("name").asText(), e.path("value").asText()));
        // every variable binds to a field of dev.caravan.auth.oidc.OidcProperties.Issuer (relaxed binding drops '-')
        Set<String> fields = new TreeSet<>();
        for (var component : dev.caravan.auth.oidc.OidcProperties.Issuer.class.getRecordComponents()) {
            fields.add(component.getName().toUpperCase(Locale.ROOT));
        }
        for (String name : env.keySet()) {
            assertThat(name).startsWith("CARAVAN_AUTH_OIDC_ISSUERS_0_");
            assertThat(fields).as(name).contains(name.substring("CARAVAN_AUTH_OIDC_ISSUERS_0_".length())
                    .replaceAll("_\\d+$", ""));
        }
        String audience = env.get("CARAVAN_AUTH_OIDC_ISSUERS_0_AUDIENCES_0");
        assertThat(audience).isNotBlank();
        assertThat(env.get("CARAVAN_AUTH_OIDC_ISSUERS_0_PROJECTCLAIM")).isEqualTo("kubernetes.io/namespace");

        JsonNode token = client.path("volumes").get(0).path("projected").path("sources").get(0)
                .path("serviceAccountToken");
        assertThat(token.path("audience").asText()).as("the projected token's audience").isEqualTo(audience);
        String mountedAt = client.path("containers").get(0).path("volumeMounts").get(0).path("mountPath").asText();
        assertThat(client.path("containers").get(0).path("args").get(0).asText())
                .as("the client sends the mounted token").contains("cat " + mountedAt + "/" + token.path("path").asText());
        assertThat(client.path("automountServiceAccountToken").asBoolean(true))
                .as("the API server's token is not mounted for a client that must not send it").isFalse();
    }

    // ---- the manifests' side

    private static List<Manifest> manifests() throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(CAMEL_K)) {
            files = walk.filter(Files::isRegularFile)
                    .filter(f -> f.getFileName().toString().matches(".*\\.ya?ml"))
                    .sorted().toList();
        }
        List<Manifest> manifests = new ArrayList<>();
        for (Path file : files) {
            try (MappingIterator<JsonNode> documents = YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
                int index = 0;
                while (documents.hasNextValue()) {
                    JsonNode document = documents.nextValue();
                    if (document != null && !document.isNull() && !document.isMissingNode()) {
                        manifests.add(new Manifest(file.normalize(), index, document));
                    }
                    index++;
                }
            }
        }
        return manifests;
    }

    private static List<Manifest> ofKind(String kind) throws IOException {
        return manifests().stream().filter(m -> m.kind().equals(kind)).toList();
    }

    private static List<Manifest> kustomizationsGenerating(String configMap) throws IOException {
        List<Manifest> found = new ArrayList<>();
        for (Manifest kustomization : ofKind("Kustomization")) {
            for (JsonNode generator : kustomization.node().path("configMapGenerator")) {
                if (generator.path("name").asText().equals(configMap)) {
                    found.add(kustomization);
                }
            }
        }
        return found;
    }

    /** The files a kustomization packages into a generated ConfigMap, by ConfigMap key. */
    private static Map<String, Path> generatedFiles(Manifest kustomization, String configMap) {
        Map<String, Path> files = new LinkedHashMap<>();
        for (JsonNode generator : kustomization.node().path("configMapGenerator")) {
            if (!generator.path("name").asText().equals(configMap)) {
                continue;
            }
            for (String entry : texts(generator.path("files")).toList()) {
                Path source = kustomization.file().getParent().resolve(sourceOf(entry)).normalize();
                String key = entry.contains("=") ? entry.substring(0, entry.indexOf('='))
                        : source.getFileName().toString();
                Path previous = files.put(key, source);
                assertThat(previous).as("ConfigMap %s of %s: key %s is used by %s and %s; keys are flat, so "
                        + "name one of them `key=path`", configMap, kustomization, key, previous, source).isNull();
            }
        }
        assertThat(files).as("files of ConfigMap %s in %s", configMap, kustomization).isNotEmpty();
        return files;
    }

    /** A kustomize file source is {@code path} or {@code key=path}. */
    private static String sourceOf(String entry) {
        return entry.contains("=") ? entry.substring(entry.indexOf('=') + 1) : entry;
    }

    /** The gateway's Deployment: the workload-identity example adds a client's and a patch of the gateway's. */
    private static List<Manifest> gatewayDeployments() throws IOException {
        return ofKind("Deployment").stream().filter(m -> !m.file().startsWith(WORKLOAD_IDENTITY)).toList();
    }

    private static JsonNode deploymentContainer() throws IOException {
        List<Manifest> deployments = gatewayDeployments();
        assertThat(deployments).hasSize(1);
        JsonNode containers = deployments.get(0).node().path("spec").path("template").path("spec").path("containers");
        assertThat(containers.size()).as("containers of the Deployment").isEqualTo(1);
        return containers.get(0);
    }

    private static JsonNode deploymentVolume(String configMap) throws IOException {
        for (JsonNode volume : gatewayDeployments().get(0).node().path("spec").path("template").path("spec")
                .path("volumes")) {
            if (volume.path("configMap").path("name").asText().equals(configMap)) {
                return volume;
            }
        }
        throw new AssertionError("the Deployment has no volume for ConfigMap " + configMap);
    }

    /** Where the Deployment mounts a ConfigMap; the Integration must use the same paths. */
    private static String mountPathOf(String configMap) throws IOException {
        String volume = deploymentVolume(configMap).path("name").asText();
        for (JsonNode mount : deploymentContainer().path("volumeMounts")) {
            if (mount.path("name").asText().equals(volume)) {
                assertThat(mount.has("subPath")).as("mount of %s: a subPath would hide new keys", configMap)
                        .isFalse();
                return mount.path("mountPath").asText();
            }
        }
        throw new AssertionError("the Deployment does not mount volume " + volume);
    }

    private static JsonNode integration() throws IOException {
        List<Manifest> integrations = ofKind("Integration");
        assertThat(integrations).hasSize(1);
        assertThat(integrations.get(0).node().path("apiVersion").asText()).isEqualTo("camel.apache.org/v1");
        return integrations.get(0).node();
    }

    /** The pod trait's patch of the container the operator names {@code integration}. */
    private static JsonNode integrationContainer(JsonNode integration) {
        for (JsonNode container : integration.path("spec").path("template").path("spec").path("containers")) {
            if (container.path("name").asText().equals("integration")) {
                return container;
            }
        }
        throw new AssertionError("the Integration's pod template does not patch the `integration` container");
    }

    private static List<String> secretRefs(JsonNode container) {
        List<String> names = new ArrayList<>();
        for (JsonNode source : container.path("envFrom")) {
            if (source.has("secretRef")) {
                names.add(source.path("secretRef").path("name").asText());
            }
        }
        return names;
    }

    private static String envValue(JsonNode container, String name) {
        for (JsonNode env : container.path("env")) {
            if (env.path("name").asText().equals(name)) {
                return env.path("value").asText();
            }
        }
        throw new AssertionError("no env " + name);
    }

    private static Map<String, String> secretValues(Manifest secret) {
        Map<String, String> values = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = secret.node().path("stringData").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            values.put(entry.getKey(), entry.getValue().isNull() ? "" : entry.getValue().asText());
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = secret.node().path("data").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            String encoded = entry.getValue().isNull() ? "" : entry.getValue().asText();
            values.put(entry.getKey(), new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8));
        }
        return values;
    }

    private static Stream<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(node -> texts.add(node.asText()));
        return texts.stream();
    }
}
