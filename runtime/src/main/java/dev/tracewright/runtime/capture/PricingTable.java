package dev.tracewright.runtime.capture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * USD per million tokens, by model. The bundled table is {@code pricing.json} in this package; a
 * {@code tracewright-pricing.json} at the root of the classpath and a file named by the system
 * property {@code tracewright.pricing} or the environment variable {@code TRACEWRIGHT_PRICING} are
 * merged over it by {@link #defaults()} (their entries win, model by model).
 *
 * <p><b>Which model a name is priced as.</b> A model name matches its own entry, or an entry
 * followed by a snapshot suffix: a date ({@code -2024-08-06}, {@code -20250514}), a four-digit
 * version ({@code -2411}) or {@code -latest}; a provider prefix ({@code openai/}, {@code models/})
 * is ignored, and case does not matter. So {@code gpt-4o-2024-08-06} is priced as {@code gpt-4o},
 * but {@code gpt-5.4-mini} is not priced as {@code gpt-5}, nor {@code claude-opus-4-5} as
 * {@code claude-opus-4}: a model the table does not name has no price (its cost is unknown, never
 * a neighbour's price).
 *
 * <p><b>Token convention.</b> A {@link Usage} counts tokens the way OpenAI, Google and the
 * OpenTelemetry GenAI conventions do: {@code inputTokens} is the whole prompt, <em>including</em>
 * the tokens read from and written to a prompt cache, and {@code outputTokens} is everything
 * generated, <em>including</em> reasoning (thinking) tokens. Anthropic reports {@code input_tokens}
 * without its cache reads and writes, so integrations add {@code cache_read_input_tokens} and
 * {@code cache_creation_input_tokens} to it before recording. The cost of a call is
 *
 * <pre>
 *   (input - cacheRead - cacheWrite) * input rate
 *   + cacheRead * cachedInput rate + cacheWrite * cacheWrite rate
 *   + (output - reasoning) * output rate + reasoning * reasoning rate
 * </pre>
 *
 * where a rate the table does not give is the input rate (cached input, cache write) or the output
 * rate (reasoning: OpenAI, Anthropic and Google bill reasoning tokens as output tokens). When the
 * prompt ({@code inputTokens}) is above a model's {@code longContext.aboveInputTokens}, the long
 * context rates apply to the whole call, as the providers bill it.
 */
public final class PricingTable {
  private static final System.Logger LOG = System.getLogger(PricingTable.class.getName());
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The file looked for at the root of the classpath. */
  public static final String CLASSPATH_FILE = "tracewright-pricing.json";
  /** System property naming a pricing file. */
  public static final String FILE_PROPERTY = "tracewright.pricing";
  /** Environment variable naming a pricing file (the property wins). */
  public static final String FILE_ENV = "TRACEWRIGHT_PRICING";

  /** Token counts of one call; see the class comment for what each count includes. */
  public record Usage(long inputTokens, long outputTokens, long cacheReadTokens, long cacheWriteTokens, long reasoningTokens) {
    public static Usage of(long inputTokens, long outputTokens) {
      return new Usage(inputTokens, outputTokens, 0, 0, 0);
    }
  }

  /**
   * Price of one model, USD per million tokens. {@code cachedInputPerMillion},
   * {@code cacheWritePerMillion} and {@code reasoningPerMillion} are NaN when the provider gives no
   * separate rate (then the input, input and output rates apply). {@code longContext} is null
   * unless the provider charges more for prompts above {@code aboveInputTokens}.
   */
  public record Price(
      double inputPerMillion,
      double outputPerMillion,
      double cachedInputPerMillion,
      double cacheWritePerMillion,
      double reasoningPerMillion,
      long aboveInputTokens,
      Price longContext) {

    public Price(double inputPerMillion, double outputPerMillion) {
      this(inputPerMillion, outputPerMillion, Double.NaN, Double.NaN, Double.NaN, 0, null);
    }

    public double cost(long inputTokens, long outputTokens) {
      return cost(Usage.of(inputTokens, outputTokens));
    }

    public double cost(Usage usage) {
      Price p = longContext != null && usage.inputTokens() > aboveInputTokens ? longContext : this;
      long input = Math.max(0, usage.inputTokens());
      long output = Math.max(0, usage.outputTokens());
      long read = Math.min(Math.max(0, usage.cacheReadTokens()), input);
      long write = Math.min(Math.max(0, usage.cacheWriteTokens()), input - read);
      long reasoning = Math.min(Math.max(0, usage.reasoningTokens()), output);
      double usd = (input - read - write) * p.inputPerMillion
          + read * or(p.cachedInputPerMillion, p.inputPerMillion)
          + write * or(p.cacheWritePerMillion, p.inputPerMillion)
          + (output - reasoning) * p.outputPerMillion
          + reasoning * or(p.reasoningPerMillion, p.outputPerMillion);
      return usd / 1_000_000.0;
    }

    private static double or(double rate, double otherwise) {
      return Double.isNaN(rate) ? otherwise : rate;
    }
  }

  /** Snapshot suffixes that still name the same model: a date, a four-digit version, "latest". */
  private static final Pattern SNAPSHOT = Pattern.compile("-(\\d{4}-\\d{2}-\\d{2}|\\d{8}|\\d{4}|latest)");

  private final Map<String, Price> prices;
  private final String asOf;

  private PricingTable(Map<String, Price> prices, String asOf) {
    this.prices = Map.copyOf(prices);
    this.asOf = asOf;
  }

  /** The table shipped in the runtime jar, nothing merged over it. */
  public static PricingTable bundled() {
    try (InputStream in = PricingTable.class.getResourceAsStream("pricing.json")) {
      if (in == null) {
        throw new IllegalStateException("pricing.json is missing from the Tracewright runtime jar");
      }
      return parse(JSON.readTree(in));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the bundled pricing table", e);
    }
  }

  /**
   * The bundled table with, merged over it in this order, every {@code tracewright-pricing.json}
   * at the root of the context class loader's classpath and the file named by
   * {@code -Dtracewright.pricing} or {@code TRACEWRIGHT_PRICING}. A file that cannot be read or
   * parsed is left out with one warning naming it and the problem; this never throws.
   */
  public static PricingTable defaults() {
    return defaults(System.getProperty(FILE_PROPERTY), System.getenv(FILE_ENV), classLoader(), PricingTable::warn);
  }

  /**
   * As {@link #defaults()}, with {@code file} (when not null) in place of the property and
   * environment variable, and problems handed to {@code warnings}: for tools such as the CLI.
   */
  public static PricingTable defaults(Path file, Consumer<String> warnings) {
    String named = file != null ? file.toString() : System.getProperty(FILE_PROPERTY);
    return defaults(named, System.getenv(FILE_ENV), classLoader(), warnings);
  }

  static PricingTable defaults(String property, String env, ClassLoader loader, Consumer<String> warnings) {
    PricingTable table = bundled();
    for (URL url : classpathFiles(loader, warnings)) {
      try (InputStream in = url.openStream()) {
        table = table.with(parse(JSON.readTree(in)));
      } catch (IOException | RuntimeException e) {
        warnings.accept(problem(url.toString(), e));
      }
    }
    String named = property != null && !property.isBlank() ? property : env;
    if (named != null && !named.isBlank()) {
      table = table.withFile(Path.of(named.trim()), warnings);
    }
    return table;
  }

  /** This table with the file merged over it, or unchanged (and one warning) if the file is unusable. */
  public PricingTable withFile(Path file, Consumer<String> warnings) {
    try {
      return with(fromFile(file));
    } catch (IOException | RuntimeException e) {
      warnings.accept(problem(file.toString(), e));
      return this;
    }
  }

  private static String problem(String file, Exception e) {
    String what = e instanceof java.nio.file.NoSuchFileException ? "no such file"
        : e.getMessage() == null ? e.getClass().getSimpleName() : firstLine(e.getMessage());
    return "Tracewright pricing file " + file + " was not used (" + what + "); the bundled prices apply";
  }

  private static String firstLine(String s) {
    int newline = s.indexOf('\n');
    return newline < 0 ? s : s.substring(0, newline);
  }

  private static List<URL> classpathFiles(ClassLoader loader, Consumer<String> warnings) {
    List<URL> out = new ArrayList<>();
    if (loader == null) {
      return out;
    }
    try {
      Enumeration<URL> found = loader.getResources(CLASSPATH_FILE);
      while (found.hasMoreElements()) {
        out.add(found.nextElement());
      }
    } catch (IOException | RuntimeException e) {
      warnings.accept(problem("classpath:" + CLASSPATH_FILE, e));
    }
    return out;
  }

  private static ClassLoader classLoader() {
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    return context != null ? context : PricingTable.class.getClassLoader();
  }

  private static void warn(String message) {
    LOG.log(System.Logger.Level.WARNING, message);
  }

  public static PricingTable empty() {
    return new PricingTable(Map.of(), null);
  }

  /**
   * Reads a table in the bundled format: {@code {"asOf": "...", "models": {"name": {"input": 2.5,
   * "output": 10, "cachedInput": 0.25, "cacheWrite": 3.125, "reasoning": 10, "longContext":
   * {"aboveInputTokens": 272000, "input": 5, "output": 15}}}}}: input and output are required, the
   * rest optional. Other fields (a source, a note, a date per model) are documentation.
   */
  public static PricingTable fromFile(Path file) throws IOException {
    return parse(JSON.readTree(Files.readAllBytes(file)));
  }

  private static PricingTable parse(JsonNode root) {
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("a pricing table is a JSON object with a \"models\" object");
    }
    JsonNode models = root.path("models");
    if (!models.isObject()) {
      throw new IllegalArgumentException("pricing table needs a \"models\" object");
    }
    Map<String, Price> prices = new HashMap<>();
    for (Map.Entry<String, JsonNode> e : models.properties()) {
      String model = e.getKey();
      JsonNode entry = e.getValue();
      Price base = price(model, entry, null);
      JsonNode longContext = entry.get("longContext");
      if (longContext != null) {
        JsonNode above = longContext.get("aboveInputTokens");
        if (!longContext.isObject() || above == null || !above.canConvertToLong() || above.asLong() < 0) {
          throw new IllegalArgumentException("pricing for '" + model + "': \"longContext\" needs a whole \"aboveInputTokens\"");
        }
        Price tier = price(model, longContext, base);
        base = new Price(base.inputPerMillion(), base.outputPerMillion(), base.cachedInputPerMillion(), base.cacheWritePerMillion(),
            base.reasoningPerMillion(), above.asLong(), tier);
      }
      prices.put(model.toLowerCase(Locale.ROOT), base);
    }
    return new PricingTable(prices, root.path("asOf").asText(null));
  }

  /** One tier; a long-context tier's missing rates are the base tier's (input and output are required). */
  private static Price price(String model, JsonNode entry, Price base) {
    if (!entry.isObject()) {
      throw new IllegalArgumentException("pricing for '" + model + "' must be an object");
    }
    double in = rate(model, entry, "input", true);
    double out = rate(model, entry, "output", true);
    double cached = rate(model, entry, "cachedInput", false);
    double write = rate(model, entry, "cacheWrite", false);
    double reasoning = rate(model, entry, "reasoning", false);
    if (base != null) {
      cached = Double.isNaN(cached) ? base.cachedInputPerMillion() : cached;
      write = Double.isNaN(write) ? base.cacheWritePerMillion() : write;
      reasoning = Double.isNaN(reasoning) ? base.reasoningPerMillion() : reasoning;
    }
    return new Price(in, out, cached, write, reasoning, 0, null);
  }

  private static double rate(String model, JsonNode entry, String field, boolean required) {
    JsonNode value = entry.get(field);
    if (value == null || value.isNull()) {
      if (required) {
        throw new IllegalArgumentException("pricing for '" + model + "' needs numeric \"input\" and \"output\"");
      }
      return Double.NaN;
    }
    if (!value.isNumber() || value.asDouble() < 0 || !Double.isFinite(value.asDouble())) {
      throw new IllegalArgumentException("pricing for '" + model + "': \"" + field + "\" must be a number of USD per million tokens, not " + value);
    }
    return value.asDouble();
  }

  /** This table with {@code model} priced as given (an override wins over the bundled price). */
  public PricingTable with(String model, double inputPerMillion, double outputPerMillion) {
    return with(model, new Price(inputPerMillion, outputPerMillion));
  }

  /** This table with {@code model} priced as given, cache and long-context rates included. */
  public PricingTable with(String model, Price price) {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(price, "price");
    Map<String, Price> more = new HashMap<>(prices);
    more.put(model.toLowerCase(Locale.ROOT), price);
    return new PricingTable(more, asOf);
  }

  /** This table with every entry of {@code other} added or replaced. */
  public PricingTable with(PricingTable other) {
    Map<String, Price> more = new HashMap<>(prices);
    more.putAll(other.prices);
    return new PricingTable(more, asOf);
  }

  /** The price of a model, or null when the table does not know it (see the class comment for matching). */
  public Price price(String model) {
    if (model == null || model.isBlank()) {
      return null;
    }
    String key = model.trim().toLowerCase(Locale.ROOT);
    key = key.substring(key.lastIndexOf('/') + 1);
    Price exact = prices.get(key);
    if (exact != null) {
      return exact;
    }
    String best = null;
    for (String candidate : prices.keySet()) {
      if (key.startsWith(candidate) && SNAPSHOT.matcher(key.substring(candidate.length())).matches()
          && (best == null || candidate.length() > best.length())) {
        best = candidate;
      }
    }
    return best == null ? null : prices.get(best);
  }

  /** Cost in USD, or NaN when the model is unknown. */
  public double cost(String model, long inputTokens, long outputTokens) {
    return cost(model, Usage.of(inputTokens, outputTokens));
  }

  /** Cost in USD, or NaN when the model is unknown. */
  public double cost(String model, Usage usage) {
    Price price = price(model);
    return price == null ? Double.NaN : price.cost(usage);
  }

  /** The date of the bundled prices (files merged over it keep it; each entry may carry its own). */
  public String asOf() {
    return asOf;
  }

  public int size() {
    return prices.size();
  }
}
