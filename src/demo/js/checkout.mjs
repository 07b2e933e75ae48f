// The demo shop's `checkout` service, in JavaScript: a plain Node `http` server instrumented by hand
// with the official OpenTelemetry JS SDK (npm, versions pinned as in tests/interop). It sits in the
// middle of the call chain — the C++ frontend calls it, it calls the C++ payment, inventory and
// shipping services — so every checkout trace crosses languages through W3C `traceparent` in both
// directions: propagation.extract on the way in, propagation.inject on each call out.
//
//   POST /checkout?user=&region=&payment=&items=   charge (retried once on 503), then reserve
//                                                  stock and request shipping in parallel
//   GET  /health                                   untraced
//
// Spans go to weft over OTLP/HTTP protobuf (OTEL_EXPORTER_OTLP_ENDPOINT, default
// http://127.0.0.1:4318). The other services' ports follow SHOP_BASE_PORT (shop_topology.h).
// Thread rule: Node's single event loop; contexts are passed explicitly (no context manager).
import http from 'node:http';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, propagation, trace } from '@opentelemetry/api';
import {
  CompositePropagator,
  W3CBaggagePropagator,
  W3CTraceContextPropagator,
} from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import {
  defaultResource,
  detectResources,
  envDetector,
  resourceFromAttributes,
} from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';

const HOST = '127.0.0.1';
const BASE_PORT = Number(process.env.SHOP_BASE_PORT || 18080);
const PORT = Number(process.env.PORT || BASE_PORT + 3);
const PEERS = { payment: BASE_PORT + 4, inventory: BASE_PORT + 5, shipping: BASE_PORT + 6 };
const CALL_TIMEOUT_MS = 10_000;
const RETRY_BACKOFF_MS = 50;

// ---------------------------------------------------------------------------------------------
// The SDK: resource from the environment, batching OTLP/HTTP protobuf exporter, W3C propagators.

const tracesUrl =
  process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ||
  `${(process.env.OTEL_EXPORTER_OTLP_ENDPOINT || 'http://127.0.0.1:4318').replace(/\/$/, '')}/v1/traces`;
const resource = defaultResource().merge(
  resourceFromAttributes({ [ATTR_SERVICE_NAME]: 'checkout', [ATTR_SERVICE_VERSION]: '0.1.0' }).merge(
    detectResources({ detectors: [envDetector] }),
  ),
);
const provider = new BasicTracerProvider({
  resource,
  spanProcessors: [
    new BatchSpanProcessor(new OTLPTraceExporter({ url: tracesUrl }), { scheduledDelayMillis: 1000 }),
  ],
});
propagation.setGlobalPropagator(
  new CompositePropagator({
    propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()],
  }),
);
const tracer = provider.getTracer('weft-shop.checkout', '0.1.0');

// ---------------------------------------------------------------------------------------------
// Outgoing calls: a CLIENT span per request, its context injected into the request's headers.

function request(port, path) {
  return (headers) =>
    new Promise((resolve) => {
      const req = http.request(
        { host: HOST, port, path, method: 'POST', headers, timeout: CALL_TIMEOUT_MS },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk) => (body += chunk));
          res.on('end', () => resolve({ status: res.statusCode, body }));
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', (err) => resolve({ status: 0, body: '', error: err.message }));
      req.end();
    });
}

async function call(parentContext, service, route, params, attributes = {}) {
  const port = PEERS[service];
  const path = `${route}?${new URLSearchParams(params)}`;
  const span = tracer.startSpan(
    `POST ${route}`,
    {
      kind: SpanKind.CLIENT,
      attributes: {
        'http.request.method': 'POST',
        'server.address': HOST,
        'server.port': port,
        'url.full': `http://${HOST}:${port}${path}`,
        'peer.service': service,
        ...attributes,
      },
    },
    parentContext,
  );
  const headers = {};
  propagation.inject(trace.setSpan(parentContext, span), headers);
  const result = await request(port, path)(headers);
  if (result.status === 0) {
    span.setAttribute('error.type', result.error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: result.error });
  } else {
    span.setAttribute('http.response.status_code', result.status);
    if (result.status >= 400) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: `HTTP ${result.status}` });
    }
  }
  span.end();
  return result;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------
// POST /checkout

async function checkout(ctx, serverSpan, params) {
  const order = {
    user: params.get('user') || 'anonymous',
    region: params.get('region') || 'eu-west',
    payment: params.get('payment') || 'card',
    items: params.get('items') || '1',
  };
  serverSpan.setAttributes({
    'enduser.id': order.user,
    region: order.region,
    'payment.method': order.payment,
    'cart.items': Number(order.items),
  });

  const totals = tracer.startSpan('compute totals', { attributes: { 'cart.items': Number(order.items) } }, ctx);
  await sleep(2 + Math.random() * 3);
  totals.end();

  // The payment client retries once on 503: two CLIENT spans, retry.attempt 0 and 1.
  let charged;
  for (let attempt = 0; attempt < 2; attempt++) {
    charged = await call(ctx, 'payment', '/charge', { ...order, attempt }, { 'retry.attempt': attempt });
    if (charged.status !== 503) break;
    serverSpan.addEvent('payment busy, retrying', { 'retry.attempt': attempt + 1 });
    await sleep(RETRY_BACKOFF_MS);
  }
  if (charged.status !== 200) {
    serverSpan.setAttribute('order.outcome', 'payment_failed');
    return { status: 502, body: { error: `payment failed (${charged.status})` } };
  }

  const [reserved, shipped] = await Promise.all([
    call(ctx, 'inventory', '/reserve', order),
    call(ctx, 'shipping', '/ship', order),
  ]);
  if (reserved.status !== 200 || shipped.status !== 200) {
    serverSpan.setAttribute('order.outcome', 'fulfilment_failed');
    return { status: 502, body: { error: 'inventory or shipping failed' } };
  }
  serverSpan.setAttribute('order.outcome', 'placed');
  return { status: 200, body: { order: serverSpan.spanContext().spanId, status: 'placed' } };
}

async function handle(req, res) {
  const url = new URL(req.url, `http://${HOST}:${PORT}`);
  if (url.pathname === '/health') return reply(res, 200, { status: 'ok' });

  // The parent comes from the C++ frontend's traceparent header.
  const parentContext = propagation.extract(ROOT_CONTEXT, req.headers);
  const span = tracer.startSpan(
    `${req.method} ${url.pathname}`,
    {
      kind: SpanKind.SERVER,
      attributes: {
        'http.request.method': req.method,
        'url.path': url.pathname,
        'http.route': url.pathname,
        'server.address': HOST,
        'server.port': PORT,
        'user_agent.original': req.headers['user-agent'] || '',
      },
    },
    parentContext,
  );
  const ctx = trace.setSpan(parentContext, span);
  let result;
  if (url.pathname === '/checkout' && req.method === 'POST') {
    try {
      result = await checkout(ctx, span, url.searchParams);
    } catch (err) {
      span.recordException(err);
      result = { status: 500, body: { error: String(err) } };
    }
  } else {
    result = { status: 404, body: { error: `no route ${url.pathname}` } };
  }
  span.setAttribute('http.response.status_code', result.status);
  if (result.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR, message: `HTTP ${result.status}` });
  span.end();
  reply(res, result.status, result.body);
}

function reply(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json', server: 'weft-shop-checkout' });
  res.end(JSON.stringify(body));
}

// ---------------------------------------------------------------------------------------------
// Start, and stop cleanly (flush the spans) on SIGINT / SIGTERM.

const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => handle(req, res));
});
server.listen(PORT, HOST, () => {
  console.log(`weft-shop: checkout (node ${process.version}) listening on ${HOST}:${PORT}, exporting to ${tracesUrl}`);
});

let stopping = false;
async function stop(signal) {
  if (stopping) return;
  stopping = true;
  server.close();
  server.closeAllConnections?.();
  try {
    await provider.shutdown();
  } finally {
    console.log(`weft-shop: checkout stopped (${signal})`);
    process.exit(0);
  }
}
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
