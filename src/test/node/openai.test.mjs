// openai (npm) against POST /v1/chat/completions and /v1/responses, to an Anthropic-format and an OpenAI-format
// provider: whole and streamed, a function call round trip on the Responses API, and the SDK's error classes.
import { beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import {
  ANSWER, ANSWER_REPLY, BASE_URL, KEY, TARGETS, TOOL_CALL_REPLY, TOOL_RESULT, WEATHER_SCHEMA,
  assertUpstreamGotToolResult, resetSimulator, script,
} from './harness.mjs';

const client = new OpenAI({ baseURL: `${BASE_URL}/v1`, apiKey: KEY, maxRetries: 0 });

const QUESTION = 'What is the weather in Paris?';
const responsesRequest = (model, input) => ({
  model,
  instructions: 'You are terse.',
  input,
  tools: [{ type: 'function', name: 'get_weather', description: 'Weather in a city', parameters: WEATHER_SCHEMA,
    strict: false }],
});

/** The question, the model's function call and the client's output for it: the round trip's second input. */
const withFunctionOutput = (call) => [
  { role: 'user', content: QUESTION },
  { type: 'function_call', call_id: call.call_id, name: call.name, arguments: call.arguments },
  { type: 'function_call_output', call_id: call.call_id, output: TOOL_RESULT },
];

function assertCallsForTheWeather(response) {
  assert.equal(response.status, 'completed');
  const call = response.output.find((item) => item.type === 'function_call');
  assert.ok(call, `no function_call in ${JSON.stringify(response.output)}`);
  assert.equal(call.name, 'get_weather');
  assert.deepEqual(JSON.parse(call.arguments), { city: 'Paris' });
  assert.ok(call.call_id);
  return call;
}

function assertAnswers(response) {
  assert.equal(response.status, 'completed');
  const message = response.output.find((item) => item.type === 'message');
  assert.equal(message.content[0].text, ANSWER);
  assert.equal(response.usage.output_tokens, 8);
}

beforeEach(resetSimulator);

for (const target of TARGETS) {
  describe(`chat.completions to ${target.model}`, () => {
    test('create: the answer, its finish reason and usage', async () => {
      await script({ text: 'Bonjour!', usage: [9, 2] });

      const { data: completion, response } = await client.chat.completions.create({
        model: target.model,
        messages: [{ role: 'system', content: 'Answer in French.' }, { role: 'user', content: 'Say hello' }],
      }).withResponse();

      assert.equal(completion.model, target.model);
      assert.equal(completion.choices[0].message.content, 'Bonjour!');
      assert.equal(completion.choices[0].finish_reason, 'stop');
      assert.equal(completion.usage.prompt_tokens, 9);
      assert.equal(completion.usage.completion_tokens, 2);
      assert.equal(response.headers.get('x-caravan-provider'), target.provider);
    });

    test('create with stream: content deltas, a finish reason, then a usage chunk', async () => {
      await script({ text: 'one two three', chunks: 3, usage: [7, 3] });

      const stream = await client.chat.completions.create({
        model: target.model,
        messages: [{ role: 'user', content: 'Count' }],
        stream: true,
        stream_options: { include_usage: true },
      });
      const deltas = [];
      let finish;
      let usage;
      for await (const chunk of stream) {
        for (const choice of chunk.choices) {
          if (choice.delta.content) deltas.push(choice.delta.content);
          finish = choice.finish_reason ?? finish;
        }
        usage = chunk.usage ?? usage;
      }
      assert.ok(deltas.length > 1, `one delta only: ${JSON.stringify(deltas)}`);
      assert.equal(deltas.join(''), 'one two three');
      assert.equal(finish, 'stop');
      assert.equal(usage?.completion_tokens, 3);
    });

    test('the stream helper: a tool call accumulated into the final completion', async () => {
      await script(TOOL_CALL_REPLY);

      const stream = client.chat.completions.stream({
        model: target.model,
        messages: [{ role: 'user', content: QUESTION }],
        tools: [{ type: 'function', function: { name: 'get_weather', parameters: WEATHER_SCHEMA } }],
      });
      const completion = await stream.finalChatCompletion();

      const choice = completion.choices[0];
      assert.equal(choice.finish_reason, 'tool_calls');
      assert.equal(choice.message.tool_calls.length, 1);
      assert.equal(choice.message.tool_calls[0].function.name, 'get_weather');
      assert.deepEqual(JSON.parse(choice.message.tool_calls[0].function.arguments), { city: 'Paris' });
    });
  });

  describe(`responses to ${target.model}`, () => {
    test('create: a function call round trip (function_call, then function_call_output)', async () => {
      await script(TOOL_CALL_REPLY, ANSWER_REPLY);

      const first = await client.responses.create(responsesRequest(target.model, QUESTION));
      const call = assertCallsForTheWeather(first);

      const answer = await client.responses.create(responsesRequest(target.model, withFunctionOutput(call)));
      assertAnswers(answer);
      assert.equal(answer.output_text, ANSWER);
      await assertUpstreamGotToolResult(target, call.call_id);
    });

    test('stream: a function call round trip, typed events in sequence', async () => {
      await script(TOOL_CALL_REPLY, ANSWER_REPLY);

      const firstEvents = [];
      const first = client.responses.stream(responsesRequest(target.model, QUESTION));
      for await (const event of first) firstEvents.push(event);
      const call = assertCallsForTheWeather(await first.finalResponse());
      const argumentDeltas = firstEvents.filter((e) => e.type === 'response.function_call_arguments.delta');
      assert.deepEqual(JSON.parse(argumentDeltas.map((e) => e.delta).join('')), { city: 'Paris' });

      const events = [];
      const second = client.responses.stream(responsesRequest(target.model, withFunctionOutput(call)));
      for await (const event of second) events.push(event);
      assertAnswers(await second.finalResponse());
      const textDeltas = events.filter((e) => e.type === 'response.output_text.delta').map((e) => e.delta);
      assert.ok(textDeltas.length > 1, `one delta only: ${JSON.stringify(textDeltas)}`);
      assert.equal(textDeltas.join(''), ANSWER);
      assert.equal(events.at(-1).type, 'response.completed');
      const numbers = events.map((e) => e.sequence_number);
      assert.deepEqual(numbers, [...numbers].sort((a, b) => a - b));
      assert.equal(new Set(numbers).size, numbers.length);
      await assertUpstreamGotToolResult(target, call.call_id);
    });
  });
}

describe('errors as the SDK classes', () => {
  test('a bad key is an AuthenticationError (401)', async () => {
    const stranger = new OpenAI({ baseURL: `${BASE_URL}/v1`, apiKey: 'cvn-not-a-key', maxRetries: 0 });
    const error = await stranger.chat.completions.create({
      model: 'openai/gpt-5-mini', messages: [{ role: 'user', content: 'hi' }],
    }).then(() => assert.fail('a bad key was served'), (e) => e);
    assert.ok(error instanceof OpenAI.AuthenticationError, `${error?.constructor?.name}: ${error?.message}`);
    assert.equal(error.status, 401);
    assert.equal(error.type, 'authentication_error');
    assert.doesNotMatch(error.message, /cvn-not-a-key/);
  });

  test('an unknown model is a NotFoundError (404) on the Responses API too', async () => {
    const error = await client.responses.create({ model: 'acme/unknown', input: 'hi' }).then(
      () => assert.fail('an unknown model was served'), (e) => e);
    assert.ok(error instanceof OpenAI.NotFoundError, `${error?.constructor?.name}: ${error?.message}`);
    assert.equal(error.status, 404);
    assert.match(error.message, /acme\/unknown/);
  });
});
