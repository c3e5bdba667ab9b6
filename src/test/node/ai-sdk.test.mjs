// Vercel's AI SDK through @ai-sdk/openai-compatible against /v1: generateText and streamText to an Anthropic
// provider, with the finish reason and usage the SDK derives from Caravan's chunks.
import { beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateText, streamText } from 'ai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { BASE_URL, KEY, resetSimulator, script } from './harness.mjs';

// includeUsage: the SDK asks for stream_options.include_usage and reads the final usage-only chunk
const caravan = createOpenAICompatible({ name: 'caravan', baseURL: `${BASE_URL}/v1`, apiKey: KEY, includeUsage: true });
const model = caravan('anthropic/claude-sonnet-4.6');

beforeEach(resetSimulator);

describe('AI SDK (openai-compatible provider)', () => {
  test('generateText: text, finish reason and usage', async () => {
    await script({ text: 'Bonjour!', usage: [9, 2] });

    const result = await generateText({ model, prompt: 'Say hello in French', maxRetries: 0 });

    assert.equal(result.text, 'Bonjour!');
    assert.equal(result.finishReason, 'stop');
    assert.equal(result.usage.inputTokens, 9);
    assert.equal(result.usage.outputTokens, 2);
  });

  test('streamText: the text in pieces, then finish reason and usage', async () => {
    await script({ text: 'one two three', chunks: 3, usage: [7, 3] });

    const result = streamText({ model, prompt: 'Count', maxRetries: 0 });
    const pieces = [];
    for await (const piece of result.textStream) pieces.push(piece);

    assert.ok(pieces.length > 1, `one piece only: ${JSON.stringify(pieces)}`);
    assert.equal(pieces.join(''), 'one two three');
    assert.equal(await result.finishReason, 'stop');
    assert.equal((await result.usage).outputTokens, 3);
  });
});
