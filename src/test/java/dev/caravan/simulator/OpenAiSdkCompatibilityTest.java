package dev.caravan.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.RateLimitException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The official OpenAI SDK is a strict reader of the wire format, so it checks the simulator's fidelity. */
class OpenAiSdkCompatibilityTest {

    private ProviderSimulator sim;
    private OpenAIClient client;

    @BeforeEach
    void start() {
        sim = ProviderSimulator.start(0);
        client = OpenAIOkHttpClient.builder().baseUrl(sim.baseUrl() + "/v1").apiKey("sk-test").maxRetries(0)
                .build();
    }

    @AfterEach
    void stop() {
        client.close();
        sim.close();
    }

    private static ChatCompletionCreateParams.Builder params() {
        return ChatCompletionCreateParams.builder().model("gpt-4o-mini").addUserMessage("Say hello");
    }

    @Test
    void sdkReadsNonStreamCompletionsWithToolCalls() {
        sim.enqueue(Reply.text("Sure.").withToolCalls(ToolCallSpec.of("get_weather", "{\"city\":\"Paris\"}"))
                .usage(12, 7).cachedTokens(4).reasoningTokens(2));

        ChatCompletion completion = client.chat().completions().create(params().build());

        ChatCompletion.Choice choice = completion.choices().getFirst();
        assertThat(choice.message().content()).hasValue("Sure.");
        assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
        var call = choice.message().toolCalls().orElseThrow().getFirst().asFunction();
        assertThat(call.function().name()).isEqualTo("get_weather");
        assertThat(call.function().arguments()).isEqualTo("{\"city\":\"Paris\"}");
        var usage = completion.usage().orElseThrow();
        assertThat(usage.totalTokens()).isEqualTo(19);
        assertThat(usage.promptTokensDetails().orElseThrow().cachedTokens()).hasValue(4L);
        assertThat(usage.completionTokensDetails().orElseThrow().reasoningTokens()).hasValue(2L);
    }

    @Test
    void sdkReadsStreamsWithUsage() {
        sim.enqueue(Reply.text("Hello there, streaming world").chunks(4));

        StringBuilder text = new StringBuilder();
        List<ChatCompletionChunk> chunks;
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params()
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
            chunks = stream.stream().toList();
        }
        chunks.forEach(c -> c.choices().forEach(ch -> ch.delta().content().ifPresent(text::append)));

        assertThat(text).hasToString("Hello there, streaming world");
        assertThat(chunks.getLast().choices()).isEmpty();
        assertThat(chunks.getLast().usage().orElseThrow().completionTokens()).isEqualTo(4);
    }

    @Test
    void sdkMapsRateLimitErrors() {
        sim.enqueue(Reply.error(429, "Rate limit reached").retryAfter(1));

        assertThatThrownBy(() -> client.chat().completions().create(params().build()))
                .isInstanceOf(RateLimitException.class).hasMessageContaining("Rate limit reached");
    }
}
