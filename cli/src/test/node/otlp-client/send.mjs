// A real non-Java OTLP/HTTP client for the team server's tests (SPEC §13): the OpenTelemetry JS SDK
// records traces the way a TypeScript agent instrumented with the GenAI semantic conventions would,
// and its own OTLP exporter (protobuf or JSON) sends them.
//
// Environment:
//   OTLP_URL         full traces URL, e.g. http://127.0.0.1:4318/v1/traces (required)
//   OTLP_PROTOCOL    proto (default; application/x-protobuf) or json (application/json)
//   OTLP_KEY         optional; sent as "Authorization: Bearer <key>" through the exporter's headers option
//   SERVICE_NAME     resource service.name (default checkout-ts)
//   TRACES           how many traces to send (default 1); each one is flushed as its own request
//   OTLP_TIMEOUT_MS  optional exporter timeoutMillis (the SDK's default is 10000); retries of 429/502/503/504
//                    and of refused connections happen inside this window only
//   OTLP_DIAG        optional SDK diagnostic level (error, warn (default), info, debug, verbose); written to stderr
//
// Output: one "TRACE <32 hex>" line on stdout per trace the server accepted (2xx); every failed export
// is described on stderr. Exit 0 when every trace was accepted, 1 when any export failed, 2 on bad
// configuration.
import { context, diag, DiagLogLevel, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { ExportResultCode } from '@opentelemetry/core';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { AlwaysOnSampler, BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import {
  ATTR_GEN_AI_AGENT_NAME,
  ATTR_GEN_AI_INPUT_MESSAGES,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_OUTPUT_MESSAGES,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_TOOL_CALL_ID,
  ATTR_GEN_AI_TOOL_NAME,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
} from '@opentelemetry/semantic-conventions/incubating';

function fail(message, code = 2) {
  process.stderr.write(`send.mjs: ${message}\n`);
  process.exit(code);
}

const url = process.env.OTLP_URL;
if (!url) fail('OTLP_URL is required (e.g. http://127.0.0.1:4318/v1/traces)');
const protocol = (process.env.OTLP_PROTOCOL || 'proto').toLowerCase();
if (protocol !== 'proto' && protocol !== 'json') fail(`OTLP_PROTOCOL must be proto or json, not ${protocol}`);
const key = process.env.OTLP_KEY || '';
const serviceName = process.env.SERVICE_NAME || 'checkout-ts';
const traces = Number.parseInt(process.env.TRACES || '1', 10);
if (!Number.isInteger(traces) || traces < 1) fail(`TRACES must be a positive integer, not ${process.env.TRACES}`);
const timeoutMillis = process.env.OTLP_TIMEOUT_MS ? Number.parseInt(process.env.OTLP_TIMEOUT_MS, 10) : undefined;
if (timeoutMillis !== undefined && !(timeoutMillis > 0)) fail(`OTLP_TIMEOUT_MS must be a positive integer`);

// The SDK reports retries and swallowed errors only through diag; keep it off stdout.
const diagLevel = DiagLogLevel[(process.env.OTLP_DIAG || 'warn').toUpperCase()] ?? DiagLogLevel.WARN;
const toStderr = (level) => (...args) => process.stderr.write(`otel ${level}: ${args.map(String).join(' ')}\n`);
diag.setLogger(
  { error: toStderr('error'), warn: toStderr('warn'), info: toStderr('info'), debug: toStderr('debug'), verbose: toStderr('verbose') },
  { logLevel: diagLevel, suppressOverrideMessage: true },
);

const exporterOptions = { url, headers: key ? { Authorization: `Bearer ${key}` } : {} };
if (timeoutMillis !== undefined) exporterOptions.timeoutMillis = timeoutMillis;
const otlpExporter = protocol === 'json' ? new JsonExporter(exporterOptions) : new ProtoExporter(exporterOptions);

// The span processors only hand a failed ExportResult to the global error handler (a diag.error), and
// forceFlush() does not always reject, so the result of every export() is recorded here.
class RecordingExporter {
  constructor(delegate) {
    this.delegate = delegate;
    this.errors = [];
    this.exports = 0;
  }
  export(spans, resultCallback) {
    this.delegate.export(spans, (result) => {
      this.exports++;
      if (result.code !== ExportResultCode.SUCCESS) {
        this.errors.push(result.error ?? new Error(`export failed with result code ${result.code}`));
      }
      resultCallback(result);
    });
  }
  forceFlush() {
    return this.delegate.forceFlush ? this.delegate.forceFlush() : Promise.resolve();
  }
  shutdown() {
    return this.delegate.shutdown();
  }
}
const exporter = new RecordingExporter(otlpExporter);

const provider = new BasicTracerProvider({
  resource: defaultResource().merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: serviceName })),
  sampler: new AlwaysOnSampler(),
  spanProcessors: [new BatchSpanProcessor(exporter)],
});
const tracer = provider.getTracer('tracewright-otlp-test-client', '1.0.0');

const INPUT_MESSAGES = JSON.stringify([
  { role: 'user', parts: [{ type: 'text', content: 'Where is order 42?' }] },
]);
const OUTPUT_MESSAGES = JSON.stringify([
  { role: 'assistant', parts: [{ type: 'text', content: 'Order 42 ships today.' }], finish_reason: 'stop' },
]);

/** Records one agent run (three spans) and returns its trace id. */
function recordTrace() {
  const root = tracer.startSpan('invoke_agent checkout', {
    kind: SpanKind.INTERNAL,
    attributes: {
      [ATTR_GEN_AI_OPERATION_NAME]: 'invoke_agent',
      [ATTR_GEN_AI_AGENT_NAME]: 'checkout',
    },
  });
  // BasicTracerProvider registers no context manager, so the parent is passed explicitly.
  const inRoot = trace.setSpan(context.active(), root);

  const chat = tracer.startSpan('chat gpt-4o', {
    kind: SpanKind.CLIENT,
    attributes: {
      [ATTR_GEN_AI_OPERATION_NAME]: 'chat',
      [ATTR_GEN_AI_PROVIDER_NAME]: 'openai',
      [ATTR_GEN_AI_REQUEST_MODEL]: 'gpt-4o',
    },
  }, inRoot);
  chat.setAttributes({
    [ATTR_GEN_AI_RESPONSE_MODEL]: 'gpt-4o-2024-08-06',
    [ATTR_GEN_AI_USAGE_INPUT_TOKENS]: 120,
    [ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: 30,
    [ATTR_GEN_AI_INPUT_MESSAGES]: INPUT_MESSAGES,
    [ATTR_GEN_AI_OUTPUT_MESSAGES]: OUTPUT_MESSAGES,
    'app.customer_tier': 'gold',
  });
  chat.end();

  const tool = tracer.startSpan('execute_tool lookup_order', {
    kind: SpanKind.INTERNAL,
    attributes: {
      [ATTR_GEN_AI_OPERATION_NAME]: 'execute_tool',
      [ATTR_GEN_AI_TOOL_NAME]: 'lookup_order',
      [ATTR_GEN_AI_TOOL_CALL_ID]: 'call_1',
    },
  }, inRoot);
  const error = new Error('warehouse offline');
  error.name = 'WarehouseError';
  tool.recordException(error);
  tool.setStatus({ code: SpanStatusCode.ERROR, message: 'warehouse offline' });
  tool.end();

  root.end();
  return root.spanContext().traceId;
}

function describe(error) {
  if (error && error.name === 'OTLPExporterError') {
    if (error.code === undefined) {
      // A retryable answer (429, 502, 503, 504) still failing when the retries or the timeout ran out:
      // the SDK keeps no status code for it.
      return `${error.message} (HTTP 429/502/503/504 until the exporter's retries or timeout ran out)`;
    }
    const body = error.data ? `: ${String(error.data).slice(0, 500)}` : '';
    return `HTTP ${error.code} ${error.message || ''}${body}`.trim();
  }
  return error && error.stack ? error.stack : String(error);
}

let failed = 0;
for (let i = 0; i < traces; i++) {
  const before = exporter.errors.length;
  const exportsBefore = exporter.exports;
  const traceId = recordTrace();
  // One flush per trace: each trace goes to the server as one request holding its three spans.
  try {
    await provider.forceFlush();
  } catch (error) {
    // The BatchSpanProcessor rejects with the export's error, which RecordingExporter also holds.
    if (exporter.errors.length === before) exporter.errors.push(error);
  }
  if (exporter.errors.length > before) {
    failed++;
    for (const error of exporter.errors.slice(before)) {
      process.stderr.write(`send.mjs: export of trace ${traceId} failed: ${describe(error)}\n`);
    }
  } else if (exporter.exports === exportsBefore) {
    failed++;
    process.stderr.write(`send.mjs: trace ${traceId} was never exported\n`);
  } else {
    process.stdout.write(`TRACE ${traceId}\n`);
  }
}

try {
  await provider.shutdown();
} catch (error) {
  failed++;
  process.stderr.write(`send.mjs: shutdown failed: ${describe(error)}\n`);
}
process.exitCode = failed === 0 ? 0 : 1;
