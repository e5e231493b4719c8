package dev.tracewright.cli.ui.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracewright.annotations.SpanKind;
import dev.tracewright.cli.TraceDb;
import dev.tracewright.cli.ui.UiServer;
import dev.tracewright.runtime.ActiveSpan;
import dev.tracewright.runtime.TraceConfig;
import dev.tracewright.runtime.Tracewright;
import dev.tracewright.runtime.store.H2Store;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.openqa.selenium.By;

/**
 * Issue 22 on a big database (not run by default): the message view and the compare page on a file
 * of a million spans or more, such as the benchmarks' {@code QueryDatabase} builds. Adds a model
 * conversation and two runs to compare to that file, then times the pages in the browser and keeps
 * screenshots (bigdb-*.png). Run with {@code -Dtracewright.bigdb=/path/to/traces} (the H2 base
 * name, without .mv.db); the figures are printed, not asserted.
 */
@Timeout(900)
@EnabledIfSystemProperty(named = "tracewright.bigdb", matches = ".+")
class MessageViewBigDatabaseTest {
  static final int TURNS = 40;
  static final int LLM_SPANS = 200;

  @Test
  void theMessageViewAndTheComparisonStayQuickOnABigDatabase() throws Exception {
    Path db = Path.of(System.getProperty("tracewright.bigdb"));
    long spans;
    Tracewright.init(TraceConfig.builder().store(H2Store.file(db)).build());
    String chatId;
    try (ActiveSpan agent = Tracewright.span("long conversation", SpanKind.AGENT).start()) {
      chatId = Tracewright.current().traceId();
      List<Map<String, Object>> messages = new ArrayList<>();
      messages.add(MessageViewBrowserTest.message("system", MessageViewBrowserTest.text(MessageViewBrowserTest.SYSTEM)));
      for (int t = 0; t < TURNS; t++) {
        messages.add(MessageViewBrowserTest.message("user", MessageViewBrowserTest.text("Question " + t + ":\n" + "Why? ".repeat(200))));
        messages.add(MessageViewBrowserTest.message("assistant", Map.of("type", "tool_call", "id", "call_" + t, "name", "search",
            "arguments", "{\"query\":\"q" + t + "\"}")));
        messages.add(MessageViewBrowserTest.message("tool", Map.of("type", "tool_call_response", "id", "call_" + t, "response", "result ".repeat(100))));
      }
      MessageViewBrowserTest.chat("chat gpt-4o", messages, List.of(Map.of("role", "assistant", "finish_reason", "stop",
          "parts", List.of(MessageViewBrowserTest.text(MessageViewBrowserTest.ANSWER)))));
      agent.output("ok");
    }
    String a = run(0);
    String b = run(1);
    assertTrue(Tracewright.flush());
    Tracewright.shutdown();
    try (TraceDb traces = TraceDb.open(db); var st = traces.connection().createStatement(); var rs = st.executeQuery("SELECT COUNT(*) FROM spans")) {
      rs.next();
      spans = rs.getLong(1);
    }
    try (UiServer server = UiServer.start(db, 0); Browser browser = Browser.start()) {
      String base = server.url();
      for (int round = 0; round < 3; round++) { // the first round pays for cold caches
        browser.open(base + "trace/" + chatId);
        double page = awaited(browser, ".viewport .row");
        double click = clickAndAwait(browser, "chat gpt-4o", ".inspector .content-section.input .msg");
        browser.open(base + "compare?a=" + a + "&b=" + b);
        double compare = awaited(browser, "tr.content-row .diff-panel.output table");
        double allOpened = awaitedCount(browser, "tr.content-row .diff-panel.output table", 10);
        System.out.printf(Locale.ROOT, "%,d spans in the database, round %d: trace page rows %.0f ms after navigation;"
                + " click to the %d-message conversation %.0f ms; compare (%d spans a side): first side by side %.0f ms, ten %.0f ms%n",
            spans, round + 1, page, 1 + 3 * TURNS, click, LLM_SPANS + 1, compare, allOpened);
      }
      browser.open(base + "trace/" + chatId);
      browser.await(By.cssSelector(".viewport .row"));
      clickAndAwait(browser, "chat gpt-4o", ".inspector .content-section.input .msg");
      browser.js("document.querySelector('.inspector .content-section.input').scrollIntoView();");
      browser.screenshot("bigdb-trace");
      browser.open(base + "compare?a=" + a + "&b=" + b);
      awaitedCount(browser, "tr.content-row .diff-panel.output table", 10);
      browser.screenshot("bigdb-compare");
      assertEquals(10, browser.driver.findElements(By.cssSelector("tr.content-row .diff-panel.output table")).size());
    }
  }

  /** A run of LLM_SPANS model turns; in run 1 every other answer differs from run 0's. */
  static String run(int which) {
    try (ActiveSpan agent = Tracewright.span("many turns", SpanKind.AGENT).start()) {
      for (int i = 0; i < LLM_SPANS; i++) {
        String answer = "Turn " + i + ".\nThe answer is " + (which == 1 && i % 2 == 0 ? "different" : "the same") + ".\nEnd.";
        MessageViewBrowserTest.chat("chat", List.of(MessageViewBrowserTest.message("user", MessageViewBrowserTest.text("Turn " + i))),
            List.of(Map.of("role", "assistant", "finish_reason", "stop", "parts", List.of(MessageViewBrowserTest.text(answer)))));
      }
      agent.output("done");
      return Tracewright.current().traceId();
    }
  }

  /** Milliseconds from navigation start until the selector matches (checked every frame, in the page). */
  static double awaited(Browser browser, String selector) {
    return awaitedCount(browser, selector, 1);
  }

  static double awaitedCount(Browser browser, String selector, int count) {
    return ((Number) browser.driver.executeAsyncScript("var done = arguments[arguments.length - 1], sel = arguments[0], n = arguments[1];"
        + " (function check() { if (document.querySelectorAll(sel).length >= n) done(performance.now()); else requestAnimationFrame(check); })();",
        selector, count)).doubleValue();
  }

  /** Milliseconds from a click on the span's row until the selector matches. */
  static double clickAndAwait(Browser browser, String spanName, String selector) {
    return ((Number) browser.driver.executeAsyncScript("var done = arguments[arguments.length - 1], name = arguments[0], sel = arguments[1];"
        + " var row = Array.from(document.querySelectorAll('.viewport .row')).filter(function (r) { return r.querySelector('.span-name').textContent === name; })[0];"
        + " var t0 = performance.now(); row.click();"
        + " (function check() { if (document.querySelector(sel)) done(performance.now() - t0); else requestAnimationFrame(check); })();",
        spanName, selector)).doubleValue();
  }
}
