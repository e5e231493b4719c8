package dev.tracewright.runtime.capture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * USD per million input and output tokens, by model. A model name matches its own entry or the
 * longest entry it starts with, so {@code gpt-4o-2024-08-06} is priced as {@code gpt-4o} and
 * {@code gpt-4o-mini} as itself. The bundled table is {@code pricing.json} in this package.
 */
public final class PricingTable {
  /** Price of one model, USD per million tokens. */
  public record Price(double inputPerMillion, double outputPerMillion) {
    public double cost(long inputTokens, long outputTokens) {
      return (inputTokens * inputPerMillion + outputTokens * outputPerMillion) / 1_000_000.0;
    }
  }

  private final Map<String, Price> prices;
  private final String asOf;

  private PricingTable(Map<String, Price> prices, String asOf) {
    this.prices = Map.copyOf(prices);
    this.asOf = asOf;
  }

  public static PricingTable bundled() {
    try (InputStream in = PricingTable.class.getResourceAsStream("pricing.json")) {
      if (in == null) {
        throw new IllegalStateException("pricing.json is missing from the Tracewright runtime jar");
      }
      return parse(new ObjectMapper().readTree(in));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the bundled pricing table", e);
    }
  }

  public static PricingTable empty() {
    return new PricingTable(Map.of(), null);
  }

  /** Reads a table in the bundled format: {@code {"asOf": "...", "models": {"name": {"input": 2.5, "output": 10}}}}. */
  public static PricingTable fromFile(Path file) throws IOException {
    return parse(new ObjectMapper().readTree(Files.readAllBytes(file)));
  }

  private static PricingTable parse(JsonNode root) {
    JsonNode models = root.path("models");
    if (!models.isObject()) {
      throw new IllegalArgumentException("pricing table needs a \"models\" object");
    }
    Map<String, Price> prices = new HashMap<>();
    for (Map.Entry<String, JsonNode> e : models.properties()) {
      JsonNode in = e.getValue().get("input");
      JsonNode out = e.getValue().get("output");
      if (in == null || out == null || !in.isNumber() || !out.isNumber()) {
        throw new IllegalArgumentException("pricing for '" + e.getKey() + "' needs numeric \"input\" and \"output\"");
      }
      prices.put(e.getKey().toLowerCase(Locale.ROOT), new Price(in.asDouble(), out.asDouble()));
    }
    return new PricingTable(prices, root.path("asOf").asText(null));
  }

  /** This table with {@code model} priced as given (an override wins over the bundled price). */
  public PricingTable with(String model, double inputPerMillion, double outputPerMillion) {
    Objects.requireNonNull(model, "model");
    Map<String, Price> more = new HashMap<>(prices);
    more.put(model.toLowerCase(Locale.ROOT), new Price(inputPerMillion, outputPerMillion));
    return new PricingTable(more, asOf);
  }

  /** This table with every entry of {@code other} added or replaced. */
  public PricingTable with(PricingTable other) {
    Map<String, Price> more = new HashMap<>(prices);
    more.putAll(other.prices);
    return new PricingTable(more, asOf);
  }

  /** The price of a model, or null when the table does not know it. */
  public Price price(String model) {
    if (model == null) {
      return null;
    }
    String key = model.toLowerCase(Locale.ROOT);
    Price exact = prices.get(key);
    if (exact != null) {
      return exact;
    }
    String best = null;
    for (String candidate : prices.keySet()) {
      if (key.startsWith(candidate) && (best == null || candidate.length() > best.length())) {
        best = candidate;
      }
    }
    return best == null ? null : prices.get(best);
  }

  /** Cost in USD, or NaN when the model is unknown. */
  public double cost(String model, long inputTokens, long outputTokens) {
    Price price = price(model);
    return price == null ? Double.NaN : price.cost(inputTokens, outputTokens);
  }

  public String asOf() {
    return asOf;
  }

  public int size() {
    return prices.size();
  }
}
