// The demo shop end to end: a real `weft serve` (every listener on port 0, a fresh data dir), the
// whole shop from `weft-shop run` on free ports (eight C++ services + the JavaScript `checkout`),
// 30 checkouts from `weft-shop load`, then the traces read back from weft: Jaeger API
// (/api/traces?service=fulfillment) for the ids, Tempo API (/api/traces/{id}, OTLP JSON) for the
// spans. One checkout trace must show, with nothing missing:
//   - spans from all nine services, checkout's from the OpenTelemetry JS SDK (telemetry.sdk.language
//     nodejs), no span whose parent is absent;
//   - the JS hop both ways: checkout's SERVER span is the child of a frontend CLIENT span, and the
//     payment, inventory and shipping SERVER spans are children of checkout CLIENT spans;
//   - the queue hop: a fulfillment CONSUMER span whose parent is the shipping PRODUCER span and
//     which links to it, with the messaging attributes;
//   - database CLIENT spans (db.system.name, db.query.text) in cart, catalog and inventory.
//
// Run: WEFT_BINARY=build/bin/weft WEFT_SHOP_BINARY=build/bin/weft-shop node --test
// tests/demo/demo_shop.test.mjs (ctest does this: demo_shop). Needs src/demo/js/node_modules
// (scripts/setup runs `npm ci` there).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

const SERVICES = ['frontend', 'cart', 'catalog', 'checkout', 'payment', 'inventory', 'shipping',
  'queue', 'fulfillment'];
const JS_DIR = new URL('../../src/demo/js/', import.meta.url);
const EXPORT_DEADLINE_MS = 20_000;

const weftBinary = process.env.WEFT_BINARY || 'build/bin/weft';
const shopBinary = process.env.WEFT_SHOP_BINARY || 'build/bin/weft-shop';
const workDir = mkdtempSync(join(tmpdir(), 'weft-demo-test-'));
const children = [];
process.on('exit', () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(workDir, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------
// Processes

function start(binary, args) {
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.output = '';
  child.stdout.setEncoding('utf8').on('data', (s) => (child.output += s));
  child.stderr.setEncoding('utf8').on('data', (s) => (child.output += s));
  child.exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  children.push(child);
  return child;
}

async function waitForOutput(child, pattern, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const match = child.output.match(pattern);
    if (match) return match;
    if (child.exitCode !== null) break;
    await sleep(50);
  }
  throw new Error(`${what} not ready (exit ${child.exitCode}):\n${child.output}`);
}

async function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null) return child.exited;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  const result = await child.exited;
  clearTimeout(timer);
  return result;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function portFree(port) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

// A base port with the nine ports after it free (the shop uses base .. base+8).
async function freeBasePort() {
  for (let attempt = 0; attempt < 100; attempt++) {
    const base = 20000 + Math.floor(Math.random() * 40000);
    let free = true;
    for (let i = 0; i < SERVICES.length && free; i++) free = await portFree(base + i);
    if (free) return base;
  }
  throw new Error('no nine consecutive free ports found');
}

async function getJson(address, path) {
  const response = await fetch(`http://${address}${path}`);
  if (response.status !== 200) return null;
  return response.json();
}

// ---------------------------------------------------------------------------------------------
// Checking one trace (Tempo's OTLP JSON)

function attributeValue(attributes, key) {
  const found = (attributes || []).find((a) => a.key === key);
  if (!found) return undefined;
  const v = found.value;
  return v.stringValue ?? v.intValue ?? v.boolValue ?? v.doubleValue;
}

const KIND = { server: 2, client: 3, producer: 4, consumer: 5 };
const kindOf = (span) => (typeof span.kind === 'number' ? span.kind : KIND[String(span.kind).replace('SPAN_KIND_', '').toLowerCase()]);

function flatten(otlp) {
  const spans = [];
  for (const batch of otlp.batches || otlp.resourceSpans || []) {
    const service = attributeValue(batch.resource?.attributes, 'service.name');
    const language = attributeValue(batch.resource?.attributes, 'telemetry.sdk.language');
    for (const scope of batch.scopeSpans || []) {
      for (const span of scope.spans) spans.push({ ...span, service, language, kind: kindOf(span) });
    }
  }
  return spans;
}

// The list of what is missing from `spans` (empty when the trace is complete).
function problemsOf(spans) {
  const problems = [];
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const parentOf = (s) => (s.parentSpanId ? byId.get(s.parentSpanId) : undefined);
  const services = new Set(spans.map((s) => s.service));
  for (const service of SERVICES) if (!services.has(service)) problems.push(`no ${service} span`);
  for (const s of spans) {
    if (s.parentSpanId && !byId.has(s.parentSpanId)) problems.push(`${s.service} "${s.name}" has a missing parent`);
  }
  const checkoutSpans = spans.filter((s) => s.service === 'checkout');
  if (checkoutSpans.some((s) => s.language !== 'nodejs')) problems.push('checkout spans are not from the JS SDK');

  // Into JavaScript: frontend CLIENT -> checkout SERVER.
  const jsServer = checkoutSpans.find((s) => s.kind === KIND.server);
  const jsParent = jsServer && parentOf(jsServer);
  if (!jsServer || !jsParent || jsParent.service !== 'frontend' || jsParent.kind !== KIND.client) {
    problems.push('checkout SERVER span is not the child of a frontend CLIENT span');
  }
  // Out of JavaScript: checkout CLIENT -> payment / inventory / shipping SERVER.
  for (const callee of ['payment', 'inventory', 'shipping']) {
    const ok = spans.some((s) => {
      const parent = parentOf(s);
      return s.service === callee && s.kind === KIND.server && parent &&
        parent.service === 'checkout' && parent.kind === KIND.client;
    });
    if (!ok) problems.push(`no ${callee} SERVER span under a checkout CLIENT span`);
  }

  // The queue hop.
  const producer = spans.find((s) => s.service === 'shipping' && s.kind === KIND.producer);
  const consumer = spans.find((s) => s.service === 'fulfillment' && s.kind === KIND.consumer);
  if (!producer) problems.push('no shipping PRODUCER span');
  if (!consumer) problems.push('no fulfillment CONSUMER span');
  if (producer && consumer) {
    if (consumer.parentSpanId !== producer.spanId) problems.push('CONSUMER parent is not the PRODUCER');
    if (!(consumer.links || []).some((l) => l.spanId === producer.spanId && l.traceId === producer.traceId)) {
      problems.push('CONSUMER does not link to the PRODUCER');
    }
    for (const key of ['messaging.system', 'messaging.operation.type', 'messaging.destination.name']) {
      if (attributeValue(consumer.attributes, key) === undefined) problems.push(`CONSUMER lacks ${key}`);
      if (attributeValue(producer.attributes, key) === undefined) problems.push(`PRODUCER lacks ${key}`);
    }
  }

  // Database-like spans.
  for (const service of ['cart', 'catalog', 'inventory']) {
    const ok = spans.some((s) => s.service === service && s.kind === KIND.client &&
      attributeValue(s.attributes, 'db.system.name') && attributeValue(s.attributes, 'db.query.text'));
    if (!ok) problems.push(`no database CLIENT span in ${service}`);
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------

let weft;
let shop;
let listeners;
let basePort;

before(async () => {
  assert.ok(existsSync(new URL('node_modules/@opentelemetry/sdk-trace-base/package.json', JS_DIR)),
    'src/demo/js/node_modules is missing: run scripts/setup (it runs `npm ci` there)');
  weft = start(weftBinary, ['serve', '--data-dir', join(workDir, 'data'), '--head-idle', '2s',
    '--otlp-grpc-addr', '127.0.0.1:0', '--otlp-http-addr', '127.0.0.1:0', '--zipkin-addr', '127.0.0.1:0',
    '--tempo-addr', '127.0.0.1:0', '--http-addr', '127.0.0.1:0']);
  await waitForOutput(weft, /weft: ready/, 20_000, 'weft serve');
  listeners = Object.fromEntries([...weft.output.matchAll(/weft: listening (\S+) (\S+)/g)].map((m) => [m[1], m[2]]));

  basePort = await freeBasePort();
  shop = start(shopBinary, ['run', '--base-port', String(basePort), '--log-dir', join(workDir, 'logs'),
    '--otlp-endpoint', `http://${listeners['otlp-http']}`]);
  await waitForOutput(shop, /the shop is up/, 40_000, 'weft-shop run');
});

after(async () => {
  if (shop) {
    const result = await stop(shop);
    assert.equal(result.code, 0, `weft-shop run did not stop cleanly:\n${shop.output}`);
  }
  if (weft) await stop(weft);
});

test('a checkout trace crosses every service, the JS hop both ways and the queue hop', async (t) => {
  const load = start(shopBinary, ['load', '--base-port', String(basePort), '--requests', '30', '--rate', '15',
    '--no-progress']);
  const loaded = await load.exited;
  assert.equal(loaded.code, 0, load.output);
  const ok = Number(load.output.match(/(\d+) ok/)?.[1] ?? 0);
  assert.ok(ok >= 10, `too few checkouts succeeded: ${load.output}`);

  // Spans arrive within the SDKs' batch delay (1 s); poll until a complete trace is there.
  let best = { problems: ['no trace reached fulfillment'] };
  const deadline = Date.now() + EXPORT_DEADLINE_MS;
  while (Date.now() < deadline && best.problems.length > 0) {
    await sleep(1000);
    const list = await getJson(listeners.http, '/api/traces?service=fulfillment&limit=20');
    for (const listed of list?.data ?? []) {
      const otlp = await getJson(listeners.tempo, `/api/traces/${listed.traceID}`);
      if (!otlp) continue;
      const problems = problemsOf(flatten(otlp));
      if (!best.traceId || problems.length < best.problems.length) best = { traceId: listed.traceID, problems };
      if (problems.length === 0) break;
    }
  }
  if (best.problems.length > 0) {
    const logs = readdirSync(join(workDir, 'logs')).map((f) =>
      `--- ${f}\n${readFileSync(join(workDir, 'logs', f), 'utf8').slice(-1500)}`).join('\n');
    assert.fail(`no complete checkout trace; the best (${best.traceId}) lacks:\n  ` +
      `${best.problems.join('\n  ')}\nservice logs:\n${logs}`);
  }
  t.diagnostic(`complete trace ${best.traceId}`);
});
