// @anthropic-ai/sdk against POST /v1/messages (+ /count_tokens): a tool round trip to an Anthropic-format and an
// OpenAI-format provider, whole and streamed; token counting; the SDK's error classes.
import { beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import {
  ANSWER, ANSWER_REPLY, BASE_URL, KEY, TARGETS, TOOL_CALL_REPLY, TOOL_RESULT, WEATHER_SCHEMA,
  assertUpstreamGotToolResult, resetSimulator, script,
} from './harness.mjs';

// no retries: a failing case must fail on the first answer, not after the SDK's back-off
const client = new Anthropic({ baseURL: BASE_URL, apiKey: KEY, maxRetries: 0 });

const question = (model) => ({
  model,
  max_tokens: 300,
  system: 'You are terse.',
  tools: [{ name: 'get_weather', description: 'Weather in a city', input_schema: WEATHER_SCHEMA }],
  messages: [{ role: 'user', content: 'What is the weather in Paris?' }],
});

/** The question, the model's tool call and the client's result for it: the second request of the round trip. */
function withToolResult(model, toolCall) {
  const use = toolCall.content.find((block) => block.type === 'tool_use');
  const params = question(model);
  params.messages.push({ role: 'assistant', content: toolCall.content },
    { role: 'user', content: [{ type: 'tool_result', tool_use_id: use.id, content: TOOL_RESULT }] });
  return params;
}

function assertAsksForTheWeather(toolCall) {
  assert.equal(toolCall.stop_reason, 'tool_use');
  const use = toolCall.content.find((block) => block.type === 'tool_use');
  assert.ok(use, `no tool_use block in ${JSON.stringify(toolCall.content)}`);
  assert.equal(use.name, 'get_weather');
  assert.deepEqual(use.input, { city: 'Paris' });
  assert.ok(use.id);
  return use;
}

function assertAnswers(answer) {
  assert.equal(answer.stop_reason, 'end_turn');
  assert.equal(answer.content[0].type, 'text');
  assert.equal(answer.content[0].text, ANSWER);
  assert.equal(answer.usage.output_tokens, 8);
  assert.ok(answer.usage.input_tokens > 0);
}

beforeEach(resetSimulator);

for (const target of TARGETS) {
  describe(`messages to ${target.model}`, () => {
    test('create: a tool round trip (tool_use, then tool_result)', async () => {
      await script(TOOL_CALL_REPLY, ANSWER_REPLY);

      const toolCall = await client.messages.create(question(target.model));
      const use = assertAsksForTheWeather(toolCall);
      assert.equal(toolCall.usage.output_tokens, 10);

      const { data: answer, response } = await client.messages.create(withToolResult(target.model, toolCall))
        .withResponse();
      assertAnswers(answer);
      assert.equal(response.headers.get('x-caravan-provider'), target.provider);
      await assertUpstreamGotToolResult(target, use.id);
    });

    test('stream: a tool round trip, the answer in several text deltas', async () => {
      await script(TOOL_CALL_REPLY, ANSWER_REPLY);

      const first = client.messages.stream(question(target.model));
      const inputJson = [];
      first.on('inputJson', (delta) => inputJson.push(delta));
      const toolCall = await first.finalMessage();
      const use = assertAsksForTheWeather(toolCall);
      assert.deepEqual(JSON.parse(inputJson.join('')), { city: 'Paris' });

      const second = client.messages.stream(withToolResult(target.model, toolCall));
      const deltas = [];
      second.on('text', (delta) => deltas.push(delta));
      const answer = await second.finalMessage();
      assertAnswers(answer);
      assert.ok(deltas.length > 1, `one delta only: ${JSON.stringify(deltas)}`);
      assert.equal(deltas.join(''), ANSWER);
      await assertUpstreamGotToolResult(target, use.id);
    });
  });
}

describe('messages.countTokens', () => {
  test('counts the request, more for a longer one', async () => {
    const count = (text) => client.messages.countTokens({
      model: 'anthropic/claude-sonnet-4.6', messages: [{ role: 'user', content: text }],
    });
    const short = await count('hi');
    const long = await count('Tell me, in great detail, everything about the weather in Paris this spring.');
    assert.ok(short.input_tokens > 0, JSON.stringify(short));
    assert.ok(long.input_tokens > short.input_tokens, `${long.input_tokens} <= ${short.input_tokens}`);
  });
});

describe('errors as the SDK classes', () => {
  test('a bad key is an AuthenticationError (401)', async () => {
    const stranger = new Anthropic({ baseURL: BASE_URL, apiKey: 'cvn-not-a-key', maxRetries: 0 });
    const error = await stranger.messages.create(question('anthropic/claude-sonnet-4.6')).then(
      () => assert.fail('a bad key was served'), (e) => e);
    assert.ok(error instanceof Anthropic.AuthenticationError, `${error?.constructor?.name}: ${error?.message}`);
    assert.equal(error.status, 401);
    assert.equal(error.error.error.type, 'authentication_error');
    assert.doesNotMatch(error.message, /cvn-not-a-key/);
  });

  test('an unknown model is a NotFoundError (404)', async () => {
    const error = await client.messages.create(question('claude-nonesuch-9')).then(
      () => assert.fail('an unknown model was served'), (e) => e);
    assert.ok(error instanceof Anthropic.NotFoundError, `${error?.constructor?.name}: ${error?.message}`);
    assert.equal(error.status, 404);
    assert.equal(error.error.error.type, 'not_found_error');
    assert.match(error.message, /claude-nonesuch-9/);
  });
});
