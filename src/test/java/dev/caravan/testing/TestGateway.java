package dev.caravan.testing;

import dev.caravan.CaravanApplication;
import dev.caravan.simulator.ProviderSimulator;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A whole gateway started the way a replica runs ({@link CaravanApplication} on a free port), for tests that need
 * more than one instance or must close one themselves. Settings go in as command-line arguments, which outrank
 * application.yaml (its port would be 8080); the same launcher starts as many identical instances as asked.
 */
public final class TestGateway {

    /** Obvious fakes, shaped like real keys so a leak would be caught by pattern too. */
    public static final String OPENAI_KEY = "sk-test-openai-key-abcdefghijklmnop";
    public static final String ANTHROPIC_KEY = "sk-ant-test-anthropic-key-abcdefghij";
    public static final String GOOGLE_KEY = "AIza-test-google-key-abcdefghijklmnopqrst";
    public static final String MISTRAL_KEY = "test-mistral-key-abcdefghijklmnop";

    private final Map<String, String> settings = new LinkedHashMap<>();
    private final List<Class<?>> sources = new ArrayList<>(List.of(CaravanApplication.class));
    /** The process's working directory ({@link #startProcess}); null: this JVM's. */
    private Path workingDirectory;

    private TestGateway() {
        set("server.port", 0);
        // tests never edit route files: no watcher thread per instance
        set("caravan.routes.reload-interval", "0s");
    }

    /** A gateway accepting {@code AI_GATEWAY_API_KEY = gatewayKey}; with no provider set, the built-in simulator. */
    public static TestGateway withKey(String gatewayKey) {
        return new TestGateway().set("AI_GATEWAY_API_KEY", gatewayKey);
    }

    /** Every catalog provider served by one simulator (shared by all instances, so a test sees every call). */
    public TestGateway providersAt(ProviderSimulator simulator) {
        set("caravan.simulator.enabled", false);
        set("caravan.providers.openai.base-url", simulator.baseUrl() + "/v1");
        set("caravan.providers.openai.api-key", OPENAI_KEY);
        set("caravan.providers.anthropic.base-url", simulator.baseUrl());
        set("caravan.providers.anthropic.api-key", ANTHROPIC_KEY);
        set("caravan.providers.google.base-url", simulator.baseUrl());
        set("caravan.providers.google.api-key", GOOGLE_KEY);
        set("caravan.providers.mistral.base-url", simulator.baseUrl() + "/v1");
        return set("caravan.providers.mistral.api-key", MISTRAL_KEY);
    }

    /** Usage records, keys and budgets in this PostgreSQL schema ({@link TestPostgres}), created by Flyway. */
    public TestGateway postgres(String schema) {
        TestPostgres.properties(schema).forEach(this::set);
        return this;
    }

    /** Budgets, rate limits and control-plane messages in the Redis of this machine, under this key prefix. */
    public TestGateway redis(String keyPrefix) {
        set("caravan.redis.url", TestRedis.URL);
        return set("caravan.redis.key-prefix", keyPrefix);
    }

    public TestGateway set(String name, Object value) {
        settings.put(name, String.valueOf(value));
        return this;
    }

    /** Extra configuration classes, e.g. test doubles (left unannotated, so no component scan picks them up). */
    public TestGateway beans(Class<?> configuration) {
        sources.add(configuration);
        return this;
    }

    /** Runs {@link #startProcess} in this working directory (relative paths, ./data and routes/ resolve there). */
    public TestGateway in(Path directory) {
        this.workingDirectory = directory;
        return this;
    }

    public ConfigurableApplicationContext start() {
        return new SpringApplicationBuilder(sources.toArray(Class<?>[]::new)).run(arguments().toArray(String[]::new));
    }

    /**
     * The same gateway as a process of its own (this JVM's java and test classpath), for a test that must kill it:
     * {@link Process#destroyForcibly} is a SIGKILL. Its output is appended to {@code log}. Test-double
     * {@link #beans} are not passed on: the process starts {@link CaravanApplication} alone.
     */
    public Process startProcess(Path log) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", System.getProperty("java.class.path"), CaravanApplication.class.getName()));
        command.addAll(arguments());
        return new ProcessBuilder(command).directory(workingDirectory == null ? null : workingDirectory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }

    private List<String> arguments() {
        return settings.entrySet().stream().map(setting -> "--" + setting.getKey() + "=" + setting.getValue())
                .toList();
    }

    public static int port(ConfigurableApplicationContext gateway) {
        return ((WebServerApplicationContext) gateway).getWebServer().getPort();
    }

    public static URI uri(ConfigurableApplicationContext gateway, String path) {
        return URI.create("http://127.0.0.1:" + port(gateway) + path);
    }
}
