package dev.tracewright.runtime.store;

import java.time.Instant;
import java.util.Map;

/** A point-in-time event on a span: one row of {@code span_events}, ordered by {@code seq}. */
public record EventRecord(
    String spanId, int seq, Instant time, String name, Map<String, Object> attributes) {}
