package dev.tracewright.annotations;

/** How much of a call's arguments and return value Tracewright keeps. */
public enum CapturePolicy {
  /** Use the runtime's configured policy. */
  DEFAULT,
  /** Names, timings, status, tokens and cost only; arguments and results are never serialized. */
  METADATA_ONLY,
  /** A redacted, truncated preview of arguments and result on the span. */
  REDACTED_PREVIEW,
  /** Redacted full content in the local blob store plus the preview; exporters leave content out. */
  FULL_LOCAL,
  /** As {@link #FULL_LOCAL}, and exporters include the (redacted) content. */
  FULL_EXPORTABLE
}
