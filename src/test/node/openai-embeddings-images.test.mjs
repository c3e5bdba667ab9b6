// openai (npm) against POST /v1/embeddings and /v1/images/generations. embeddings.create asks for base64 by default
// and decodes it itself (little-endian float32): a gateway that wrote floats there, or the wrong byte order, breaks
// every openai-npm app silently, with vectors of the wrong length or garbage values.
import { beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { BASE_URL, KEY, lastUpstreamRequest, resetSimulator, script } from './harness.mjs';

const client = new OpenAI({ baseURL: `${BASE_URL}/v1`, apiKey: KEY, maxRetries: 0 });
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

const norm = (vector) => Math.sqrt(vector.reduce((sum, v) => sum + v * v, 0));

beforeEach(resetSimulator);

for (const model of ['openai/text-embedding-3-small', 'google/gemini-embedding-001']) {
  describe(`embeddings.create on ${model}`, () => {
    test('the default (base64) path decodes to the same vectors as floats, in input order', async () => {
      const input = ['red apples', 'green pears'];
      const decoded = await client.embeddings.create({ model, input, dimensions: 32 });
      const floats = await client.embeddings.create({ model, input, dimensions: 32, encoding_format: 'float' });

      assert.equal(decoded.object, 'list');
      assert.equal(decoded.model, model);
      assert.equal(decoded.data.length, 2);
      for (let i = 0; i < 2; i++) {
        assert.equal(decoded.data[i].index, i);
        assert.equal(decoded.data[i].embedding.length, 32);
        // the simulator's vectors are unit length: garbage from a wrong byte order would not be
        assert.ok(Math.abs(norm(decoded.data[i].embedding) - 1) < 1e-4, `norm ${norm(decoded.data[i].embedding)}`);
        assert.deepEqual(decoded.data[i].embedding, floats.data[i].embedding.map(Math.fround));
      }
      assert.notDeepEqual(decoded.data[0].embedding, decoded.data[1].embedding);
      assert.ok(decoded.usage.prompt_tokens > 0);
      assert.equal(decoded.usage.total_tokens, decoded.usage.prompt_tokens);
    });
  });
}

describe('embeddings errors', () => {
  test('a chat model is a BadRequestError (400) naming the model', async () => {
    await assert.rejects(client.embeddings.create({ model: 'anthropic/claude-sonnet-4.6', input: 'hi' }),
      (error) => error instanceof OpenAI.BadRequestError && /claude-sonnet-4\.6/.test(error.message));
  });

  test('a provider failure falls back to the next model', async () => {
    await script({ error: { status: 503, message: 'overloaded' } });

    const result = await client.embeddings.create({
      model: 'openai/text-embedding-3-small', input: 'fallback', dimensions: 8,
      providerOptions: { gateway: { models: ['google/gemini-embedding-001'] } },
    });

    assert.equal(result.model, 'google/gemini-embedding-001');
    assert.equal(result.data[0].embedding.length, 8);
    assert.match((await lastUpstreamRequest()).path, /gemini-embedding-001:embedContent$/);
  });
});

describe('images.generate', () => {
  for (const model of ['openai/gpt-image-1', 'google/gemini-2.5-flash-image']) {
    test(`${model}: a valid PNG as b64_json, with usage`, async () => {
      const result = await client.images.generate({ model, prompt: 'A lighthouse at dusk', size: '1024x1024' });

      assert.equal(result.data.length, 1);
      const png = Buffer.from(result.data[0].b64_json, 'base64');
      assert.deepEqual([...png.subarray(0, 8)], PNG_SIGNATURE);
      assert.ok(result.usage.output_tokens > 0);
      assert.ok(result.created > 0);
    });
  }

  test('response_format url is a BadRequestError (400)', async () => {
    await assert.rejects(client.images.generate({ model: 'openai/gpt-image-1', prompt: 'x', response_format: 'url' }),
      (error) => error instanceof OpenAI.BadRequestError && /b64_json/.test(error.message));
  });
});
