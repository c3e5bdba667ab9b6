// What every client case shares: the gateway's address and key, the simulator's script, and the tool round trip
// they all play (the model asks for the weather in Paris, the client answers {"celsius":21}, the model replies).
// NodeClientsTest starts the gateway and the simulator and passes the addresses in the environment.
// openai 7 and ai 7 declare Node 22 in `engines`; the machines have Node 20, on which these cases pass (npm ci only
// warns), so a break on Node 20 shows up here first.
import assert from 'node:assert/strict';

function required(name) {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set: these cases run inside NodeClientsTest (bin/caravan test -Dtest=NodeClientsTest)`);
  }
  return value;
}

export const BASE_URL = required('CARAVAN_BASE_URL');
export const KEY = required('CARAVAN_KEY');
const CONTROL_URL = required('SIMULATOR_CONTROL_URL');

/** One provider per wire format the gateway translates to, with the path the simulator sees for it. */
export const TARGETS = [
  { model: 'anthropic/claude-sonnet-4.6', provider: 'anthropic', path: '/v1/messages' },
  { model: 'openai/gpt-5-mini', provider: 'openai', path: '/v1/chat/completions' },
];

export const WEATHER_SCHEMA = {
  type: 'object',
  properties: { city: { type: 'string' } },
  required: ['city'],
};
export const TOOL_RESULT = '{"celsius":21}';
export const ANSWER = '21 degrees in Paris.';

/** The simulated model's two turns of the round trip: a tool call, then (in three stream pieces) the answer. */
export const TOOL_CALL_REPLY = { toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris' } }], usage: [40, 10] };
export const ANSWER_REPLY = { text: ANSWER, chunks: 3, usage: [60, 8] };

async function control(method, path, body) {
  const response = await fetch(CONTROL_URL + path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) {
    throw new Error(`simulator control ${path}: ${response.status} ${await response.text()}`);
  }
  return response.status === 204 ? null : response.json();
}

/** Clears what a previous case queued or opened (replies, records, circuits). */
export const resetSimulator = () => control('POST', '/reset');

/** Queues the simulated model's next replies, in order. */
export const script = (...replies) => control('POST', '/replies', replies);

/** The last request the provider received, `{path, body}`, as the gateway translated it. */
export const lastUpstreamRequest = () => control('GET', '/last-request');

/**
 * Asserts that the provider got the client's tool result in its own format, answering the call id the client was
 * given: a `tool_result` block for Anthropic, a `tool` message for OpenAI.
 */
export async function assertUpstreamGotToolResult(target, callId) {
  const upstream = await lastUpstreamRequest();
  assert.equal(upstream.path, target.path);
  const last = upstream.body.messages.at(-1);
  if (target.path === '/v1/messages') {
    const block = last.content.find((b) => b.type === 'tool_result');
    assert.ok(block, `no tool_result in ${JSON.stringify(last)}`);
    assert.equal(block.tool_use_id, callId);
    assert.match(JSON.stringify(block.content), /celsius/);
  } else {
    assert.equal(last.role, 'tool');
    assert.equal(last.tool_call_id, callId);
    assert.match(JSON.stringify(last.content), /celsius/);
  }
}
