package dev.tracewright.runtime.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracewright.runtime.capture.PricingTable.Usage;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PricingTableTest {
  private static final double USD = 1e-12;
  private final PricingTable bundled = PricingTable.bundled();

  @Test
  void bundledTableIsDatedAndHasCurrentModels() {
    assertEquals("2026-12-07", bundled.asOf());
    for (String model : List.of("gpt-6.2-astra", "gpt-6.2-sol", "gpt-6-luna", "claude-opus-5-5", "claude-sonnet-5-5", "claude-haiku-5-5",
        "claude-fable-5-1", "gpt-4o", "gemini-2.5-pro", "mistral-large")) {
      assertNotNull(bundled.price(model), model);
    }
  }

  @Test
  void aSnapshotSuffixNamesTheSameModelButAnotherVersionIsUnknownNotItsNeighbour() {
    assertEquals(bundled.price("gpt-4o"), bundled.price("gpt-4o-2024-08-06"));
    assertEquals(bundled.price("claude-sonnet-4"), bundled.price("claude-sonnet-4-20250514"));
    assertEquals(bundled.price("mistral-large"), bundled.price("mistral-large-2411"));
    assertEquals(bundled.price("mistral-large"), bundled.price("mistral-large-latest"));
    assertEquals(bundled.price("gemini-2.5-pro"), bundled.price("models/GEMINI-2.5-PRO"), "provider prefix and case ignored");
    assertEquals(0.15, bundled.price("gpt-4o-mini-2024-07-18").inputPerMillion(), "gpt-4o-mini, not gpt-4o");
    // Before: priced as the longest entry the name started with, i.e. as another model.
    assertEquals(5.00, bundled.price("claude-opus-4-5-20251101").inputPerMillion(), "Opus 4.5, not Opus 4 at $15");
    assertNull(bundled.price("gpt-5.4-mini"), "not gpt-5's price");
    assertNull(bundled.price("claude-sonnet-4-5"), "not Sonnet 4's price");
    assertNull(bundled.price("my-local-model"));
    assertNull(bundled.price(null));
  }

  @Test
  void cachedInputCacheWritesAndReasoningArePricedApart() {
    // gpt-6.2-sol: $2 input, $0.10 cached input, $2.50 cache write, $10 output.
    // 100,000 prompt tokens of which 60,000 read from the cache and 10,000 written to it;
    // 2,000 output tokens of which 1,500 reasoning (billed as output).
    Usage usage = new Usage(100_000, 2_000, 60_000, 10_000, 1_500);
    double expected = (30_000 * 2.00 + 60_000 * 0.10 + 10_000 * 2.50 + 2_000 * 10.00) / 1e6;
    assertEquals(0.111, expected, USD);
    assertEquals(expected, bundled.cost("gpt-6.2-sol", usage), USD);
    assertEquals((100_000 * 2.00 + 2_000 * 10.00) / 1e6, bundled.cost("gpt-6.2-sol", 100_000, 2_000), USD, "no cache: all at the input rate");
  }

  @Test
  void anthropicCountsAreRecordedWithCacheTokensInTheInput() {
    // Anthropic says input_tokens=1,000, cache_read_input_tokens=50,000, cache_creation_input_tokens=4,000;
    // recorded as 55,000 input tokens. claude-opus-5: $5 input, $0.50 cache read, $6.25 cache write, $25 output.
    double cost = bundled.cost("claude-opus-5", new Usage(55_000, 500, 50_000, 4_000, 0));
    assertEquals((1_000 * 5.00 + 50_000 * 0.50 + 4_000 * 6.25 + 500 * 25.00) / 1e6, cost, USD);
    assertEquals(0.0675, cost, USD);
  }

  @Test
  void aLongPromptIsPricedWhollyAtTheLongContextRates() {
    // gpt-6.2-sol above 272K prompt tokens: $4 input, $15 output for the whole call.
    assertEquals((272_000 * 2.00 + 1_000 * 10.00) / 1e6, bundled.cost("gpt-6.2-sol", 272_000, 1_000), USD);
    assertEquals((300_000 * 4.00 + 1_000 * 15.00) / 1e6, bundled.cost("gpt-6.2-sol", 300_000, 1_000), USD);
    // claude-haiku-5-5 above 100K: $0.50 input, $2.50 output.
    assertEquals((150_000 * 0.50 + 2_000 * 2.50) / 1e6, bundled.cost("claude-haiku-5-5", 150_000, 2_000), USD);
  }

  @Test
  void countsThatDoNotAddUpAreClampedNotNegative() {
    double cost = bundled.cost("gpt-6.2-sol", new Usage(1_000, 10, 5_000, 5_000, 50));
    assertEquals((1_000 * 0.10 + 10 * 10.00) / 1e6, cost, USD, "reads capped at the prompt, reasoning at the output");
  }

  @Test
  void aFileAddsModelsReplacesPricesAndMayGiveReasoningItsOwnRate(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("prices.json");
    Files.writeString(file, """
        {"asOf": "2026-12-01", "models": {
          "my-model": {"input": 1.0, "output": 2.0, "cachedInput": 0.5, "reasoning": 4.0},
          "gpt-4o": {"input": 5.0, "output": 20.0}}}""");
    PricingTable table = bundled.with(PricingTable.fromFile(file));
    assertEquals((1_000 * 1.0 + 1_000 * 0.5 + 500 * 2.0 + 500 * 4.0) / 1e6, table.cost("my-model", new Usage(2_000, 1_000, 1_000, 0, 500)), USD);
    assertEquals(5.0, table.price("gpt-4o").inputPerMillion());
    assertEquals(bundled.price("gpt-6.2-sol"), table.price("gpt-6.2-sol"), "the rest stays");
  }

  @Test
  void classpathFileAndNamedFileAreMergedOverTheBundledTableTheNamedFileLast(@TempDir Path dir) throws Exception {
    Path classpath = Files.createDirectories(dir.resolve("classes"));
    Files.writeString(classpath.resolve(PricingTable.CLASSPATH_FILE),
        "{\"models\": {\"in-house\": {\"input\": 1, \"output\": 1}, \"gpt-4o\": {\"input\": 3, \"output\": 12}}}");
    Path named = dir.resolve("ops-prices.json");
    Files.writeString(named, "{\"models\": {\"gpt-4o\": {\"input\": 4, \"output\": 16}}}");
    List<String> warnings = new ArrayList<>();
    try (URLClassLoader loader = new URLClassLoader(new URL[] {classpath.toUri().toURL()}, null)) {
      PricingTable table = PricingTable.defaults(named.toString(), null, loader, warnings::add);
      assertEquals(1.0, table.price("in-house").inputPerMillion());
      assertEquals(4.0, table.price("gpt-4o").inputPerMillion(), "the named file wins over the classpath file");
      assertEquals(bundled.price("claude-opus-5"), table.price("claude-opus-5"));
      PricingTable fromEnv = PricingTable.defaults(null, named.toString(), loader, warnings::add);
      assertEquals(4.0, fromEnv.price("gpt-4o").inputPerMillion(), "TRACEWRIGHT_PRICING when no property");
    }
    assertEquals(List.of(), warnings);
  }

  @Test
  void aBrokenFileIsLeftOutWithAWarningNamingItAndTheBundledPricesStay(@TempDir Path dir) throws Exception {
    Path classpath = Files.createDirectories(dir.resolve("classes"));
    Files.writeString(classpath.resolve(PricingTable.CLASSPATH_FILE), "{\"models\": {\"x\": {\"input\": \"cheap\", \"output\": 1}}}");
    Path notJson = dir.resolve("prices.json");
    Files.writeString(notJson, "{\"models\": {");
    List<String> warnings = new ArrayList<>();
    try (URLClassLoader loader = new URLClassLoader(new URL[] {classpath.toUri().toURL()}, null)) {
      PricingTable table = PricingTable.defaults(notJson.toString(), null, loader, warnings::add);
      assertEquals(bundled.size(), table.size());
      assertEquals(bundled.price("gpt-4o"), table.price("gpt-4o"));
    }
    assertEquals(2, warnings.size(), warnings.toString());
    assertTrue(warnings.get(0).contains(PricingTable.CLASSPATH_FILE) && warnings.get(0).contains("\"input\" must be a number"), warnings.get(0));
    assertTrue(warnings.get(1).contains(notJson.toString()) && warnings.get(1).contains("bundled prices apply"), warnings.get(1));

    List<String> missing = new ArrayList<>();
    PricingTable table = bundled.withFile(dir.resolve("nowhere.json"), missing::add);
    assertEquals(bundled.size(), table.size());
    assertTrue(missing.get(0).contains("nowhere.json") && missing.get(0).contains("no such file"), missing.toString());
  }
}
