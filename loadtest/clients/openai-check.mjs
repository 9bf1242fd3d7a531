// Drives a running slhf-serve with the official OpenAI Node SDK (npm "openai", pinned in
// package.json): every call an SDK user makes first must work as the SDK expects, and a field we
// refuse must surface as the SDK's BadRequestError naming the field. Exits non-zero on the first
// failed check.
//
//   cd loadtest/clients && npm ci && BASE_URL=http://127.0.0.1:8000/v1 node openai-check.mjs
//
// Environment: BASE_URL (default http://127.0.0.1:8000/v1), MODEL (a loaded model, default
// slhf-tiny: the bundled demo), PIPELINE (the refinement id, default slhf), OPENAI_API_KEY (any
// value unless the server runs with API keys).
import assert from 'node:assert/strict';
import OpenAI, { BadRequestError } from 'openai';

const baseURL = process.env.BASE_URL ?? 'http://127.0.0.1:8000/v1';
const MODEL = process.env.MODEL ?? 'slhf-tiny';
const PIPELINE = process.env.PIPELINE ?? 'slhf';
// maxRetries 0: a retried 5xx would hide a server error behind a later success
const client = new OpenAI({ baseURL, apiKey: process.env.OPENAI_API_KEY ?? 'unused', maxRetries: 0, timeout: 120_000 });

const greedy = { temperature: 0, max_tokens: 12 };
let passed = 0;

async function check(name, fn) {
  try {
    await fn();
    passed++;
    console.log(`ok   ${name}`);
  } catch (e) {
    console.error(`FAIL ${name}: ${e?.stack ?? e}`);
    process.exit(1);
  }
}

await check('models.list', async () => {
  const ids = [];
  for await (const m of client.models.list()) {
    assert.equal(m.object, 'model');
    ids.push(m.id);
  }
  assert.ok(ids.includes(MODEL), `${MODEL} in ${ids}`);
  assert.ok(ids.includes(PIPELINE), `${PIPELINE} in ${ids}`);
});

await check('models.retrieve', async () => {
  const m = await client.models.retrieve(MODEL);
  assert.equal(m.id, MODEL);
  assert.equal(m.object, 'model');
  await assert.rejects(client.models.retrieve('no-such-model'), (e) => e instanceof OpenAI.NotFoundError);
});

const messages = [{ role: 'user', content: 'Sort the numbers: 3 1 2' }];
let plainText;

await check('chat.completions.create', async () => {
  const r = await client.chat.completions.create({ model: MODEL, messages, ...greedy });
  assert.equal(r.object, 'chat.completion');
  assert.equal(r.choices.length, 1);
  assert.equal(r.choices[0].message.role, 'assistant');
  assert.equal(typeof r.choices[0].message.content, 'string');
  assert.ok(['stop', 'length'].includes(r.choices[0].finish_reason), r.choices[0].finish_reason);
  assert.ok(r.usage.completion_tokens > 0 && r.usage.completion_tokens <= greedy.max_tokens, JSON.stringify(r.usage));
  plainText = r.choices[0].message.content;
});

await check('chat.completions.create on the refinement pipeline', async () => {
  const r = await client.chat.completions.create({ model: PIPELINE, messages, ...greedy });
  assert.equal(r.model, PIPELINE);
  assert.equal(typeof r.choices[0].message.content, 'string');
});

await check('chat.completions.create stream (include_usage)', async () => {
  const stream = await client.chat.completions.create({
    model: MODEL, messages, ...greedy, stream: true, stream_options: { include_usage: true },
  });
  let text = '';
  let finish = null;
  let usage = null;
  for await (const chunk of stream) {
    assert.equal(chunk.object, 'chat.completion.chunk');
    for (const c of chunk.choices) {
      text += c.delta?.content ?? '';
      finish = c.finish_reason ?? finish;
    }
    usage = chunk.usage ?? usage;
  }
  assert.ok(finish, 'a chunk carries finish_reason');
  assert.ok(usage && usage.completion_tokens > 0, 'the last chunk carries usage');
  assert.equal(text, plainText, 'greedy stream = greedy non-stream');
});

await check('chat.completions.create with penalties and logit_bias', async () => {
  const penalised = await client.chat.completions.create({
    model: MODEL, messages, ...greedy, frequency_penalty: 1.5, presence_penalty: 1.0,
  });
  assert.equal(typeof penalised.choices[0].message.content, 'string');
  // +100 on one token id makes greedy decoding pick it every step: the text must change
  const biased = await client.chat.completions.create({
    model: MODEL, messages, ...greedy, logit_bias: { 30: 100 }, logprobs: true,
  });
  const tokens = biased.choices[0].logprobs.content.map((t) => t.token);
  assert.ok(tokens.length > 1, JSON.stringify(tokens));
  assert.ok(tokens.every((t) => t === tokens[0]), `one forced token, got ${JSON.stringify(tokens)}`);
  assert.notEqual(biased.choices[0].message.content, plainText);
});

await check('completions.create', async () => {
  const r = await client.completions.create({ model: MODEL, prompt: 'Once upon a time', ...greedy });
  assert.equal(r.object, 'text_completion');
  assert.equal(typeof r.choices[0].text, 'string');
  assert.ok(r.usage.prompt_tokens > 0);
});

await check('responses.create', async () => {
  const r = await client.responses.create({ model: MODEL, input: 'Sort the numbers: 3 1 2', temperature: 0, max_output_tokens: 12 });
  assert.equal(r.object, 'response');
  assert.equal(r.status, 'completed');
  assert.equal(typeof r.output_text, 'string');
  assert.ok(r.output_text.length > 0, 'output_text (the SDK joins the output_text parts)');
});

await check('responses.create stream', async () => {
  const stream = await client.responses.create({
    model: MODEL, input: 'Sort the numbers: 3 1 2', temperature: 0, max_output_tokens: 12, stream: true,
  });
  let deltas = '';
  let completed = null;
  const types = new Set();
  for await (const event of stream) {
    types.add(event.type);
    if (event.type === 'response.output_text.delta') deltas += event.delta;
    if (event.type === 'response.completed') completed = event.response;
  }
  assert.ok(types.has('response.created'), [...types].join(','));
  assert.ok(completed, `response.completed among ${[...types]}`);
  assert.equal(completed.output[0].content[0].text, deltas, 'the deltas add up to the final text');
});

await check('refused field: response_format json_object -> 400 BadRequestError naming it', async () => {
  await assert.rejects(
    client.chat.completions.create({ model: MODEL, messages, ...greedy, response_format: { type: 'json_object' } }),
    (e) => {
      assert.ok(e instanceof BadRequestError, `BadRequestError, got ${e?.constructor?.name}: ${e}`);
      assert.equal(e.status, 400);
      assert.match(e.message, /response_format/);
      assert.equal(e.param, 'response_format');
      assert.equal(e.code, 'unsupported_parameter');
      return true;
    },
  );
});

console.log(`openai-check: ${passed} checks passed against ${baseURL}`);
