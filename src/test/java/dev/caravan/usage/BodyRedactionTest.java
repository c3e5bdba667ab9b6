package dev.caravan.usage;

import dev.caravan.routing.AttemptRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** What a kept body goes through before it is stored: keys redacted, then the cap. */
class BodyRedactionTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "the gateway key         | key cvn_4kQ9zXbT7mNpR2sLw8vY1cDe here | key [redacted] here",
            "an environment key      | cvn-test-gateway-key-0123456789      | [redacted]",
            "OpenAI                  | use sk-proj-AbCdEfGhIjKlMnOp1234     | use [redacted]",
            "Anthropic               | \"sk-ant-api03-AbCdEfGhIjKl_mn-op\"  | \"[redacted]\"",
            "Google                  | AIzaSyA-abcdefghijklmnopqrstu,       | [redacted],",
            "a bearer token          | Authorization: Bearer eyJhbGciOi.JIUzI1NiJ9.x | Authorization: Bearer [redacted]",
            "short look-alikes stay  | sk-1 and cvn_x and AIza             | sk-1 and cvn_x and AIza",
    })
    void replaces_what_looks_like_a_key(String what, String text, String kept) {
        assertThat(BodyRedaction.keep(text, 1024)).isEqualTo(new BodyRedaction.Kept(kept, false));
    }

    @Test
    void cuts_at_the_cap_in_utf8_bytes_without_splitting_a_character() {
        BodyRedaction.Kept kept = BodyRedaction.keep("é".repeat(10), 5);

        assertThat(kept.text()).isEqualTo("éé");
        assertThat(kept.text().getBytes(StandardCharsets.UTF_8)).hasSizeLessThanOrEqualTo(5);
        assertThat(kept.truncated()).isTrue();
    }

    @Test
    void redacts_a_key_that_straddles_the_cap_instead_of_keeping_its_first_half() {
        String key = "sk-ant-api03-AbCdEfGhIjKlMnOpQrStUvWx";

        BodyRedaction.Kept kept = BodyRedaction.keep("x".repeat(20) + key, 25);

        assertThat(kept.text()).isEqualTo("x".repeat(20) + "[reda").doesNotContain("sk-");
        assertThat(kept.truncated()).isTrue();
    }

    @Test
    void a_record_with_bodies_survives_the_journal_and_spool_encoding() throws Exception {
        UsageRecord record = new UsageRecord("gen_bodies", Instant.parse("2026-12-03T10:00:00Z"), "key_1", "prj_1",
                null, List.of(), "openai/gpt-5", "openai/gpt-5", "openai", "gpt-5",
                List.of(new AttemptRecord("openai", "openai/gpt-5", true, 1L, 2L, 200, null)), 3L, 4L, null, null,
                null, false, null, false, false, UsageRecord.Outcome.SUCCESS, 200, null, "stop", 5L, 5L,
                new RequestBodies("{\"model\":\"openai/gpt-5\"}", false, "hello", true));

        UsageRecord read = UsageSpool.MAPPER.readValue(UsageSpool.MAPPER.writeValueAsBytes(record),
                UsageRecord.class);

        assertThat(read).isEqualTo(record);
    }
}
