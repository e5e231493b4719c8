package dev.tracewright.runtime.capture;

/**
 * Serialized content as it left the application thread: UTF-8 JSON, at most the configured limit.
 * Redaction, hashing and previews happen later, on the writer thread.
 *
 * @param truncated the value was larger than the limit and {@code json} holds its first bytes
 */
public record Captured(byte[] json, boolean truncated) {}
