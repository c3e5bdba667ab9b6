package dev.caravan.clients;

import dev.caravan.e2e.GatewayTestBase;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The official npm clients ({@code @anthropic-ai/sdk}, {@code openai}, the AI SDK) against this gateway on a real
 * port, in front of the provider simulator: {@code node --test} in {@code src/test/node}, whose cases script the
 * simulator through {@link SimulatorControl}. Node's output goes to this test's log and, on failure, into the
 * assertion message.
 */
class NodeClientsTest extends GatewayTestBase {

    private static final Logger LOG = LoggerFactory.getLogger(NodeClientsTest.class);
    private static final Path HARNESS = Path.of("src/test/node");
    /** Far above the harness's few seconds: only a hang gets here, and it must not hold the build. */
    private static final Duration TIMEOUT = Duration.ofMinutes(3);
    /** One case's limit, so that a hang names the case that hung and the rest still run. */
    private static final Duration CASE_TIMEOUT = Duration.ofSeconds(30);

    @Test
    void official_npm_clients_pass_the_node_harness() throws Exception {
        if (!Files.isDirectory(HARNESS.resolve("node_modules"))) {
            fail("the node harness is not installed: run `npm ci` in " + HARNESS
                    + " (bin/caravan test does it before mvn verify)");
        }
        try (SimulatorControl control = SimulatorControl.start(SIMULATOR, health)) {
            ProcessBuilder node = new ProcessBuilder("node", "--test", "--test-concurrency=1",
                    "--test-timeout=" + CASE_TIMEOUT.toMillis(), "--test-reporter=tap")
                    .directory(HARNESS.toFile()).redirectErrorStream(true);
            node.environment().put("CARAVAN_BASE_URL", "http://127.0.0.1:" + port);
            node.environment().put("CARAVAN_KEY", GATEWAY_KEY);
            node.environment().put("SIMULATOR_CONTROL_URL", control.uri().toString());
            Process process = start(node);
            // appended by the pump, read here: after join(), or at once if the pump is stuck on a dying process
            StringBuffer output = new StringBuffer();
            Thread pump = Thread.ofVirtual().start(() -> pump(process, output));
            if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                // node runs each test file in a child of its own, which would keep the output pipe open
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor();
                pump.join(Duration.ofSeconds(10));
                fail("node --test did not finish within " + TIMEOUT + "; its output:\n" + output);
            }
            pump.join(Duration.ofSeconds(10));
            assertThat(process.exitValue()).as("node --test failed; its output:\n%s", output).isZero();
            // a harness that found no test file would also exit 0
            assertThat(output).as("node --test ran no test:\n%s", output).containsPattern("(?m)^# pass [1-9]");
        }
    }

    private static Process start(ProcessBuilder node) {
        try {
            return node.start();
        } catch (IOException e) {
            throw new AssertionError("cannot run `node` (Node.js 20 or newer must be on the PATH)", e);
        }
    }

    private static void pump(Process process, StringBuffer output) {
        try (BufferedReader lines = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = lines.readLine()) != null; ) {
                LOG.info("node: {}", line);
                output.append(line).append('\n');
            }
        } catch (IOException e) {
            // the process was killed: what it printed so far is in the output already
        }
    }
}
