/**
 * Tracewright's annotations. Put them on agent code; the {@code tracewright-processor} generates a
 * {@code *Traced} subtype (or delegating wrapper, for interfaces) that records every call.
 */
package dev.tracewright.annotations;
