package dev.tracewright.sample;

import dev.tracewright.runtime.TokenUsage;

/** A model's answer; implementing TokenUsage is all it takes for Tracewright to record usage and cost. */
public record ChatReply(String text, String responseModel, long inputTokens, long outputTokens) implements TokenUsage {}
