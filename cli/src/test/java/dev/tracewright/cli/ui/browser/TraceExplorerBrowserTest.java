package dev.tracewright.cli.ui.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracewright.annotations.SpanKind;
import dev.tracewright.cli.ChildAgent;
import dev.tracewright.cli.Format;
import dev.tracewright.cli.SinceConverter;
import dev.tracewright.cli.StatsReport;
import dev.tracewright.cli.TraceDb;
import dev.tracewright.cli.TracewrightCli;
import dev.tracewright.cli.ui.UiServer;
import dev.tracewright.runtime.ActiveSpan;
import dev.tracewright.runtime.TraceConfig;
import dev.tracewright.runtime.TracedCall;
import dev.tracewright.runtime.replay.Replay;
import dev.tracewright.runtime.Tracewright;
import dev.tracewright.runtime.store.H2Store;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/**
 * The explorer's pages in a real headless chromium, over traces the runtime recorded into an H2 file
 * and served by a real {@link UiServer}. One browser for the class (its start is the slow part).
 */
@Timeout(300)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TraceExplorerBrowserTest {
  /** Markup that would set a flag (and show an alert) if the page ever rendered it as HTML. */
  static final String IMG = "<img src=x onerror=\"window.__twPwned=1;alert(1)\">";
  static final String SCRIPT = "<script>window.__twPwned=2;alert(2)</script>";
  static final int EARLIER = 60;
  static final int BIG_GROUPS = 99;
  static final int BIG_STEPS = 100;
  static final int BIG_SPANS = 1 + BIG_GROUPS + BIG_GROUPS * BIG_STEPS;
  static final TracedCall.Site AGENT = TracedCall.site(TraceExplorerBrowserTest.class, "research", SpanKind.AGENT, "research").parameters("question");
  static final TracedCall.Site LLM = TracedCall.site(TraceExplorerBrowserTest.class, "chat", SpanKind.LLM, "chat").model("gpt-4o").provider("openai").parameters("prompt");

  @TempDir static Path dir;
  static Path db;
  static UiServer server;
  static Browser browser;
  static String researchId;
  static String xssId;
  static String bigId;
  static String planA;
  static String runningId;
  static String planB;
  static String replayedId;

  @BeforeAll
  static void recordServeAndOpenABrowser() {
    db = dir.resolve("traces");
    Tracewright.init(TraceConfig.builder().store(H2Store.file(db)).build());
    for (int i = 0; i < EARLIER; i++) { // older than the rest: a second page of the list
      try (ActiveSpan earlier = Tracewright.span("earlier", SpanKind.STEP).start()) {
        earlier.output(i);
      }
    }
    TracedCall root = AGENT.begin();
    root.input("why is the sky blue?");
    try (ActiveSpan tool = Tracewright.span("search", SpanKind.TOOL).input("query", "sky colour physics").start()) {
      tool.event("retry", Map.of("attempt", 1));
      tool.output(Map.of("hits", List.of("Rayleigh scattering", "Mie scattering")));
    }
    try (ActiveSpan failing = Tracewright.span("lookup cache", SpanKind.MEMORY).start()) {
      failing.error(new IllegalStateException("cache offline"));
    }
    TracedCall llm = LLM.begin();
    llm.input("summarize the hits");
    Tracewright.current().tokens(1200, 300);
    llm.returned("The sky is blue because of Rayleigh scattering.");
    researchId = Tracewright.current().traceId();
    root.returned("blue");

    try (ActiveSpan page = Tracewright.span("fetch page", SpanKind.TOOL).input("html", SCRIPT).start()) {
      xssId = Tracewright.current().traceId();
      page.output(IMG + " and " + SCRIPT);
      Tracewright.tag(IMG, "fetch");
      Tracewright.session("s-fetch");
    }

    planA = plan("42", false);
    planB = plan("43", true);
    try (Replay replay = Replay.ofTrace(planA).open()) { // a real replay: its root says which run it replays
      replayedId = plan("42", false);
    }

    try (ActiveSpan big = Tracewright.span("big run", SpanKind.AGENT).start()) {
      bigId = Tracewright.current().traceId();
      for (int g = 0; g < BIG_GROUPS; g++) {
        try (ActiveSpan group = Tracewright.span("group-" + g, SpanKind.STEP).start()) {
          for (int s = 0; s < BIG_STEPS; s++) {
            try (ActiveSpan step = Tracewright.span("step-" + s, SpanKind.TOOL).start()) {
              step.output(s);
            }
          }
        }
        if (g % 20 == 19) {
          assertTrue(Tracewright.flush()); // the writer's queue holds 8192 spans
        }
      }
    }
    runningId = startedAndNeverEnded();
    assertTrue(Tracewright.flush());
    Tracewright.shutdown();
    server = UiServer.start(db, 0);
    browser = Browser.start();
  }

  /** A trace whose root never ends (an agent still running, or killed): on a thread of its own, so no later span nests in it. */
  private static String startedAndNeverEnded() {
    String[] id = new String[1];
    Thread agent = new Thread(() -> {
      ActiveSpan root = Tracewright.span("still running", SpanKind.AGENT).start();
      try (ActiveSpan step = Tracewright.span("first step", SpanKind.STEP).start()) {
        step.output("done");
      }
      id[0] = root.traceId();
    });
    agent.start();
    try {
      agent.join();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
    return id[0];
  }

  /** Two runs of one agent to compare: the answer differs, and the second run verifies it. */
  private static String plan(String answer, boolean verify) {
    try (ActiveSpan root = Tracewright.span("plan", SpanKind.AGENT).start()) {
      try (ActiveSpan step = Tracewright.span("think", SpanKind.STEP).start()) {
        step.output("same thought");
      }
      try (ActiveSpan out = Tracewright.span("answer", SpanKind.LLM).start()) {
        out.output(answer);
      }
      if (verify) {
        try (ActiveSpan check = Tracewright.span("verify", SpanKind.TOOL).start()) {
          check.output("ok");
        }
      }
      root.output("done");
      return Tracewright.current().traceId();
    }
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.close();
    }
    if (server != null) {
      server.close();
    }
    Tracewright.shutdown();
  }

  static String url(String path) {
    return server.url() + path.substring(1);
  }

  static List<String> spanNames() {
    return browser.driver.findElements(By.cssSelector(".viewport .row .span-name")).stream().map(WebElement::getText).toList();
  }

  static WebElement row(String spanName) {
    return browser.await(By.xpath("//div[contains(@class,'row')][.//span[@class='span-name' and text()='" + spanName + "']]")).get(0);
  }

  @Test
  @Order(1)
  void theListShowsTheRecordedTracesAndARowOpensItsWaterfall() throws Exception {
    browser.open(url("/"));
    WebElement link = browser.awaitText(By.cssSelector("#rows td.name a"), "research");
    List<String> names = browser.driver.findElements(By.cssSelector("#rows td.name a")).stream().map(WebElement::getText).toList();
    assertEquals(List.of("still running", "big run", "plan", "plan", "plan", "fetch page", "research"), names.subList(0, 7), "newest first");
    WebElement running = browser.driver.findElement(By.cssSelector("#rows tr[data-trace-id='" + runningId + "']"));
    assertTrue(running.getAttribute("class").contains("running"), "marked");
    assertTrue(running.findElement(By.cssSelector(".status")).getText().equals("running"), "in words: " + running.getText());
    assertEquals(50, names.size(), "a page");
    WebElement older = browser.driver.findElement(By.id("older"));
    assertTrue(older.isDisplayed());
    older.click();
    browser.until("the next page below", () -> browser.driver.findElements(By.cssSelector("#rows tr")).size() == 7 + EARLIER);
    assertFalse(older.isDisplayed(), "no page after the last");
    WebElement researchRow = browser.driver.findElement(By.cssSelector("#rows tr[data-trace-id='" + researchId + "']"));
    String text = researchRow.getText();
    assertTrue(text.contains(Format.tokens(1500)), text);
    assertTrue(text.contains("ok, 1 error inside"), text);
    browser.screenshot("traces");

    link.click();
    browser.until("the waterfall of research", () -> spanNames().size() == 4);
    assertEquals(List.of("research", "search", "lookup cache", "chat"), spanNames());
    assertTrue(browser.driver.getCurrentUrl().endsWith("/trace/" + researchId), browser.driver.getCurrentUrl());
    assertEquals(4, browser.driver.findElements(By.cssSelector(".viewport .bar")).size(), "a bar per span");
    assertEquals(1, browser.driver.findElements(By.cssSelector(".viewport .bar.error")).size(), "the failed span's bar is marked");
    assertTrue(row("lookup cache").getText().contains("error"), "said in words too");
    String totals = browser.driver.findElement(By.cssSelector(".totals")).getText();
    assertTrue(totals.contains("Critical path"), totals);
    assertTrue(row("research").getAttribute("class").contains("on-critical"), "the root is on the critical path");
    assertTrue(row("chat").getAttribute("class").contains("on-critical"), "the last child decides the end");

    browser.open(url("/trace/" + runningId));
    browser.awaitText(By.id("notice"), "still running");
    assertEquals(List.of("first step"), spanNames(), "the spans recorded so far (the root is stored when it ends)");
  }

  @Test
  @Order(2)
  void filtersGoIntoTheUrlAndTwoTickedRowsOpenTheComparison() throws Exception {
    browser.open(url("/"));
    browser.awaitText(By.cssSelector("#rows td.name a"), "research");
    WebElement q = browser.driver.findElement(By.name("q"));
    q.sendKeys("lookup");
    q.submit();
    browser.until("the filter in the URL", () -> browser.driver.getCurrentUrl().endsWith("/?q=lookup"));
    browser.until("only the trace with a span named like that",
        () -> browser.driver.findElements(By.cssSelector("#rows td.name a")).stream().map(WebElement::getText).toList().equals(List.of("research")));
    assertEquals("lookup", browser.driver.findElement(By.name("q")).getAttribute("value"), "the form shows the URL's filter");

    browser.open(url("/?status=any_error"));
    browser.until("only the trace with a failed span",
        () -> browser.driver.findElements(By.cssSelector("#rows td.name a")).stream().map(WebElement::getText).toList().equals(List.of("research")));
    browser.open(url("/?status=failed"));
    browser.until("no failed run", () -> browser.driver.findElement(By.id("empty")).isDisplayed());

    browser.open(url("/"));
    browser.awaitText(By.cssSelector("#rows td.name a"), "research");
    WebElement compare = browser.driver.findElement(By.id("compare"));
    assertFalse(compare.isEnabled());
    browser.driver.findElement(By.cssSelector("#rows tr[data-trace-id='" + xssId + "'] input[type=checkbox]")).click();
    assertFalse(compare.isEnabled(), "one is not a pair");
    browser.driver.findElement(By.cssSelector("#rows tr[data-trace-id='" + researchId + "'] input[type=checkbox]")).click();
    assertTrue(compare.isEnabled());
    compare.click();
    browser.until("the comparison of the older (A) with the newer (B)",
        () -> browser.driver.getCurrentUrl().endsWith("/compare?a=" + researchId + "&b=" + xssId));
  }

  @Test
  @Order(3)
  void clickingASpanShowsItsCapturedInputAndTheKeyboardMovesAndFolds() throws Exception {
    browser.open(url("/trace?id=" + researchId));
    row("search").click();
    WebElement input = browser.awaitText(By.cssSelector(".inspector .content-section.input"), "sky colour physics");
    assertFalse(input.getText().contains("loading"), input.getText());
    browser.awaitText(By.cssSelector(".inspector .content-section.output"), "Rayleigh scattering");
    String inspector = browser.driver.findElement(By.cssSelector(".inspector")).getText();
    assertTrue(inspector.contains("retry"), "its event: " + inspector);
    browser.screenshot("trace");

    row("chat").click();
    browser.awaitText(By.cssSelector(".inspector"), "gpt-4o");
    String chat = browser.driver.findElement(By.cssSelector(".inspector")).getText();
    assertTrue(chat.contains("1,200 in / 300 out"), chat);
    browser.awaitText(By.cssSelector(".inspector .content-section.input"), "summarize the hits");

    WebElement tree = browser.driver.findElement(By.cssSelector(".viewport"));
    browser.js("document.activeElement.blur(); window.scrollTo(0, 0);");
    for (int tabs = 0; tabs < 20 && !Boolean.TRUE.equals(browser.js("return document.activeElement.classList.contains('viewport');")); tabs++) {
      browser.driver.switchTo().activeElement().sendKeys(Keys.TAB);
    }
    assertEquals(Boolean.TRUE, browser.js("return document.activeElement.classList.contains('viewport');"), "Tab reaches the span tree");
    tree.sendKeys(Keys.ARROW_UP);
    browser.awaitText(By.cssSelector(".inspector h2"), "lookup cache");
    browser.awaitText(By.cssSelector(".inspector .error-box"), "cache offline");
    tree.sendKeys(Keys.HOME);
    browser.awaitText(By.cssSelector(".inspector h2"), "research");
    tree.sendKeys(Keys.ENTER);
    browser.until("Enter folds the root", () -> spanNames().equals(List.of("research")));
    tree.sendKeys(Keys.SPACE);
    browser.until("Space unfolds it", () -> spanNames().size() == 4);
    tree.sendKeys(Keys.ESCAPE);
    browser.until("Escape closes the inspector", () -> !browser.driver.findElement(By.cssSelector(".inspector")).isDisplayed());
  }

  @Test
  @Order(4)
  void capturedMarkupShowsAsTextAndRunsNothing() throws Exception {
    browser.open(url("/trace/" + xssId));
    row("fetch page").click();
    WebElement output = browser.awaitText(By.cssSelector(".inspector .content-section.output"), IMG);
    assertTrue(output.getText().contains(SCRIPT), output.getText());
    browser.awaitText(By.cssSelector(".inspector .content-section.input"), SCRIPT);
    assertFalse(browser.alertShown(), "no alert");
    assertNull(browser.js("return window.__twPwned === undefined ? null : window.__twPwned;"), "the payload ran");
    assertTrue(browser.driver.findElements(By.cssSelector("main img, main script")).isEmpty(), "no element made of the content");
    browser.screenshot("untrusted-content");
  }

  @Test
  @Order(4)
  void tagsAndTheSessionAreChipsOfTextThatFilterTheList() throws Exception {
    browser.open(url("/"));
    browser.awaitText(By.cssSelector("#rows td.name a"), "research");
    WebElement row = browser.driver.findElement(By.cssSelector("#rows tr[data-trace-id='" + xssId + "']"));
    List<String> chips = row.findElements(By.cssSelector(".tag.label")).stream().map(WebElement::getText).toList();
    assertEquals(List.of("session s-fetch", IMG, "fetch"), chips, "the session, then the tags (sorted), as text");
    assertTrue(browser.driver.findElements(By.cssSelector("main img, main script")).isEmpty(), "no element made of a tag");
    assertNull(browser.js("return window.__twPwned === undefined ? null : window.__twPwned;"), "the payload ran");

    row.findElements(By.cssSelector(".tag.label")).get(1).click();
    browser.until("the tag filter in the URL", () -> browser.driver.getCurrentUrl().contains("tag="));
    browser.until("only the tagged trace",
        () -> browser.driver.findElements(By.cssSelector("#rows td.name a")).stream().map(WebElement::getText).toList().equals(List.of("fetch page")));
    assertEquals(IMG, browser.driver.findElement(By.name("tag")).getAttribute("value"), "the form shows the URL's filter");

    browser.open(url("/"));
    browser.awaitText(By.cssSelector("#rows td.name a"), "research");
    browser.driver.findElement(By.cssSelector("#rows tr[data-trace-id='" + xssId + "'] .tag.label.session")).click();
    browser.until("the session filter in the URL", () -> browser.driver.getCurrentUrl().endsWith("/?session=s-fetch"));
    browser.until("only the session's trace",
        () -> browser.driver.findElements(By.cssSelector("#rows td.name a")).stream().map(WebElement::getText).toList().equals(List.of("fetch page")));
    assertFalse(browser.alertShown(), "no alert");
  }

  @Test
  @Order(4)
  void rowsShowTheRootsInputAndOutputAsTextAndTheContentBoxFindsAPhrase() throws Exception {
    browser.open(url("/"));
    browser.awaitText(By.cssSelector("#rows td.name a"), "research");
    WebElement research = browser.driver.findElement(By.cssSelector("#rows tr[data-trace-id='" + researchId + "']"));
    assertEquals("→ {\"question\":\"why is the sky blue?\"}", research.findElement(By.cssSelector(".preview-in")).getText());
    assertEquals("← \"blue\"", research.findElement(By.cssSelector(".preview-out")).getText());
    WebElement hostile = browser.driver.findElement(By.cssSelector("#rows tr[data-trace-id='" + xssId + "'] .preview-out"));
    assertTrue(hostile.getText().contains("<img src=x onerror=") && hostile.getText().contains("<script>"), hostile.getText());
    assertTrue(browser.driver.findElements(By.cssSelector("main img, main script")).isEmpty(), "no element made of a preview");
    assertTrue(hostile.getSize().getHeight() < 30, "one line: " + hostile.getSize());

    WebElement box = browser.driver.findElement(By.name("text"));
    box.sendKeys("MIE scattering");
    box.submit();
    browser.until("the content filter in the URL", () -> browser.driver.getCurrentUrl().endsWith("/?text=MIE+scattering"));
    browser.until("only the trace whose tool output says it",
        () -> browser.driver.findElements(By.cssSelector("#rows td.name a")).stream().map(WebElement::getText).toList().equals(List.of("research")));
    browser.screenshot("traces-content-search");
    browser.open(url("/?text=" + java.net.URLEncoder.encode("?!", java.nio.charset.StandardCharsets.UTF_8)));
    browser.awaitText(By.id("notice"), "no word to search for");
    assertFalse(browser.alertShown(), "no alert");
  }

  @Test
  @Order(5)
  void aTraceOfTenThousandSpansKeepsOnlyTheVisibleRowsInThePage() throws Exception {
    browser.open(url("/trace/" + bigId));
    browser.awaitText(By.cssSelector(".totals"), "Spans" + "\n" + BIG_SPANS);
    browser.await(By.cssSelector(".viewport .row"));
    long rows = browser.driver.findElements(By.cssSelector(".viewport .row")).size();
    assertTrue(rows > 10 && rows < 200, rows + " rows in the DOM for " + BIG_SPANS + " spans");
    // Reported, not asserted (no timing assertions): the page's own measure of layout and first rows,
    // and the time from navigation to now (fetch and parse of the 10,000 spans included).
    Object render = browser.js("return performance.getEntriesByName('tracewright render')[0].duration;");
    Object sinceNavigation = browser.js("return performance.now();");
    System.out.printf(Locale.ROOT, "%d-span trace: layout and first rows %.0f ms; %.0f ms since navigation%n", BIG_SPANS,
        ((Number) render).doubleValue(), ((Number) sinceNavigation).doubleValue());
    browser.screenshot("big-trace");
    browser.js("var v = document.querySelector('.viewport'); v.scrollTop = v.scrollHeight;");
    String lastRowTop = ((BIG_SPANS - 1) * 24) + "px";
    browser.until("the last span scrolls into view",
        () -> lastRowTop.equals(browser.js("var rows = document.querySelectorAll('.viewport .row'); return rows[rows.length - 1].style.top;")));
    assertEquals("step-" + (BIG_STEPS - 1), spanNames().get(spanNames().size() - 1));
    assertTrue(browser.driver.findElements(By.cssSelector(".viewport .row")).size() < 200);
  }

  @Test
  @Order(6)
  void theStatsPageShowsTheNumbersOfTracewrightStats() throws Exception {
    StatsReport expected;
    try (TraceDb traces = TraceDb.open(db)) {
      expected = StatsReport.compute(traces, null);
    }
    browser.open(url("/stats?since=all"));
    browser.await(By.cssSelector("#by-span-name tbody tr"));
    browser.await(By.cssSelector("svg.chart rect.chart-bar"));
    assertEquals("all", browser.driver.findElement(By.name("since")).getAttribute("value"));
    assertTable("by-trace", expected.byTrace());
    assertTable("by-model", expected.byModel());
    assertTable("by-span-name", expected.bySpanName());
    browser.screenshot("stats");
    // In a window two charts wide, the third, on a row of its own, is the size of the others (it grew
    // to the page's width and, keeping its proportions, twice their height).
    org.openqa.selenium.Dimension wide = browser.driver.manage().window().getSize();
    browser.driver.manage().window().setSize(new org.openqa.selenium.Dimension(1100, wide.getHeight()));
    try {
      List<WebElement> charts = browser.driver.findElements(By.cssSelector("svg.chart"));
      assertEquals(3, charts.size());
      assertTrue(charts.get(2).getLocation().getY() > charts.get(0).getLocation().getY(), "the third chart is on the next row");
      for (WebElement chart : charts) {
        assertEquals(charts.get(0).getSize(), chart.getSize(), "every chart the size of the first");
      }
      browser.screenshot("stats-narrow");
    } finally {
      browser.driver.manage().window().setSize(wide);
    }

    // A window, as `tracewright stats --since 1h` takes it (everything here was recorded in the last minutes).
    StatsReport window;
    try (TraceDb traces = TraceDb.open(db)) {
      window = StatsReport.compute(traces, new SinceConverter().convert("1h"));
    }
    browser.open(url("/stats?since=1h"));
    browser.await(By.cssSelector("#by-span-name tbody tr"));
    assertEquals("1h", browser.driver.findElement(By.name("since")).getAttribute("value"));
    assertTable("by-trace", window.byTrace());
    assertTable("by-model", window.byModel());
    assertTable("by-span-name", window.bySpanName());
    browser.open(url("/stats"));
    browser.await(By.cssSelector("#by-span-name tbody tr"));
    assertEquals("24h", browser.driver.findElement(By.name("since")).getAttribute("value"), "the last day unless asked");
    browser.open(url("/stats?since=2999-01-01"));
    browser.awaitText(By.id("stats"), "nothing in this window");
    assertTrue(browser.driver.findElements(By.cssSelector("svg.chart")).isEmpty(), "no empty charts");
  }

  @Test
  @Order(6)
  void theStatsPageSaysItIsLoadingWhileTheAnswerIsOnItsWay() throws Exception {
    // The page's requests to /api/stats wait until the test lets them through.
    Map<String, Object> hold = browser.driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", """
        (function () {
          var fetch = window.fetch, held = [];
          window.releaseStats = function () { held.splice(0).forEach(function (go) { go(); }); };
          window.fetch = function (path, options) {
            if (String(path).indexOf('/api/stats') !== 0) return fetch(path, options);
            return new Promise(function (go) { held.push(go); }).then(function () { return fetch(path, options); });
          };
        })();"""));
    try {
      browser.open(url("/stats?since=all"));
      WebElement loading = browser.awaitText(By.id("stats-loading"), "Loading stats of all time");
      assertTrue(loading.isDisplayed());
      assertEquals("true", browser.driver.findElement(By.id("stats")).getAttribute("aria-busy"));
      assertEquals("status", loading.getAttribute("role"));
      browser.screenshot("stats-loading");
      browser.js("window.releaseStats()");
      browser.await(By.cssSelector("#by-span-name tbody tr"));
      assertTrue(browser.driver.findElements(By.id("stats-loading")).isEmpty(), "the loading line goes when the numbers come");
      assertEquals(null, browser.driver.findElement(By.id("stats")).getAttribute("aria-busy"));
    } finally {
      browser.driver.executeCdpCommand("Page.removeScriptToEvaluateOnNewDocument", Map.of("identifier", hold.get("identifier")));
    }
  }

  private static void assertTable(String id, List<StatsReport.Row> expected) {
    // One round trip for the whole table: the cells' text, row by row.
    @SuppressWarnings("unchecked")
    List<List<String>> rows = (List<List<String>>) browser.js("return Array.from(document.querySelectorAll('#' + arguments[0] + ' tbody tr'))"
        + ".map(function (tr) { return Array.from(tr.children).map(function (cell) { return cell.textContent; }); });", id);
    assertEquals(expected.size(), rows.size(), id);
    for (int i = 0; i < expected.size(); i++) {
      StatsReport.Row e = expected.get(i);
      List<String> cells = rows.get(i);
      assertEquals(List.of(e.key() == null ? "(none)" : e.key(), String.valueOf(e.count()), Format.duration(e.p50Ms()), Format.duration(e.p95Ms()),
          Format.tokens(e.inputTokens() + e.outputTokens()), Format.cost(e.costUsd()),
          String.format(Locale.ROOT, "%.1f%%", 100.0 * e.errorRate())), cells, id + " row " + i);
    }
  }

  @Test
  @Order(7)
  void theReportOpensFromAFileWithTheSameTreeAndInspector() throws Exception {
    browser.open(url("/trace/" + researchId));
    browser.until("the trace page's tree", () -> spanNames().size() == 4);
    List<String> served = spanNames();

    Path report = dir.resolve("research.html");
    assertEquals(0, TracewrightCli.run(new String[] {"report", researchId, "-o", report.toString(), "--db", db.toString()},
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), System.err));
    browser.open(report.toUri().toString());
    browser.until("the report's tree", () -> spanNames().size() == 4);
    assertEquals(served, spanNames());
    assertTrue(browser.driver.getCurrentUrl().startsWith("file:"), browser.driver.getCurrentUrl());
    row("search").click();
    WebElement input = browser.awaitText(By.cssSelector(".inspector .content-section.input"), "sky colour physics");
    assertTrue(input.getText().contains("the full content is not included here"), "FULL_LOCAL content stays out without --content: " + input.getText());
    browser.screenshot("report");

    Path xss = dir.resolve("xss.html");
    assertEquals(0, TracewrightCli.run(new String[] {"report", xssId, "--content", "-o", xss.toString(), "--db", db.toString()},
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), System.err));
    browser.open(xss.toUri().toString());
    row("fetch page").click();
    WebElement output = browser.awaitText(By.cssSelector(".inspector .content-section.output"), IMG);
    assertFalse(output.getText().contains("preview"), "the full content, with --content: " + output.getText());
    assertFalse(browser.alertShown(), "no alert");
    assertNull(browser.js("return window.__twPwned === undefined ? null : window.__twPwned;"), "the payload ran");

    Path big = dir.resolve("big.html");
    assertEquals(0, TracewrightCli.run(new String[] {"report", bigId, "-o", big.toString(), "--db", db.toString()},
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), System.err));
    browser.open(big.toUri().toString());
    browser.awaitText(By.cssSelector(".totals"), "Spans" + "\n" + BIG_SPANS);
    long rows = browser.await(By.cssSelector(".viewport .row")).size();
    assertTrue(rows > 10 && rows < 200, rows + " rows in the DOM for " + BIG_SPANS + " spans");
    System.out.printf(Locale.ROOT, "report of the %d-span trace: %,d bytes%n", BIG_SPANS, java.nio.file.Files.size(big));
  }

  @Test
  @Order(8)
  void sortingByCostPutsTheCostliestRunFirstAndKeepsTheSortInTheUrl() throws Exception {
    browser.open(url("/"));
    browser.awaitText(By.cssSelector("#rows td.name a"), "research");
    new org.openqa.selenium.support.ui.Select(browser.driver.findElement(By.name("sort"))).selectByValue("cost");
    browser.driver.findElement(By.cssSelector("#filters button[type=submit]")).click();
    browser.until("the sorted list", () -> browser.driver.getCurrentUrl().contains("sort=cost"));
    WebElement first = browser.await(By.cssSelector("#rows tr")).get(0);
    assertEquals(researchId, first.getAttribute("data-trace-id"), "the only priced run (1,500 tokens of gpt-4o) is the costliest");
    assertEquals("cost", new org.openqa.selenium.support.ui.Select(browser.driver.findElement(By.name("sort"))).getFirstSelectedOption().getAttribute("value"));
    browser.awaitText(By.id("live"), "Sorted: new traces are not added here");
  }

  @Test
  @Order(8)
  void theComparisonMarksAChangedOutputAndAnAddedSpanInWords() throws Exception {
    browser.open(url("/compare?a=" + planA + "&b=" + planB));
    browser.await(By.cssSelector("table.compare-rows tbody tr"));
    assertTrue(browser.driver.findElement(By.cssSelector("#compare")).getText().contains("The traces differ"));
    assertEquals("output changed", compareRow("answer").findElement(By.cssSelector("td.change .change-label")).getText());
    assertEquals("added in B", compareRow("verify").findElement(By.cssSelector("td.change .change-label")).getText());
    assertEquals("same", compareRow("think").findElement(By.cssSelector("td.change .change-label")).getText());
    assertTrue(compareRow("answer").getAttribute("class").contains("output-changed"));
    assertTrue(browser.driver.findElement(By.cssSelector(".totals-table")).getText().contains("Spans"));
    browser.screenshot("compare");

    compareRow("answer").findElements(By.cssSelector("td.num a")).get(1).click();
    browser.awaitText(By.cssSelector(".inspector h2"), "answer");
    assertTrue(browser.driver.getCurrentUrl().contains("/trace/" + planB + "#"), "B's span, opened from the comparison");
    browser.awaitText(By.cssSelector(".inspector .content-section.output"), "43");
  }

  private static WebElement compareRow(String name) {
    return browser.driver.findElements(By.cssSelector("table.compare-rows > tbody > tr:not(.content-row)")).stream()
        .filter(r -> r.findElement(By.cssSelector("td.name")).getText().equals(name)).findFirst().orElseThrow();
  }

  @Test
  @Order(8)
  void aReplayedRunLinksToItsComparisonWithTheRecordedRun() throws Exception {
    browser.open(url("/?status=all"));
    WebElement tag = browser.await(By.cssSelector("tr[data-trace-id='" + replayedId + "'] .tag.replay")).get(0);
    assertEquals("replay of " + planA.substring(0, 16), tag.getText(), "the list marks a replayed run");
    assertTrue(browser.driver.findElements(By.cssSelector("tr[data-trace-id='" + planA + "'] .tag.replay")).isEmpty(), "the recorded run is no replay");
    browser.screenshot("traces-replay");
    assertEquals("image/svg+xml", browser.js("return fetch('/favicon.ico').then(r => r.headers.get('Content-Type'));"), "a favicon");
    assertEquals(1L, browser.js("return document.querySelectorAll('link[rel=icon]').length;"));
    browser.open(url("/trace/" + replayedId));
    WebElement link = browser.await(By.cssSelector(".totals a.replay-of")).get(0);
    assertEquals(planA.substring(0, 16) + " (compare)", link.getText());
    link.click();
    browser.awaitText(By.cssSelector("#compare"), "Same spans, statuses and outputs");
    assertTrue(browser.driver.getCurrentUrl().endsWith("/compare?a=" + planA + "&b=" + replayedId), browser.driver.getCurrentUrl());
  }

  @Test
  @Order(10)
  void aNewTraceAppearsWithoutAReload() throws Exception {
    browser.open(url("/?status=all"));
    browser.awaitText(By.cssSelector("#rows td.name a"), "research");
    int before = browser.driver.findElements(By.cssSelector("#rows tr")).size();
    browser.js("window.__twSamePage = true;");
    try (ChildAgent agent = ChildAgent.start(db, 1)) { // another JVM recording while the page is open
      assertEquals("FLUSHED 5", agent.awaitFlushed(), agent.said());
      browser.until("a new row", () -> browser.driver.findElements(By.cssSelector("#rows tr")).size() > before);
    }
    assertEquals(Boolean.TRUE, browser.js("return window.__twSamePage === true;"), "the page was not reloaded");
    assertTrue(browser.driver.findElements(By.cssSelector("#rows tr")).get(0).getAttribute("class").contains("fresh"), "new rows go on top");
    assertTrue(browser.driver.getCurrentUrl().endsWith("/?status=all"), "filters stay in the URL");
    browser.screenshot("traces-live");
  }

  @Test
  @Order(9)
  void aRunningTraceGrowsOnItsPageWithoutAReload() throws Exception {
    try (SteppedAgent agent = SteppedAgent.start(db)) {
      agent.step();
      browser.open(url("/trace/" + agent.traceId));
      browser.until("the first step", () -> spanNames().equals(List.of("step-1")),
          () -> "the page says '" + browser.driver.findElement(By.id("notice")).getText() + "', rows " + spanNames());
      browser.awaitText(By.id("notice"), "still running");
      row("step-1").click();
      browser.awaitText(By.cssSelector(".inspector h2"), "step-1");
      browser.js("window.__twSamePage = true;");

      agent.step();
      browser.until("the second step, without a reload", () -> spanNames().equals(List.of("step-1", "step-2")));
      assertEquals("step-1", browser.driver.findElement(By.cssSelector(".inspector h2")).getText(), "the selection is kept");

      agent.end();
      browser.until("the root, once it ended", () -> spanNames().equals(List.of("growing", "step-1", "step-2")));
      browser.until("no longer said to be running", () -> !browser.driver.findElement(By.id("notice")).isDisplayed());
      assertEquals(Boolean.TRUE, browser.js("return window.__twSamePage === true;"), "the page was not reloaded");
      browser.screenshot("trace-live");
    }
  }
}
