// Vercel's AI SDK through its own gateway provider, @ai-sdk/gateway's createGateway({ baseURL, apiKey }), against
// Caravan's AI SDK gateway protocol (/v3/ai and /v4/ai): generateText, streamText with a tool over two steps,
// generateObject, embed, embedMany, generateImage, getAvailableModels, and the error class the SDK raises for each kind of failure.
import { beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateObject, generateText, jsonSchema, stepCountIs, streamText, tool } from 'ai';
import {
  createGateway,
  GatewayAuthenticationError,
  GatewayInternalServerError,
  GatewayInvalidRequestError,
  GatewayModelNotFoundError,
  GatewayRateLimitError,
} from '@ai-sdk/gateway';
import {
  ANSWER, ANSWER_REPLY, BASE_URL, KEY, TARGETS, TOOL_CALL_REPLY, TOOL_RESULT, WEATHER_SCHEMA,
  assertUpstreamGotToolResult, lastUpstreamRequest, resetSimulator, script,
} from './harness.mjs';

const gateway = createGateway({ baseURL: `${BASE_URL}/v3/ai`, apiKey: KEY });

beforeEach(resetSimulator);

/** Runs `call` and returns what it threw, failing when it did not throw. */
async function thrown(call) {
  try {
    await call();
  } catch (error) {
    return error;
  }
  assert.fail('the call did not fail');
}

describe('AI SDK (gateway provider, createGateway)', () => {
  for (const target of TARGETS) {
    test(`generateText to ${target.provider}: text, finish reason, usage, routing and cost`, async () => {
      await script({ text: 'Bonjour!', usage: [9, 2] });

      const result = await generateText({
        model: gateway(target.model), system: 'Be brief.', prompt: 'Say hello in French', maxRetries: 0,
      });

      assert.equal(result.text, 'Bonjour!');
      assert.equal(result.finishReason, 'stop');
      assert.equal(result.usage.inputTokens, 9);
      assert.equal(result.usage.outputTokens, 2);
      const metadata = result.providerMetadata.gateway;
      assert.equal(metadata.routing.finalProvider, target.provider);
      assert.ok(Number(metadata.cost) > 0, `no cost in ${JSON.stringify(metadata)}`);
      // the system prompt reached the provider in its own format
      assert.match(JSON.stringify((await lastUpstreamRequest()).body), /Be brief\./);
    });

    test(`streamText to ${target.provider}: a tool call, its result, then the answer over two steps`, async () => {
      await script(TOOL_CALL_REPLY, ANSWER_REPLY);
      const calls = [];

      const result = streamText({
        model: gateway(target.model),
        prompt: 'What is the weather in Paris?',
        tools: {
          get_weather: tool({
            description: 'The weather in a city',
            inputSchema: jsonSchema(WEATHER_SCHEMA),
            execute: async (input) => {
              calls.push(input);
              return JSON.parse(TOOL_RESULT);
            },
          }),
        },
        stopWhen: stepCountIs(2),
        maxRetries: 0,
      });
      const pieces = [];
      for await (const piece of result.textStream) pieces.push(piece);

      assert.deepEqual(calls, [{ city: 'Paris' }]);
      assert.equal(pieces.join(''), ANSWER);
      assert.ok(pieces.length > 1, `one piece only: ${JSON.stringify(pieces)}`);
      const steps = await result.steps;
      assert.equal(steps.length, 2);
      assert.equal(steps[0].finishReason, 'tool-calls');
      assert.equal(steps[1].finishReason, 'stop');
      assert.equal((await result.totalUsage).outputTokens, 18);
      await assertUpstreamGotToolResult(target, steps[0].toolCalls[0].toolCallId);
    });
  }

  test('streamText: reasoning parts before the text', async () => {
    await script({ reasoning: 'The user wants a greeting.', text: 'Hello!', chunks: 2, usage: [5, 4] });

    const result = streamText({ model: gateway('anthropic/claude-sonnet-4.6'), prompt: 'Greet me', maxRetries: 0 });
    const kinds = [];
    for await (const part of result.fullStream) kinds.push(part.type);

    assert.equal(await result.reasoningText, 'The user wants a greeting.');
    assert.equal(await result.text, 'Hello!');
    assert.ok(kinds.indexOf('reasoning-delta') < kinds.indexOf('text-delta'), kinds.join(','));
  });

  test('streamText: Anthropic\'s thinking signature comes back on the next step, so a tool turn with thinking is accepted', async () => {
    await script({ ...TOOL_CALL_REPLY, reasoning: 'I should call get_weather.' }, ANSWER_REPLY);

    const result = streamText({
      model: gateway('anthropic/claude-sonnet-4.6'),
      prompt: 'What is the weather in Paris?',
      tools: { get_weather: tool({ inputSchema: jsonSchema(WEATHER_SCHEMA), execute: async () => JSON.parse(TOOL_RESULT) }) },
      stopWhen: stepCountIs(2),
      maxRetries: 0,
    });
    assert.equal(await result.text, ANSWER);

    const turn = (await lastUpstreamRequest()).body.messages.find((m) => m.role === 'assistant');
    const thinking = turn.content.find((b) => b.type === 'thinking');
    assert.ok(thinking, `no thinking block in ${JSON.stringify(turn)}`);
    assert.equal(thinking.thinking, 'I should call get_weather.');
    assert.ok(thinking.signature.length > 0, 'the signature was lost');
  });

  test('generateObject: a JSON schema sent as the provider\'s structured output, the object parsed', async () => {
    await script({ text: '{"city":"Paris","celsius":21}', usage: [20, 9] });

    const { object } = await generateObject({
      model: gateway('openai/gpt-5-mini'),
      schema: jsonSchema({
        type: 'object',
        properties: { city: { type: 'string' }, celsius: { type: 'number' } },
        required: ['city', 'celsius'],
        additionalProperties: false,
      }),
      prompt: 'The weather in Paris as JSON',
      maxRetries: 0,
    });

    assert.deepEqual(object, { city: 'Paris', celsius: 21 });
    const upstream = await lastUpstreamRequest();
    assert.equal(upstream.body.response_format.type, 'json_schema');
    assert.deepEqual(upstream.body.response_format.json_schema.schema.required, ['city', 'celsius']);
  });

  test('getAvailableModels: the catalog with per-token prices, at both base paths', async () => {
    for (const base of ['/v3/ai', '/v4/ai']) {
      const { models } = await createGateway({ baseURL: BASE_URL + base, apiKey: KEY }).getAvailableModels();

      const model = models.find((m) => m.id === 'openai/gpt-5-mini');
      assert.ok(model, `no openai/gpt-5-mini in ${models.map((m) => m.id)}`);
      assert.equal(model.specification.provider, 'openai');
      assert.equal(model.modelType, 'language');
      assert.ok(Number(model.pricing.input) > 0 && Number(model.pricing.input) < 0.001, model.pricing.input);
    }
  });

  test('the /v4/ai base path serves generateText as /v3/ai does', async () => {
    await script({ text: 'v4', usage: [1, 1] });
    const next = createGateway({ baseURL: `${BASE_URL}/v4/ai`, apiKey: KEY });

    const result = await generateText({ model: next('openai/gpt-5-mini'), prompt: 'hi', maxRetries: 0 });

    assert.equal(result.text, 'v4');
  });

  test('a wrong key: GatewayAuthenticationError', async () => {
    const stranger = createGateway({ baseURL: `${BASE_URL}/v3/ai`, apiKey: 'not-a-caravan-key' });

    // the provider's own class, as getAvailableModels raises it
    const error = await thrown(() => stranger.getAvailableModels());
    assert.ok(GatewayAuthenticationError.isInstance(error), String(error));
    assert.equal(error.statusCode, 401);
    // generateText (ai 7's wrapGatewayError) replaces it with a plain Error of the same name and a setup hint
    const wrapped = await thrown(() => generateText({ model: stranger('openai/gpt-5-mini'), prompt: 'hi', maxRetries: 0 }));
    assert.equal(wrapped.name, 'GatewayAuthenticationError');
  });

  test('an unknown model: GatewayModelNotFoundError naming it', async () => {
    const error = await thrown(() => generateText({ model: gateway('nobody/no-model'), prompt: 'hi', maxRetries: 0 }));

    assert.ok(GatewayModelNotFoundError.isInstance(error), String(error));
    assert.equal(error.modelId, 'nobody/no-model');
    assert.equal(error.statusCode, 404);
  });

  test('a malformed gateway option: GatewayInvalidRequestError', async () => {
    const error = await thrown(() => generateText({
      model: gateway('openai/gpt-5-mini'), prompt: 'hi', maxRetries: 0,
      providerOptions: { gateway: { maxCost: -1 } },
    }));

    assert.ok(GatewayInvalidRequestError.isInstance(error), String(error));
    assert.equal(error.statusCode, 400);
  });

  test('the provider rate-limits every attempt: GatewayRateLimitError', async () => {
    await script(...Array.from({ length: 6 }, () => ({ error: 429, message: 'slow down' })));

    const error = await thrown(() => generateText({ model: gateway('openai/gpt-5-mini'), prompt: 'hi', maxRetries: 0 }));

    assert.ok(GatewayRateLimitError.isInstance(error), String(error));
    assert.equal(error.statusCode, 429);
  });

  test('the provider fails every attempt: GatewayInternalServerError', async () => {
    await script(...Array.from({ length: 6 }, () => ({ error: 500, message: 'down' })));

    const error = await thrown(() => generateText({ model: gateway('openai/gpt-5-mini'), prompt: 'hi', maxRetries: 0 }));

    assert.ok(GatewayInternalServerError.isInstance(error), String(error));
    assert.ok(error.statusCode >= 500, String(error.statusCode));
    assert.doesNotMatch(error.message, /sk-|Exception/);
  });

  test('embed: one vector of the model\'s size, its token usage, routing and cost', async () => {
    const { embed } = await import('ai');

    const { embedding, usage, providerMetadata } = await embed({
      model: gateway.embeddingModel('openai/text-embedding-3-small'), value: 'sunny day', maxRetries: 0 });

    assert.equal(embedding.length, 1536);
    assert.ok(usage.tokens > 0, JSON.stringify(usage));
    assert.equal(providerMetadata.gateway.routing.finalProvider, 'openai');
    assert.match(String(providerMetadata.gateway.generationId), /^gen_/);
  });

  test('embedMany on Gemini at the next protocol version: one vector per value, in order, at the dimensions asked', async () => {
    const { embedMany } = await import('ai');
    const next = createGateway({ baseURL: `${BASE_URL}/v4/ai`, apiKey: KEY });

    const { embeddings } = await embedMany({ model: next.embeddingModel('google/gemini-embedding-001'),
      values: ['one', 'two', 'three'], providerOptions: { gateway: { order: ['google'] } }, maxRetries: 0 });

    assert.equal(embeddings.length, 3);
    const upstream = await lastUpstreamRequest();
    assert.equal(upstream.path, '/v1beta/models/gemini-embedding-001:batchEmbedContents');
    const sent = upstream.body.requests.map((r) => r.content.parts[0].text);
    assert.deepEqual(sent, ['one', 'two', 'three']);
    assert.notDeepEqual(embeddings[0], embeddings[1]);
  });

  test('generateImage: the PNG the model made, its usage and the gateway\'s routing', async () => {
    const { generateImage } = await import('ai');

    const { images, usage, providerMetadata } = await generateImage({
      model: gateway.imageModel('openai/gpt-image-1'), prompt: 'a red square', n: 1, maxRetries: 0 });

    assert.equal(images.length, 1);
    assert.deepEqual([...images[0].uint8Array.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    assert.ok(usage.outputTokens > 0, JSON.stringify(usage));
    assert.equal(providerMetadata.gateway.routing.finalProvider, 'openai');
  });
});
