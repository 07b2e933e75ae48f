// Interop: the official OpenTelemetry JS SDK exports a trace to a real `weft serve` through each of
// its four trace exporters (OTLP/HTTP protobuf, OTLP/HTTP JSON, OTLP/gRPC, Zipkin), and the trace
// read back from weft's Tempo endpoint (GET /api/traces/<id>) must carry every field the exporter
// sent: ids, parent, names, kinds, nanosecond times, typed attributes, events, links, status,
// resource and instrumentation scope.
//
// Zipkin v2 cannot carry everything, so for it the test asserts what Zipkin does carry and no more:
//   - times are microseconds (the JS exporter sends a fractional `timestamp` and a rounded
//     `duration`), so start/end/event times are compared within 1-2 us;
//   - tags are strings: every attribute comes back as a stringValue (String(jsValue); arrays are
//     joined with commas), and the exporter adds `otel.status_code`, `error` and the resource
//     attributes as extra tags (extra attributes are therefore allowed for Zipkin only);
//   - annotations have no attributes, so events keep only their name and time;
//   - there are no links and no instrumentation scope;
//   - status ERROR travels as the `error` tag, whose value is the status message.
//
// Run: WEFT_BINARY=build/bin/weft node --test tests/interop/otel_js_interop.test.mjs (ctest does
// this: interop_otel_js). Needs tests/interop/node_modules: scripts/setup runs `npm ci` here.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { after, before, describe, it, test } from 'node:test';

const HERE = new URL('.', import.meta.url);
const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;
const LISTENERS = ['otlp-grpc', 'otlp-http', 'zipkin', 'tempo', 'http'];

const depsInstalled = existsSync(
  new URL('node_modules/@opentelemetry/sdk-trace-base/package.json', HERE),
);

if (!depsInstalled) {
  test('OpenTelemetry JS packages are installed', () => {
    assert.fail(
      'tests/interop/node_modules is missing: run scripts/setup ' +
        '(it runs `npm ci` in tests/interop from package-lock.json)',
    );
  });
} else {
  await defineInteropTests();
}

// ---------------------------------------------------------------------------------------------
// `weft serve` as a child process.

// Starts `weft serve` (the default embedded store, in a fresh directory removed when the test
// process exits) with every listener on port 0 and resolves once it prints `weft: ready`, with the
// address of each listener parsed from its `weft: listening <name> <host>:<port>` lines.
function startWeft(binary) {
  const dataDir = mkdtempSync(join(tmpdir(), 'weft-interop-'));
  process.on('exit', () => rmSync(dataDir, { recursive: true, force: true }));
  const args = [
    'serve',
    '--data-dir', dataDir,
    '--otlp-grpc-addr', '127.0.0.1:0',
    '--otlp-http-addr', '127.0.0.1:0',
    '--zipkin-addr', '127.0.0.1:0',
    '--tempo-addr', '127.0.0.1:0',
    '--http-addr', '127.0.0.1:0',
  ];
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const server = { child, listeners: {}, stdout: [], stderr: '', exit: null };
  // A last resort if the test process dies without running `after`.
  const killOnExit = () => child.kill('SIGKILL');
  process.on('exit', killOnExit);
  server.exited = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      process.off('exit', killOnExit);
      server.exit = { code, signal };
      resolve(server.exit);
    });
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => {
    server.stderr = (server.stderr + chunk).slice(-16_384);
  });
  const describeOutput = () =>
    `stdout:\n${server.stdout.join('\n')}\nstderr:\n${server.stderr}`;
  server.describeOutput = describeOutput;

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`weft serve printed no "weft: ready" within ${READY_TIMEOUT_MS} ms\n` +
        describeOutput()));
    }, READY_TIMEOUT_MS);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`cannot start ${binary}: ${err.message}`));
    });
    server.exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`weft serve exited before it was ready (code ${code}, signal ${signal})\n` +
        describeOutput()));
    });
    // Keep reading stdout for the server's whole life so its pipe never fills up.
    createInterface({ input: child.stdout }).on('line', (line) => {
      server.stdout.push(line);
      if (server.stdout.length > 200) server.stdout.shift();
      const m = /^weft: listening (\S+) (\S+):(\d+)$/.exec(line);
      if (m) {
        server.listeners[m[1]] = `${m[2]}:${m[3]}`;
      } else if (/^weft: ready\b/.test(line)) {
        clearTimeout(timer);
        const missing = LISTENERS.filter((name) => !server.listeners[name]);
        if (missing.length > 0) {
          child.kill('SIGKILL');
          reject(new Error(`weft serve is ready but printed no listening line for ` +
            `${missing.join(', ')}\n${describeOutput()}`));
        } else {
          resolve(server);
        }
      }
    });
  });
}

// SIGTERM, then SIGKILL if it has not exited within STOP_TIMEOUT_MS. Resolves to
// { code, signal, killed } (killed: it needed SIGKILL).
async function stopWeft(server) {
  if (server.exit) return { ...server.exit, killed: false };
  server.child.kill('SIGTERM');
  let timer;
  const timedOut = new Promise((resolve) => {
    timer = setTimeout(() => resolve(null), STOP_TIMEOUT_MS);
  });
  const exit = await Promise.race([server.exited, timedOut]);
  clearTimeout(timer);
  if (exit) return { ...exit, killed: false };
  server.child.kill('SIGKILL');
  return { ...(await server.exited), killed: true };
}

// ---------------------------------------------------------------------------------------------
// Expected values, straight from what the JS SDK handed its exporter.

const hrToNanos = ([seconds, nanos]) => BigInt(seconds) * 1_000_000_000n + BigInt(nanos);

// A JS attribute value as the OTLP AnyValue the exporters put on the wire, in a normal form:
// ['string', s] | ['bool', b] | ['int', '<decimal>'] | ['double', n] | ['array', [...]].
function expectedAnyValue(value) {
  if (typeof value === 'string') return ['string', value];
  if (typeof value === 'boolean') return ['bool', value];
  if (typeof value === 'number') {
    return Number.isInteger(value) ? ['int', String(value)] : ['double', value];
  }
  if (Array.isArray(value)) return ['array', value.map(expectedAnyValue)];
  throw new Error(`unexpected attribute value ${JSON.stringify(value)}`);
}

function expectedAttributes(attributes) {
  return Object.fromEntries(
    Object.entries(attributes).map(([k, v]) => [k, expectedAnyValue(v)]),
  );
}

// What Zipkin's exporter sends for an attribute: String(value) (arrays joined with commas).
function zipkinAttributes(attributes) {
  return Object.fromEntries(
    Object.entries(attributes).map(([k, v]) => [k, ['string', String(v)]]),
  );
}

// ---------------------------------------------------------------------------------------------
// weft's answer, normalised. Type checks follow OTLP/JSON: 64-bit integers are decimal strings,
// ids are lowercase hex.

function actualAnyValue(value, where) {
  assert.equal(typeof value, 'object', `${where}: AnyValue must be an object`);
  const keys = Object.keys(value);
  assert.equal(keys.length, 1, `${where}: AnyValue must have exactly one field, got ${keys}`);
  const [kind] = keys;
  const v = value[kind];
  switch (kind) {
    case 'stringValue':
      assert.equal(typeof v, 'string', `${where}: stringValue`);
      return ['string', v];
    case 'boolValue':
      assert.equal(typeof v, 'boolean', `${where}: boolValue`);
      return ['bool', v];
    case 'intValue':
      assert.equal(typeof v, 'string', `${where}: intValue must be a decimal string (OTLP/JSON)`);
      assert.match(v, /^-?\d+$/, `${where}: intValue`);
      return ['int', v];
    case 'doubleValue':
      assert.equal(typeof v, 'number', `${where}: doubleValue`);
      return ['double', v];
    case 'arrayValue':
      return ['array', (v.values ?? []).map((e, i) => actualAnyValue(e, `${where}[${i}]`))];
    default:
      assert.fail(`${where}: unexpected AnyValue field ${kind}`);
  }
}

// KeyValue list -> { key: normalised value }, failing on duplicate keys.
function actualAttributes(list, where) {
  const out = {};
  for (const kv of list ?? []) {
    assert.equal(typeof kv.key, 'string', `${where}: attribute key`);
    assert.ok(!(kv.key in out), `${where}: duplicate attribute ${kv.key}`);
    out[kv.key] = actualAnyValue(kv.value, `${where}.${kv.key}`);
  }
  return out;
}

function nanosField(value, where) {
  assert.equal(typeof value, 'string', `${where} must be a decimal string (OTLP/JSON), got ${value}`);
  assert.match(value, /^\d+$/, where);
  return BigInt(value);
}

function assertWithin(actual, expected, toleranceNanos, where) {
  const diff = actual > expected ? actual - expected : expected - actual;
  assert.ok(diff <= toleranceNanos,
    `${where}: ${actual} is ${diff} ns from ${expected} (tolerance ${toleranceNanos} ns)`);
}

// Optional counters and flags: absent, or the value the exporter sent.
function assertOptional(actual, expected, where) {
  if (actual !== undefined) assert.equal(actual, expected, where);
}

async function fetchTrace(tempo, traceId) {
  const url = `http://${tempo}/api/traces/${traceId}`;
  const res = await fetch(url);
  const body = await res.text();
  assert.equal(res.status, 200, `GET ${url}: ${res.status} ${body.slice(0, 1000)}`);
  let trace;
  try {
    trace = JSON.parse(body);
  } catch (err) {
    assert.fail(`GET ${url}: not JSON (${err.message}): ${body.slice(0, 1000)}`);
  }
  assert.ok(Array.isArray(trace.batches), `GET ${url}: no "batches" array: ${body.slice(0, 1000)}`);
  // Flatten to one entry per span with its scope and resource.
  const spans = [];
  for (const batch of trace.batches) {
    for (const scopeSpans of batch.scopeSpans ?? []) {
      for (const span of scopeSpans.spans ?? []) {
        spans.push({ span, scope: scopeSpans.scope ?? {}, resource: batch.resource ?? {} });
      }
    }
  }
  return spans;
}

// ---------------------------------------------------------------------------------------------

async function defineInteropTests() {
  const api = await import('@opentelemetry/api');
  const { ExportResultCode } = await import('@opentelemetry/core');
  const { BasicTracerProvider, BatchSpanProcessor } = await import('@opentelemetry/sdk-trace-base');
  const { defaultResource, resourceFromAttributes } = await import('@opentelemetry/resources');
  const semconv = await import('@opentelemetry/semantic-conventions');
  const { OTLPTraceExporter: ProtoExporter } = await import(
    '@opentelemetry/exporter-trace-otlp-proto');
  const { OTLPTraceExporter: JsonExporter } = await import(
    '@opentelemetry/exporter-trace-otlp-http');
  const { OTLPTraceExporter: GrpcExporter } = await import(
    '@opentelemetry/exporter-trace-otlp-grpc');
  const { ZipkinExporter } = await import('@opentelemetry/exporter-zipkin');

  api.diag.setLogger(new api.DiagConsoleLogger(), api.DiagLogLevel.WARN);

  // Why a Zipkin export may fail where OTLP succeeds: the exporter's `timestamp` is
  // hrTimeToMicroseconds(startTime), fractional whenever the time has sub-microsecond digits
  // (always, with the SDK's default clock). A receiver must accept a non-integer number there.
  const ZIPKIN_HINT = ' (the OTel JS Zipkin exporter sends fractional microsecond timestamps, ' +
    'e.g. "timestamp": 1700000000123456.789; the Zipkin receiver must accept them)';
  const SCOPE_NAME = 'weft-interop';
  const SCOPE_VERSION = '1.2.3';
  const EXPORT_TIMEOUT_MS = 10_000;

  const EXPORTERS = [
    {
      name: 'otlp-http-proto',
      listener: 'otlp-http',
      make: (addr) => new ProtoExporter({ url: `http://${addr}/v1/traces`,
        timeoutMillis: EXPORT_TIMEOUT_MS }),
    },
    {
      name: 'otlp-http-json',
      listener: 'otlp-http',
      make: (addr) => new JsonExporter({ url: `http://${addr}/v1/traces`,
        timeoutMillis: EXPORT_TIMEOUT_MS }),
    },
    {
      name: 'otlp-grpc',
      listener: 'otlp-grpc',
      // http:// selects insecure credentials.
      make: (addr) => new GrpcExporter({ url: `http://${addr}`, timeoutMillis: EXPORT_TIMEOUT_MS }),
    },
    {
      name: 'zipkin',
      listener: 'zipkin',
      zipkin: true,
      make: (addr) => new ZipkinExporter({ url: `http://${addr}/api/v2/spans` }),
    },
  ];

  // Wraps an exporter to keep the spans it was given and the result of every export call (a
  // span processor only logs export failures; the test must see them).
  class RecordingExporter {
    constructor(inner) {
      this.inner = inner;
      this.spans = [];
      this.results = [];
    }
    export(spans, done) {
      this.spans.push(...spans);
      this.inner.export(spans, (result) => {
        this.results.push(result);
        done(result);
      });
    }
    shutdown() { return this.inner.shutdown(); }
    forceFlush() { return this.inner.forceFlush ? this.inner.forceFlush() : Promise.resolve(); }
  }

  // Emits a SERVER span with a CLIENT child through `tracer`, with explicit times (nanosecond
  // parts that are not whole microseconds, to show precision), attributes of every type, an
  // event, a link and an ERROR status on the child.
  function emitTrace(tracer) {
    const base = Math.floor(Date.now() / 1000) - 60;  // a minute ago, whole seconds
    const at = (seconds, nanos) => [base + seconds, nanos];
    const linked = {
      traceId: randomBytes(16).toString('hex'),
      spanId: randomBytes(8).toString('hex'),
      traceFlags: api.TraceFlags.SAMPLED,
      isRemote: true,
      traceState: api.createTraceState('vendor=opaque-value'),
    };
    const times = {
      parentStart: at(0, 123_456_789),
      childStart: at(0, 200_000_321),
      event: at(0, 500_000_007),
      childEnd: at(1, 750_250_999),
      parentEnd: at(2, 987_654_321),
    };
    const parentAttributes = {
      [semconv.ATTR_HTTP_REQUEST_METHOD]: 'POST',
      [semconv.ATTR_HTTP_ROUTE]: '/checkout/{cart}',
      [semconv.ATTR_URL_PATH]: '/checkout/c-42',
      [semconv.ATTR_HTTP_RESPONSE_STATUS_CODE]: 502,
      [semconv.ATTR_SERVER_ADDRESS]: 'shop.example',
    };
    const childAttributes = {
      'peer.service': 'payments',
      'app.unicode': 'héllo ✓ 世界',
      'app.attempt': 3,
      'app.big_int': 2 ** 40 + 3,
      'app.negative': -42,
      'app.ratio': 0.25,
      'app.amount': 1234.5678,
      'app.retried': true,
      'app.cached': false,
      'app.tags': ['alpha', 'beta', 'gamma'],
      'app.codes': [200, 404],
    };
    const eventAttributes = { 'retry.attempt': 2, 'retry.reason': 'timeout', 'retry.fatal': false };
    const linkAttributes = { 'link.reason': 'follows-from', 'link.weight': 0.5 };

    const parent = tracer.startSpan('POST /checkout/{cart}', {
      kind: api.SpanKind.SERVER,
      startTime: times.parentStart,
      attributes: parentAttributes,
    }, api.ROOT_CONTEXT);
    const child = tracer.startSpan('charge card', {
      kind: api.SpanKind.CLIENT,
      startTime: times.childStart,
      attributes: childAttributes,
      links: [{ context: linked, attributes: linkAttributes }],
    }, api.trace.setSpan(api.ROOT_CONTEXT, parent));
    child.addEvent('retry', eventAttributes, times.event);
    child.setStatus({ code: api.SpanStatusCode.ERROR, message: 'card declined: insufficient funds' });
    child.end(times.childEnd);
    parent.end(times.parentEnd);
    return {
      parent, child, linked, times, parentAttributes, childAttributes, eventAttributes,
      linkAttributes, statusMessage: 'card declined: insufficient funds',
    };
  }

  function checkOtlpSpan(got, readable, sent, where) {
    const { span, scope, resource } = got;
    const ctx = readable.spanContext();
    assert.equal(span.traceId, ctx.traceId, `${where}: traceId (lowercase hex)`);
    assert.equal(span.spanId, ctx.spanId, `${where}: spanId (lowercase hex)`);
    assert.equal(span.name, readable.name, `${where}: name`);
    assert.equal(span.kind, readable.kind + 1, `${where}: kind (OTLP numbering)`);
    assert.equal(nanosField(span.startTimeUnixNano, `${where}: startTimeUnixNano`),
      hrToNanos(readable.startTime), `${where}: startTimeUnixNano`);
    assert.equal(nanosField(span.endTimeUnixNano, `${where}: endTimeUnixNano`),
      hrToNanos(readable.endTime), `${where}: endTimeUnixNano`);
    assert.deepEqual(actualAttributes(span.attributes, `${where}.attributes`),
      expectedAttributes(readable.attributes), `${where}: attributes`);
    assertOptional(span.droppedAttributesCount, 0, `${where}: droppedAttributesCount`);
    assertOptional(span.droppedEventsCount, 0, `${where}: droppedEventsCount`);
    assertOptional(span.droppedLinksCount, 0, `${where}: droppedLinksCount`);
    // OTLP flags: W3C flags in bits 0-7, bit 8 "has is-remote" (both spans have a local parent or
    // none). weft may omit the field; if present it must be what was sent.
    if (span.flags !== undefined) {
      assert.equal(span.flags, (ctx.traceFlags & 0xff) | 0x100, `${where}: flags`);
    }
    assert.deepEqual(actualAttributes(resource.attributes, `${where}.resource`),
      expectedAttributes(readable.resource.attributes), `${where}: resource attributes`);
    assert.equal(scope.name, SCOPE_NAME, `${where}: scope.name`);
    assert.equal(scope.version, SCOPE_VERSION, `${where}: scope.version`);
  }

  function checkOtlp(spans, sent, exporter) {
    assert.equal(spans.length, 2, `the trace has exactly the two spans sent`);
    const byId = new Map(spans.map((s) => [s.span.spanId, s]));
    const parent = byId.get(sent.parent.spanContext().spanId);
    const child = byId.get(sent.child.spanContext().spanId);
    assert.ok(parent, 'parent span found by its JS span id');
    assert.ok(child, 'child span found by its JS span id');
    const [readableParent, readableChild] = [sent.parent, sent.child].map((s) =>
      exporter.spans.find((r) => r.spanContext().spanId === s.spanContext().spanId));

    checkOtlpSpan(parent, readableParent, sent, 'parent');
    assert.ok(parent.span.parentSpanId === undefined || parent.span.parentSpanId === '',
      `parent: root span has no parentSpanId, got ${parent.span.parentSpanId}`);
    assert.deepEqual(parent.span.events ?? [], [], 'parent: no events');
    assert.deepEqual(parent.span.links ?? [], [], 'parent: no links');
    assert.ok((parent.span.status?.code ?? 0) === 0, 'parent: status UNSET');
    assert.ok(!parent.span.status?.message, 'parent: no status message');

    checkOtlpSpan(child, readableChild, sent, 'child');
    assert.equal(child.span.parentSpanId, sent.parent.spanContext().spanId, 'child: parentSpanId');
    // Event
    assert.equal(child.span.events?.length, 1, 'child: one event');
    const event = child.span.events[0];
    assert.equal(event.name, 'retry', 'event name');
    assert.equal(nanosField(event.timeUnixNano, 'event timeUnixNano'),
      hrToNanos(sent.times.event), 'event timeUnixNano');
    assert.deepEqual(actualAttributes(event.attributes, 'event.attributes'),
      expectedAttributes(sent.eventAttributes), 'event attributes');
    assertOptional(event.droppedAttributesCount, 0, 'event droppedAttributesCount');
    // Link
    assert.equal(child.span.links?.length, 1, 'child: one link');
    const link = child.span.links[0];
    assert.equal(link.traceId, sent.linked.traceId, 'link traceId');
    assert.equal(link.spanId, sent.linked.spanId, 'link spanId');
    assert.equal(link.traceState, 'vendor=opaque-value', 'link traceState');
    assert.deepEqual(actualAttributes(link.attributes, 'link.attributes'),
      expectedAttributes(sent.linkAttributes), 'link attributes');
    assertOptional(link.droppedAttributesCount, 0, 'link droppedAttributesCount');
    // The linked context is remote and sampled: flags 0x301.
    assertOptional(link.flags, 0x301, 'link flags');
    // Status
    assert.equal(child.span.status?.code, 2, 'child: status code ERROR (2)');
    assert.equal(child.span.status?.message, sent.statusMessage, 'child: status message');
  }

  // Zipkin carries less; see the comment at the top of this file.
  function checkZipkin(spans, sent, serviceName, customResource) {
    assert.equal(spans.length, 2, `the trace has exactly the two spans sent`);
    const byId = new Map(spans.map((s) => [s.span.spanId, s]));
    const checks = [
      ['parent', sent.parent, sent.parentAttributes, api.SpanKind.SERVER],
      ['child', sent.child, sent.childAttributes, api.SpanKind.CLIENT],
    ];
    for (const [where, jsSpan, attributes, kind] of checks) {
      const ctx = jsSpan.spanContext();
      const got = byId.get(ctx.spanId);
      assert.ok(got, `${where}: span found by its JS span id`);
      const { span, resource } = got;
      assert.equal(span.traceId, ctx.traceId, `${where}: traceId`);
      assert.equal(span.name, jsSpan.name, `${where}: name`);
      assert.equal(span.kind, kind + 1, `${where}: kind`);
      // Microsecond precision: start within 1 us (the JS exporter sends the fractional
      // microseconds; a double carries them to ~0.25 us), end = start + rounded duration.
      assertWithin(nanosField(span.startTimeUnixNano, `${where}: startTimeUnixNano`),
        hrToNanos(jsSpan.startTime), 1000n, `${where}: startTimeUnixNano`);
      assertWithin(nanosField(span.endTimeUnixNano, `${where}: endTimeUnixNano`),
        hrToNanos(jsSpan.endTime), 2000n, `${where}: endTimeUnixNano`);
      // Tags are strings; the exporter adds status and resource tags, so extras are allowed.
      const actual = actualAttributes(span.attributes, `${where}.attributes`);
      for (const [key, value] of Object.entries(zipkinAttributes(attributes))) {
        assert.deepEqual(actual[key], value, `${where}: attribute ${key} (Zipkin tags are strings)`);
      }
      assert.deepEqual(span.links ?? [], [], `${where}: Zipkin has no links`);
      const resourceAttributes = actualAttributes(resource.attributes, `${where}.resource`);
      assert.deepEqual(resourceAttributes['service.name'], ['string', serviceName],
        `${where}: resource service.name (from localEndpoint.serviceName)`);
      // The exporter sends resource attributes as span tags; weft may keep them on the span or
      // lift them to the resource, but must not lose them.
      const custom = resourceAttributes[customResource.key] ?? actual[customResource.key];
      assert.deepEqual(custom, ['string', customResource.value],
        `${where}: custom resource attribute ${customResource.key} (as a resource attribute or tag)`);
    }
    const parent = byId.get(sent.parent.spanContext().spanId).span;
    const child = byId.get(sent.child.spanContext().spanId).span;
    assert.ok(parent.parentSpanId === undefined || parent.parentSpanId === '',
      `parent: root span has no parentSpanId, got ${parent.parentSpanId}`);
    assert.equal(child.parentSpanId, sent.parent.spanContext().spanId, 'child: parentSpanId');
    assert.deepEqual(parent.events ?? [], [], 'parent: no events');
    assert.ok((parent.status?.code ?? 0) === 0, 'parent: status UNSET');
    // Annotations: name and microsecond time only.
    assert.equal(child.events?.length, 1, 'child: one event (annotation)');
    assert.equal(child.events[0].name, 'retry', 'event name (annotation value)');
    assertWithin(nanosField(child.events[0].timeUnixNano, 'event timeUnixNano'),
      hrToNanos(sent.times.event), 1000n, 'event timeUnixNano');
    assert.equal(child.status?.code, 2, 'child: status ERROR (from the `error` tag)');
    assert.equal(child.status?.message, sent.statusMessage,
      'child: status message (the `error` tag value)');
  }

  describe('OpenTelemetry JS SDK -> weft serve -> Tempo API', { timeout: 150_000 }, () => {
    let server;

    before(async () => {
      const binary = process.env.WEFT_BINARY;
      assert.ok(binary, 'WEFT_BINARY is not set (ctest sets it to the built weft binary)');
      assert.ok(existsSync(binary), `WEFT_BINARY=${binary} does not exist: build the weft target`);
      server = await startWeft(binary);
    });

    after(async () => {
      if (server && !server.exit) await stopWeft(server);
    });

    it('answers 404 for an unknown trace', async () => {
      const res = await fetch(
        `http://${server.listeners.tempo}/api/traces/${randomBytes(16).toString('hex')}`);
      await res.arrayBuffer();
      assert.equal(res.status, 404);
    });

    for (const spec of EXPORTERS) {
      it(`round-trips a trace through ${spec.name}`, { timeout: 30_000 }, async () => {
        const serviceName = `interop-${spec.name}`;
        const customResource = { key: 'weft.test.exporter', value: spec.name };
        const recorder = new RecordingExporter(spec.make(server.listeners[spec.listener]));
        const provider = new BasicTracerProvider({
          resource: defaultResource().merge(resourceFromAttributes({
            [semconv.ATTR_SERVICE_NAME]: serviceName,
            [customResource.key]: customResource.value,
          })),
          // Exported only when flushed: both spans travel in one request.
          spanProcessors: [new BatchSpanProcessor(recorder, { scheduledDelayMillis: 600_000 })],
        });
        let sent;
        let flushError;
        try {
          sent = emitTrace(provider.getTracer(SCOPE_NAME, SCOPE_VERSION));
          // Rejects when the export failed; the recorded result below says why.
          await provider.forceFlush().catch((err) => { flushError = err; });
        } finally {
          await provider.shutdown().catch(() => {});
        }
        assert.equal(recorder.spans.length, 2, 'the SDK exported both spans');
        assert.ok(recorder.results.length > 0,
          `the exporter reported no result (flush: ${flushError ?? 'ok'})`);
        for (const result of recorder.results) {
          assert.equal(result.code, ExportResultCode.SUCCESS,
            `export to weft ${spec.listener} failed: ${result.error?.message ?? result.error}` +
            `${spec.zipkin ? ZIPKIN_HINT : ''}\n${server.describeOutput()}`);
        }
        // Spans are stored before the export call is answered: no waiting here.
        const spans = await fetchTrace(server.listeners.tempo, sent.parent.spanContext().traceId);
        if (spec.zipkin) {
          checkZipkin(spans, sent, serviceName, customResource);
        } else {
          checkOtlp(spans, sent, recorder);
          const resourceAttributes = actualAttributes(spans[0].resource.attributes, 'resource');
          assert.deepEqual(resourceAttributes['service.name'], ['string', serviceName]);
          assert.deepEqual(resourceAttributes[customResource.key],
            ['string', customResource.value]);
        }
      });
    }

    it('stops cleanly on SIGTERM', async () => {
      const exit = await stopWeft(server);
      assert.ok(!exit.killed, `weft serve did not exit within ${STOP_TIMEOUT_MS} ms of SIGTERM`);
      assert.equal(exit.code, 0,
        `weft serve exited with code ${exit.code}, signal ${exit.signal}\n${server.describeOutput()}`);
    });
  });
}
