package dev.caravan.e2e;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.NotFoundException;
import com.openai.errors.RateLimitException;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import dev.caravan.simulator.Reply;
import dev.caravan.simulator.ToolCallSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The official OpenAI Java SDK as the client, against every provider format the gateway translates to. */
class OpenAiSdkTest extends GatewayTestBase {

    private OpenAIClient client;

    @BeforeEach
    void client() {
        client = OpenAIOkHttpClient.builder()
                .baseUrl("http://127.0.0.1:" + port + "/v1")
                .apiKey(GATEWAY_KEY)
                .maxRetries(0)
                .build();
    }

    @AfterEach
    void close() {
        client.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"openai/gpt-5-mini", "anthropic/claude-sonnet-4.6", "google/gemini-2.5-flash"})
    void completes_a_chat(String model) {
        SIMULATOR.enqueue(Reply.text("Bonjour!").usage(9, 2));

        ChatCompletion completion = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model(model).addSystemMessage("Answer in French.").addUserMessage("Say hello").build());

        assertThat(completion.model()).isEqualTo(model);
        assertThat(completion.choices().getFirst().message().content()).hasValue("Bonjour!");
        assertThat(completion.choices().getFirst().finishReason())
                .isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        assertThat(completion.usage()).hasValueSatisfying(u -> {
            assertThat(u.promptTokens()).isEqualTo(9);
            assertThat(u.completionTokens()).isEqualTo(2);
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"openai/gpt-5-mini", "anthropic/claude-sonnet-4.6", "google/gemini-2.5-flash"})
    void streams_a_chat_with_usage(String model) {
        SIMULATOR.enqueue(Reply.text("one two three").chunks(3).usage(7, 3));
        ChatCompletionAccumulator accumulator = ChatCompletionAccumulator.create();

        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(
                ChatCompletionCreateParams.builder().model(model).addUserMessage("Count")
                        .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
            stream.stream().forEach(accumulator::accumulate);
        }

        ChatCompletion completion = accumulator.chatCompletion();
        assertThat(completion.choices().getFirst().message().content()).hasValue("one two three");
        assertThat(completion.choices().getFirst().finishReason())
                .isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        assertThat(completion.usage()).hasValueSatisfying(u -> assertThat(u.completionTokens()).isEqualTo(3));
    }

    @ParameterizedTest
    @ValueSource(strings = {"openai/gpt-5-mini", "anthropic/claude-sonnet-4.6", "google/gemini-2.5-flash"})
    void streams_parallel_tool_calls(String model) {
        SIMULATOR.enqueue(Reply.toolCalls(ToolCallSpec.of("get_weather", "{\"city\":\"Paris\"}"),
                ToolCallSpec.of("get_weather", "{\"city\":\"Tokyo\"}")));
        ChatCompletionAccumulator accumulator = ChatCompletionAccumulator.create();

        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(
                ChatCompletionCreateParams.builder().model(model).addUserMessage("Weather in Paris and Tokyo?")
                        .addFunctionTool(FunctionDefinition.builder().name("get_weather")
                                .description("Current weather in a city")
                                .parameters(FunctionParameters.builder()
                                        .putAdditionalProperty("type", JsonValue.from("object"))
                                        .putAdditionalProperty("properties", JsonValue.from(
                                                Map.of("city", Map.of("type", "string"))))
                                        .build())
                                .build())
                        .build())) {
            stream.stream().forEach(accumulator::accumulate);
        }

        ChatCompletion completion = accumulator.chatCompletion();
        ChatCompletion.Choice choice = completion.choices().getFirst();
        assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
        var calls = choice.message().toolCalls().orElseThrow().stream()
                .map(call -> call.asFunction()).toList();
        assertThat(calls).extracting(c -> c.function().name()).containsExactly("get_weather", "get_weather");
        assertThat(calls).extracting(c -> c.function().arguments(Map.class).get("city"))
                .containsExactly("Paris", "Tokyo");
        assertThat(calls).extracting(ChatCompletionMessageFunctionToolCall::id).doesNotHaveDuplicates();
    }

    @Test
    void raises_the_sdks_own_errors() {
        assertThatThrownBy(() -> client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("acme/unknown").addUserMessage("hi").build()))
                .isInstanceOf(NotFoundException.class)
                .hasMessageContaining("acme/unknown");

        SIMULATOR.enqueue(Reply.error(429, "slow down").retryAfter(1));
        assertThatThrownBy(() -> client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("anthropic/claude-haiku-4.5").addUserMessage("hi").build()))
                .isInstanceOf(RateLimitException.class)
                .hasMessageContaining("anthropic: slow down");
    }
}
