// Vercel's AI SDK through @ai-sdk/openai-compatible against /v1/embeddings and /v1/images/generations: embed,
// embedMany (with dimensions) and generateImage, which reads b64_json.
import { beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { embed, embedMany, generateImage } from 'ai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { BASE_URL, KEY, lastUpstreamRequest, resetSimulator } from './harness.mjs';

const caravan = createOpenAICompatible({ name: 'caravan', baseURL: `${BASE_URL}/v1`, apiKey: KEY });
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

beforeEach(resetSimulator);

describe('AI SDK (openai-compatible provider): embeddings and images', () => {
  test('embed: one vector of the provider\'s default size, with its token usage', async () => {
    const { embedding, usage } = await embed({
      model: caravan.embeddingModel('openai/text-embedding-3-small'), value: 'sunny day', maxRetries: 0,
    });

    assert.equal(embedding.length, 1536);
    assert.ok(usage.tokens > 0);
  });

  test('embedMany on Gemini: one vector per value, in order, at the dimensions asked for', async () => {
    const { embeddings } = await embedMany({
      model: caravan.embeddingModel('google/gemini-embedding-001'), values: ['a', 'b', 'c'], dimensions: 16,
      maxRetries: 0,
    });

    assert.equal(embeddings.length, 3);
    embeddings.forEach((vector) => assert.equal(vector.length, 16));
    assert.notDeepEqual(embeddings[0], embeddings[1]);
    assert.match((await lastUpstreamRequest()).path, /:batchEmbedContents$/);
  });

  test('generateImage: a PNG from a Gemini image model', async () => {
    const { image } = await generateImage({
      model: caravan.imageModel('google/gemini-2.5-flash-image'), prompt: 'A red bicycle', size: '1024x1024',
      maxRetries: 0,
    });

    assert.deepEqual([...image.uint8Array.subarray(0, 8)], PNG_SIGNATURE);
  });
});
