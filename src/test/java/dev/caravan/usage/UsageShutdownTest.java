package dev.caravan.usage;

import dev.caravan.simulator.ProviderSimulator;
import dev.caravan.simulator.Reply;
import dev.caravan.testing.TestGateway;
import org.apache.camel.CamelContext;
import org.apache.camel.component.seda.SedaEndpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A graceful shutdown loses no usage record: a gateway is started, given records (queued directly, or as chat
 * requests still being answered), and closed at once; the database it used, opened again afterwards, holds every one.
 * Batches are made so large (and, for queued records, so rare) that nothing is written before the close: only the
 * shutdown's draining of the queue and forced completion of the partial batch can write them, and only if the web
 * server finishes its requests before Camel stops, and Camel (the writer route last) before the datasource closes. Run on an H2 file and
 * on PostgreSQL by the subclasses.
 */
abstract class UsageShutdownTest {

    private static final int RECORDS = 5_000;
    private static final int REQUESTS = 40;
    private static final String KEY = "cvn-test-shutdown-key-0123456789";
    /** Lives as long as the JVM: both subclasses use it. */
    private static final ProviderSimulator SIMULATOR = ProviderSimulator.start(0);

    @TempDir
    Path directory;

    /** Points the gateway at the database under test. */
    abstract TestGateway database(TestGateway gateway);

    /** A connection to that database, opened after the gateway has gone. */
    abstract Connection reopen() throws SQLException;

    @Test
    void every_queued_record_is_written_before_the_database_closes() throws Exception {
        // a batch so large and an interval so long that only the shutdown can complete the batch
        ConfigurableApplicationContext gateway = start("30s");
        UsageSink sink = gateway.getBean(UsageSink.class);
        for (int n = 0; n < RECORDS; n++) {
            sink.record(SampleRecords.numbered("shutdown", n));
        }
        // every record has reached the aggregator: the shutdown forces its batch out once, when it begins; records
        // still queued then wait for the next interval, which this test's long one would bring too late
        SedaEndpoint queue = gateway.getBean(CamelContext.class).getEndpoint("seda:usage", SedaEndpoint.class);
        await().atMost(Duration.ofSeconds(20)).until(() -> queue.getCurrentQueueSize() == 0);
        assertThat(gateway.getBean(JdbcTemplate.class).queryForObject(
                "SELECT COUNT(*) FROM usage_records WHERE id LIKE 'shutdown_%'", Long.class))
                .as("nothing is written before the shutdown").isZero();

        gateway.close();

        assertThat(storedIds("shutdown_%")).hasSize(RECORDS);
        assertNothingLeftOnDisk();
    }

    @Test
    void requests_in_flight_at_shutdown_are_each_recorded_once() throws Exception {
        // every answer takes a while, so all of them are still being served when the shutdown begins
        SIMULATOR.reset();
        SIMULATOR.setDefaultReply(Reply.text("Hello there").usage(100, 20).latencyMs(1500).chunks(5)
                .chunkDelayMs(100));
        // the real interval: records of requests that end during the shutdown are queued after the forced batch
        ConfigurableApplicationContext gateway = start("1s");
        HttpClient http = HttpClient.newHttpClient();
        List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
        for (int n = 0; n < REQUESTS; n++) {
            responses.add(http.sendAsync(HttpRequest.newBuilder(TestGateway.uri(gateway, "/v1/chat/completions"))
                            .header("Authorization", "Bearer " + KEY).header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("""
                                    {"model":"openai/gpt-5","stream":%s,"stream_options":{"include_usage":true},
                                     "messages":[{"role":"user","content":"Say hello"}]}""".formatted(n % 2 == 0)))
                            .build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> SIMULATOR.requests().size() >= REQUESTS);

        gateway.close();

        List<String> answered = new ArrayList<>();
        for (CompletableFuture<HttpResponse<String>> response : responses) {
            HttpResponse<String> done = response.get(30, TimeUnit.SECONDS);
            assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
            answered.add(done.headers().firstValue("x-caravan-generation-id").orElseThrow());
        }
        // a graceful shutdown lets them finish, and each leaves exactly its own record
        assertThat(storedIds("gen_%")).containsExactlyInAnyOrderElementsOf(answered);
        assertNothingLeftOnDisk();
    }

    private ConfigurableApplicationContext start(String batchInterval) {
        return database(TestGateway.withKey(KEY).providersAt(SIMULATOR)
                .set("caravan.usage.batch-size", RECORDS * 2)
                .set("caravan.usage.batch-interval", batchInterval)
                .set("caravan.usage.spool.directory", directory.resolve("spool"))
                .set("caravan.usage.journal.directory", directory.resolve("journal"))).start();
    }

    private List<String> storedIds(String pattern) throws SQLException {
        List<String> ids = new ArrayList<>();
        try (Connection connection = reopen();
             PreparedStatement query = connection.prepareStatement("SELECT id FROM usage_records WHERE id LIKE ?")) {
            query.setString(1, pattern);
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
        }
        return ids;
    }

    private void assertNothingLeftOnDisk() throws Exception {
        try (Stream<Path> spooled = Files.list(directory.resolve("spool"))) {
            assertThat(spooled.toList()).as("written to the database, not spooled").isEmpty();
        }
        try (Stream<Path> journaled = Files.list(directory.resolve("journal"))) {
            assertThat(journaled.toList()).as("every record confirmed: nothing left to replay").isEmpty();
        }
    }
}
