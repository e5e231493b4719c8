package dev.tracewright.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracewright.annotations.SpanKind;
import dev.tracewright.runtime.ActiveSpan;
import dev.tracewright.runtime.TraceConfig;
import dev.tracewright.runtime.Tracewright;
import dev.tracewright.runtime.store.H2Store;
import dev.tracewright.runtime.store.TraceRecord;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code list --tag/--session/--user} and the read model's filters over traces tagged through the runtime API. */
@Timeout(120)
class ListLabelsTest {
  @TempDir static Path dir;
  static Path db;
  static String checkoutBeta;
  static String checkoutOther;
  static String conversation;
  static String plain;

  /** A root span named {@code name}, run with {@code body} inside it; its trace ID. */
  static String trace(String name, Runnable body) {
    try (ActiveSpan root = Tracewright.span(name, SpanKind.AGENT).start()) {
      body.run();
      return root.traceId();
    }
  }

  @BeforeAll
  static void record() {
    db = dir.resolve("traces");
    Tracewright.init(TraceConfig.builder().store(H2Store.file(db)).build());
    checkoutBeta = trace("checkout", () -> {
      Tracewright.tag("checkout", "beta");
      Tracewright.session("s-1");
      Tracewright.user("u-7");
    });
    checkoutOther = trace("checkout", () -> {
      Tracewright.tag("checkout");
      Tracewright.session("s-2");
      Tracewright.user("u-8");
    });
    conversation = trace("chat", () -> Tracewright.conversation("conv-9").close());
    plain = trace("browse", () -> { });
    assertTrue(Tracewright.flush());
    Tracewright.shutdown();
  }

  @AfterAll
  static void stop() {
    Tracewright.shutdown();
  }

  /** The trace IDs {@code list} prints (their first 16 digits) for these arguments. */
  static Set<String> listed(String... filters) {
    String[] args = new String[filters.length + 3];
    args[0] = "list";
    System.arraycopy(filters, 0, args, 1, filters.length);
    args[filters.length + 1] = "--db";
    args[filters.length + 2] = db.toString();
    CliTest.Result r = CliTest.run(args);
    assertEquals(0, r.exit(), r.err());
    if (r.out().startsWith("no traces")) {
      return Set.of();
    }
    return r.out().lines().skip(1).map(l -> l.split("\\s+")[0]).collect(Collectors.toSet());
  }

  static Set<String> ids(String... traceIds) {
    return Set.of(traceIds).stream().map(id -> id.substring(0, 16)).collect(Collectors.toSet());
  }

  @Test
  void listFiltersByTagSessionAndUser() {
    assertEquals(ids(checkoutBeta, checkoutOther), listed("--tag", "checkout"));
    assertEquals(ids(checkoutBeta), listed("--tag", "beta"));
    assertEquals(ids(checkoutBeta), listed("--session", "s-1"));
    assertEquals(ids(checkoutOther), listed("--user", "u-8"));
    assertEquals(ids(checkoutBeta), listed("--tag", "checkout", "--user", "u-7"), "filters add up");
    assertEquals(ids(conversation), listed("--session", "conv-9"), "the conversation ID is the session when none was given");
    assertEquals(Set.of(), listed("--tag", "check"), "exact matches only");
    assertEquals(4, listed().size());
    CliTest.Result none = CliTest.run("list", "--user", "nobody", "--db", db.toString());
    assertTrue(none.out().startsWith("no traces match"), none.out());
  }

  @Test
  void listShowsSessionUserAndTagsWhenAPageHasThem() {
    CliTest.Result r = CliTest.run("list", "--db", db.toString());
    List<String> lines = r.out().lines().toList();
    assertEquals(List.of("TRACE", "NAME", "START", "DURATION", "SPANS", "TOKENS", "COST", "STATUS", "SESSION", "USER", "TAGS"),
        List.of(lines.get(0).split("\\s+")));
    String beta = lines.stream().filter(l -> l.startsWith(checkoutBeta.substring(0, 16))).findFirst().orElseThrow();
    assertTrue(beta.matches(".* OK +s-1 +u-7 +beta,checkout$"), beta);
    String chat = lines.stream().filter(l -> l.startsWith(conversation.substring(0, 16))).findFirst().orElseThrow();
    assertTrue(chat.matches(".* OK +conv-9 +- *$"), chat);

    CliTest.Result untagged = CliTest.run("list", "--name", "browse", "--db", db.toString());
    assertEquals(List.of("TRACE", "NAME", "START", "DURATION", "SPANS", "TOKENS", "COST", "STATUS"),
        List.of(untagged.out().lines().findFirst().orElseThrow().split("\\s+")), "no empty columns for a page without any");
  }

  @Test
  void theReadModelFiltersThroughTheIndexesAndPagesKeepTheFilter() throws Exception {
    try (TraceDb traces = TraceDb.open(db)) {
      TraceQuery bySession = TraceQuery.recent(10).labelled(null, "s-1", null);
      assertEquals(List.of(checkoutBeta), traces.traces(bySession).stream().map(TraceRecord::traceId).toList());
      assertTrue(traces.plan(bySession).toUpperCase().contains("TRACES_BY_SESSION"), traces.plan(bySession));
      assertTrue(traces.plan(TraceQuery.recent(10).labelled(null, null, "u-7")).toUpperCase().contains("TRACES_BY_USER"));
      String byTag = traces.plan(TraceQuery.recent(10).labelled("beta", null, null)).toUpperCase();
      assertTrue(byTag.contains("TRACE_TAGS") && byTag.contains("PRIMARY_KEY"), byTag);

      TraceQuery firstPage = TraceQuery.recent(1).labelled("checkout", null, null);
      List<TraceRecord> page = traces.traces(firstPage);
      assertEquals(List.of(checkoutOther), page.stream().map(TraceRecord::traceId).toList(), "newest first");
      assertEquals(List.of(checkoutBeta), traces.traces(firstPage.after(page.get(0))).stream().map(TraceRecord::traceId).toList());
      assertEquals(List.of(checkoutBeta), traces.traces(firstPage.sorted(TraceQuery.Sort.OLDEST)).stream().map(TraceRecord::traceId).toList());

      var labels = traces.labels(List.of(checkoutBeta, plain));
      assertEquals(List.of("beta", "checkout"), labels.get(checkoutBeta).tags());
      assertEquals("u-7", labels.get(checkoutBeta).userId());
      assertFalse(labels.containsKey(plain));
    }
  }
}
