package dev.tracewright.annotations;

/** What a span represents; stored in the {@code kind} column. */
public enum SpanKind {
  AGENT,
  TOOL,
  LLM,
  RETRIEVAL,
  MEMORY,
  STEP
}
