package dev.tracewright.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracewright.annotations.SpanKind;
import dev.tracewright.runtime.ActiveSpan;
import dev.tracewright.runtime.TraceConfig;
import dev.tracewright.runtime.Tracewright;
import dev.tracewright.runtime.store.H2Store;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A call whose model has no price shows "unknown", never $0, and a sum with one says it is partial. */
@Timeout(120)
class UnknownCostTest {
  @TempDir Path dir;
  Path db;
  String traceId;

  @BeforeEach
  void record() {
    db = dir.resolve("traces");
    Tracewright.init(TraceConfig.builder().store(H2Store.file(db)).build());
    try (ActiveSpan root = Tracewright.span("research", SpanKind.AGENT).start()) {
      traceId = root.traceId();
      Tracewright.span("chat", SpanKind.LLM).model("gpt-4o").run(() -> Tracewright.current().tokens(1200, 300)); // $0.0060
      Tracewright.span("local", SpanKind.LLM).model("my-local-model").run(() -> Tracewright.current().tokens(1000, 1000));
    }
    assertTrue(Tracewright.flush());
    Tracewright.shutdown();
  }

  @AfterEach
  void stop() {
    Tracewright.shutdown();
  }

  @Test
  void listShowAndStatsSayUnknownAndPartial() {
    CliTest.Result list = CliTest.run("list", "--db", db.toString());
    assertEquals(0, list.exit(), list.err());
    assertTrue(list.out().contains("$0.0060 + unknown (1 call)"), list.out());

    CliTest.Result show = CliTest.run("show", traceId, "--db", db.toString(), "--no-color");
    assertTrue(show.out().lines().findFirst().orElseThrow().contains("$0.0060 + unknown (1 call)"), show.out());
    assertTrue(show.out().lines().anyMatch(l -> l.contains("local") && l.contains("my-local-model") && l.contains("cost unknown")), show.out());
    assertTrue(show.out().lines().noneMatch(l -> l.contains("local") && l.contains("$0")), show.out());

    CliTest.Result stats = CliTest.run("stats", "--db", db.toString());
    assertEquals(0, stats.exit(), stats.err());
    assertTrue(stats.out().lines().anyMatch(l -> l.startsWith("research") && l.contains("$0.0060 + unknown (1 call)")), stats.out());
    assertTrue(stats.out().lines().anyMatch(l -> l.startsWith("my-local-model") && l.contains("unknown (1 call)") && !l.contains("$")), stats.out());
    assertTrue(stats.out().lines().anyMatch(l -> l.startsWith("gpt-4o") && l.contains("$0.0060") && !l.contains("unknown")), stats.out());
  }

  @Test
  void thePricingFilePricesCallsRecordedWithoutACostAndLeavesStoredCostsAlone() throws Exception {
    Path prices = dir.resolve("tracewright-pricing.json");
    Files.writeString(prices, "{\"models\": {\"my-local-model\": {\"input\": 1.0, \"output\": 1.0}, \"gpt-4o\": {\"input\": 100, \"output\": 100}}}");

    CliTest.Result list = CliTest.run("list", "--db", db.toString(), "--pricing", prices.toString());
    assertEquals(0, list.exit(), list.err());
    assertTrue(list.out().contains("$0.0080") && !list.out().contains("unknown"), "0.0060 stored + 0.0020 priced now: " + list.out());

    CliTest.Result stats = CliTest.run("stats", "--db", db.toString(), "--pricing", prices.toString());
    assertTrue(stats.out().lines().anyMatch(l -> l.startsWith("my-local-model") && l.contains("$0.0020")), stats.out());
    assertTrue(stats.out().lines().anyMatch(l -> l.startsWith("gpt-4o") && l.contains("$0.0060")), "stored cost as stored: " + stats.out());
    assertTrue(stats.out().lines().anyMatch(l -> l.startsWith("research") && l.contains("$0.0080")), stats.out());

    CliTest.Result show = CliTest.run("show", traceId, "--db", db.toString(), "--no-color", "--pricing", prices.toString());
    assertTrue(show.out().lines().anyMatch(l -> l.contains("my-local-model") && l.contains("$0.0020")), show.out());
  }

  @Test
  void aBrokenPricingFileIsAWarningAndTheBundledPricesApply() throws Exception {
    Path prices = dir.resolve("broken.json");
    Files.writeString(prices, "{\"models\": {\"my-local-model\": {\"input\": \"free\"}}}");
    CliTest.Result list = CliTest.run("list", "--db", db.toString(), "--pricing", prices.toString());
    assertEquals(0, list.exit(), list.err());
    assertTrue(list.err().contains("warning: Tracewright pricing file " + prices) && list.err().contains("bundled prices apply"), list.err());
    assertTrue(list.out().contains("$0.0060 + unknown (1 call)"), list.out());
  }
}
