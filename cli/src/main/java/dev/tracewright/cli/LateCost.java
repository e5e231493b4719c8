package dev.tracewright.cli;

import dev.tracewright.runtime.capture.PricingTable;
import dev.tracewright.runtime.store.SpanRecord;
import java.util.Map;

/**
 * The cost of a span stored without one. A stored cost is what the agent computed (or was told)
 * when the call ended, and the CLI shows it as stored; a span that reported tokens but has no cost
 * (its model was not in the agent's pricing table) is priced here with the CLI's table (the bundled
 * prices, {@code tracewright-pricing.json}, {@code --pricing}, {@code -Dtracewright.pricing} or
 * {@code TRACEWRIGHT_PRICING}), the same way the runtime would have. What is still unpriced is
 * "unknown", never $0. A call a replay answered from its recording spent nothing and is neither.
 */
public final class LateCost {
  static final String CACHE_READ = "gen_ai.usage.cache_read.input_tokens";
  static final String CACHE_WRITE = "gen_ai.usage.cache_creation.input_tokens";
  static final String REASONING = "gen_ai.usage.reasoning.output_tokens";
  static final String REPLAYED = "tracewright.replayed";

  private LateCost() {}

  /** Whether the span reported tokens and has no cost (and was not answered by a replay). */
  public static boolean lacksCost(SpanRecord s) {
    return s.costUsd() == null && s.inputTokens() != null && !replayed(s.attributes());
  }

  /** The span's cost from the table, or null when the table does not know its model. */
  static Double price(PricingTable table, String model, Long input, Long output, Map<String, Object> attributes) {
    if (table == null || model == null || input == null) {
      return null;
    }
    PricingTable.Usage usage = new PricingTable.Usage(input, output == null ? 0 : output,
        count(attributes, CACHE_READ), count(attributes, CACHE_WRITE), count(attributes, REASONING));
    double usd = table.cost(model, usage);
    return Double.isNaN(usd) ? null : usd;
  }

  static boolean replayed(Map<String, Object> attributes) {
    return attributes != null && Boolean.TRUE.equals(attributes.get(REPLAYED));
  }

  private static long count(Map<String, Object> attributes, String key) {
    Object v = attributes == null ? null : attributes.get(key);
    if (v instanceof Number n) {
      return Math.max(0, n.longValue());
    }
    try {
      return v instanceof String s ? Math.max(0, Long.parseLong(s.trim())) : 0;
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
