package dev.tracewright.cli.ui.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracewright.annotations.CapturePolicy;
import dev.tracewright.annotations.SpanKind;
import dev.tracewright.cli.TracewrightCli;
import dev.tracewright.cli.ui.UiServer;
import dev.tracewright.runtime.ActiveSpan;
import dev.tracewright.runtime.TraceConfig;
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
import org.openqa.selenium.WebElement;

/**
 * Issue 22: an LLM span's GenAI messages as a conversation in the inspector and the report, hostile
 * content shown as text, and the compare page's inputs and outputs side by side with the changed
 * lines marked. Screenshots go to cli/target/screenshots/messages-*.png.
 */
@Timeout(300)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MessageViewBrowserTest {
  /** Markup and a link that would set a flag (and show an alert) if the page ever made them elements. */
  static final String IMG = "<img src=x onerror=\"window.__twPwned=1;alert(1)\">";
  static final String END_SCRIPT = "</script><script>window.__twPwned=2;alert(2)</script>";
  static final String LINK = "javascript:window.__twPwned=3;alert(3)";
  static final String SYSTEM = "You are a weather assistant.\nAnswer in one sentence.";
  static final String QUESTION = "What's the weather in Paris? " + IMG + " " + END_SCRIPT + " see " + LINK;
  static final String ANSWER = "It is sunny in Paris, 21 °C.\nEnjoy the walk.";
  /** A tool result of one million characters: folded, and still shown as text. */
  static final int HUGE = 1_000_000;

  @TempDir static Path dir;
  static Path db;
  static UiServer server;
  static Browser browser;
  static String chatId;
  static String cutId;
  static String runA;
  static String runB;

  @BeforeAll
  static void recordServeAndOpenABrowser() {
    db = dir.resolve("traces");
    Tracewright.init(TraceConfig.builder().store(H2Store.file(db)).maxContentBytes(4 << 20).build());
    try (ActiveSpan agent = Tracewright.span("weather agent", SpanKind.AGENT).start()) {
      chatId = Tracewright.current().traceId();
      chat("chat gpt-4o", List.of(
          message("system", text(SYSTEM)),
          message("user", text(QUESTION)),
          message("assistant", Map.of("type", "tool_call", "id", "call_1", "name", "get_weather", "arguments", "{\"city\":\"Paris\",\"note\":\"" + IMG.replace("\"", "'") + "\"}")),
          message("tool", Map.of("type", "tool_call_response", "id", "call_1", "response", "{\"temperature\":21,\"sky\":\"sunny\"}")),
          message("tool", Map.of("type", "tool_call_response", "id", "call_2", "result", "x".repeat(HUGE)))),
          List.of(Map.of("role", "assistant", "finish_reason", "stop", "parts", List.of(
              Map.of("type", "reasoning", "content", "The tool said sunny."), text(ANSWER)))));
      agent.output("sunny");
    }
    try (ActiveSpan cut = Tracewright.span("long chat", SpanKind.LLM).capture(CapturePolicy.FULL_EXPORTABLE)
        .input("gen_ai.input.messages", List.of(message("user", text("y".repeat(1_500_000))))).start()) {
      cutId = Tracewright.current().traceId();
      cut.output("ok");
    }
    runA = run("It is sunny in Paris.\nTake sunglasses.\nHave a nice day.", "{\"temperature\":21}");
    runB = run("It is raining in Paris.\nTake an umbrella.\nHave a nice day.\n" + IMG, "{\"temperature\":14}");
    assertTrue(Tracewright.flush());
    Tracewright.shutdown();
    server = UiServer.start(db, 0);
    browser = Browser.start();
  }

  static Map<String, Object> text(String content) {
    return Map.of("type", "text", "content", content);
  }

  static Map<String, Object> message(String role, Map<String, Object> part) {
    return Map.of("role", role, "parts", List.of(part));
  }

  /** A model turn as the LangChain4j and Spring AI integrations record it. */
  static void chat(String name, List<Map<String, Object>> input, List<Map<String, Object>> output) {
    try (ActiveSpan chat = Tracewright.span(name, SpanKind.LLM).model("gpt-4o").provider("openai").capture(CapturePolicy.FULL_EXPORTABLE)
        .input("gen_ai.input.messages", input).start()) {
      chat.tokens(900, 40);
      chat.output(Map.of("gen_ai.output.messages", output));
    }
  }

  /** One run of an agent: a tool, then a model turn whose answer is {@code answer}. */
  static String run(String answer, String weather) {
    try (ActiveSpan agent = Tracewright.span("forecast", SpanKind.AGENT).start()) {
      try (ActiveSpan tool = Tracewright.span("get_weather", SpanKind.TOOL).capture(CapturePolicy.FULL_EXPORTABLE).input("city", "Paris").start()) {
        tool.output(Map.of("weather", weather));
      }
      chat("chat", List.of(message("system", text(SYSTEM)), message("user", text("Weather in Paris?")),
          message("tool", Map.of("type", "tool_call_response", "id", "c1", "response", weather))),
          List.of(Map.of("role", "assistant", "finish_reason", "stop", "parts", List.of(text(answer)))));
      agent.output("done");
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

  static WebElement row(String spanName) {
    return browser.await(By.xpath("//div[contains(@class,'row')][.//span[@class='span-name' and text()='" + spanName + "']]")).get(0);
  }

  @SuppressWarnings("unchecked")
  static List<String> texts(String selector) {
    return (List<String>) browser.js("return Array.from(document.querySelectorAll(arguments[0])).map(function (e) { return e.textContent; });", selector);
  }

  static void assertNothingRan() {
    assertFalse(browser.alertShown(), "no alert");
    assertNull(browser.js("return window.__twPwned === undefined ? null : window.__twPwned;"), "the payload ran");
    assertTrue(browser.driver.findElements(By.cssSelector("main img, main script, main iframe, main a[href^='javascript']")).isEmpty(),
        "no element made of the content");
  }

  /** Clicks copy buttons into a variable instead of the system clipboard. */
  static void catchTheClipboard() {
    browser.js("window.__copied = null; Object.defineProperty(navigator, 'clipboard', {configurable: true,"
        + " value: {writeText: function (t) { window.__copied = t; return Promise.resolve(); }}});");
  }

  @Test
  @Order(1)
  void anLlmSpansMessagesShowAsAConversationWithRolesToolCallsAndTheFinishReason() throws Exception {
    browser.open(url("/trace/" + chatId));
    row("chat gpt-4o").click();
    browser.await(By.cssSelector(".inspector .content-section.input .msg"));
    browser.await(By.cssSelector(".inspector .content-section.output .msg"));
    assertEquals(List.of("system", "user", "assistant", "tool", "tool"), texts(".inspector .content-section.input .msg-role"));
    assertEquals(List.of("assistant"), texts(".inspector .content-section.output .msg-role"));
    assertEquals(List.of("finish reason: stop"), texts(".inspector .content-section.output .finish-reason"));
    List<String> labels = texts(".inspector .content-section.input .part-label");
    assertTrue(labels.contains("tool call: get_weather  (id call_1)"), labels.toString());
    assertTrue(labels.contains("tool result: get_weather  (id call_1)"), "the result names its call's tool: " + labels);
    assertTrue(labels.contains("tool result  (id call_2)"), "a result under 'result' rather than 'response': " + labels);
    List<String> parts = texts(".inspector .content-section.input pre.part-text");
    assertEquals(SYSTEM, parts.get(0), "text with its line breaks, not \\n");
    assertEquals(QUESTION, parts.get(1), "hostile text, as text");
    assertTrue(parts.get(2).contains("\"city\": \"Paris\""), "arguments pretty-printed: " + parts.get(2));
    assertTrue(parts.get(3).contains("\"temperature\": 21"), parts.get(3));
    List<String> output = texts(".inspector .content-section.output pre.part-text");
    assertEquals(List.of("The tool said sunny.", ANSWER), output);
    WebElement answer = browser.driver.findElements(By.cssSelector(".inspector .content-section.output pre.part-text")).get(1);
    assertTrue(answer.getSize().getHeight() > 28, "two lines high: " + answer.getSize());
    assertNothingRan();
    browser.js("document.querySelector('.inspector .content-section.input').scrollIntoView();");
    browser.screenshot("messages-conversation");
    browser.driver.findElement(By.cssSelector(".inspector button.widen")).click();
    browser.js("document.querySelector('.inspector .content-section.output').scrollIntoView();");
    browser.screenshot("messages-output-wide");
    browser.driver.findElement(By.cssSelector(".inspector button.widen")).click();
  }

  @Test
  @Order(2)
  void aMillionCharacterPartIsFoldedAndUnfoldsAsText() throws Exception {
    browser.open(url("/trace/" + chatId));
    row("chat gpt-4o").click();
    browser.await(By.cssSelector(".inspector .content-section.input .folded-part"));
    WebElement folded = browser.driver.findElement(By.cssSelector(".inspector .content-section.input .folded-part"));
    String head = folded.findElement(By.cssSelector("pre")).getAttribute("textContent");
    assertTrue(head.length() < 2000 && head.startsWith("xxxx"), head.length() + " characters shown folded");
    WebElement unfold = folded.findElement(By.cssSelector("button.fold"));
    assertEquals("Show all: 1 line, 1,000,000 characters", unfold.getText());
    browser.js("arguments[0].scrollIntoView({block: 'center'});", folded);
    browser.screenshot("messages-folded");
    double started = ((Number) browser.js("return performance.now();")).doubleValue();
    unfold.click();
    browser.until("the whole part", () -> ((Number) browser.js(
        "return document.querySelector('.inspector .folded-part pre').textContent.length;")).intValue() == HUGE);
    // Reported, not asserted (no timing assertions): the click to the unfolded part laid out.
    double took = ((Number) browser.js("document.querySelector('.inspector .folded-part').getBoundingClientRect(); return performance.now();")).doubleValue()
        - started;
    System.out.printf(Locale.ROOT, "a %,d-character part: unfolded and laid out in %.0f ms%n", HUGE, took);
    assertEquals("Fold", unfold.getText());
    unfold.click();
    assertNothingRan();
  }

  @Test
  @Order(3)
  void theRawJsonIsOneClickAwayAndCopyButtonsCopyAPartOrTheWholeJson() throws Exception {
    browser.open(url("/trace/" + chatId));
    row("chat gpt-4o").click();
    browser.await(By.cssSelector(".inspector .content-section.output .msg"));
    catchTheClipboard();
    WebElement output = browser.driver.findElement(By.cssSelector(".inspector .content-section.output"));
    List<WebElement> copies = output.findElements(By.cssSelector(".part button.copy"));
    copies.get(1).click();
    browser.until("the answer copied", () -> ANSWER.equals(browser.js("return window.__copied;")));
    browser.awaitText(By.cssSelector(".inspector .content-section.output .part button.copy"), "Copied");
    output.findElement(By.xpath(".//button[text()='Copy raw JSON']")).click();
    browser.until("the whole JSON copied", () -> browser.js("return window.__copied;") instanceof String s && s.startsWith("{"));
    JsonNode copied = new ObjectMapper().readTree((String) browser.js("return window.__copied;"));
    assertEquals(ANSWER, copied.path("gen_ai.output.messages").path(0).path("parts").path(1).path("content").asText(), copied.toString());

    output.findElement(By.xpath(".//button[text()='JSON']")).click();
    browser.await(By.cssSelector(".inspector .content-section.output .json .json-key"));
    assertTrue(output.findElements(By.cssSelector(".msg")).isEmpty(), "the conversation gives way to the JSON tree");
    assertTrue(output.getText().contains("finish_reason"), output.getText());
    browser.screenshot("messages-raw-json");
    output.findElement(By.xpath(".//button[starts-with(text(),'Conversation')]")).click();
    browser.await(By.cssSelector(".inspector .content-section.output .msg"));
  }

  @Test
  @Order(4)
  void contentCutShortIsNotJsonAndShowsAsText() throws Exception {
    browser.open(url("/trace/" + cutId));
    row("long chat").click();
    WebElement input = browser.awaitText(By.cssSelector(".inspector .content-section.input"), "Only the beginning is shown");
    assertTrue(input.findElements(By.cssSelector(".msg")).isEmpty(), "no conversation made of a cut JSON");
    String shown = (String) browser.js("return document.querySelector('.inspector .content-section.input pre.content').textContent;");
    assertTrue(shown.startsWith("{\"gen_ai.input.messages\""), shown.substring(0, 40));
    assertEquals(1, input.findElements(By.xpath(".//button[text()='Copy']")).size(), "the text can still be copied");
  }

  @Test
  @Order(5)
  void theReportShowsTheSameConversationFromAFileAndRunsNothing() throws Exception {
    Path report = dir.resolve("chat.html");
    assertEquals(0, TracewrightCli.run(new String[] {"report", chatId, "-o", report.toString(), "--db", db.toString()},
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), System.err));
    browser.open(report.toUri().toString());
    row("chat gpt-4o").click();
    browser.await(By.cssSelector(".inspector .content-section.input .msg"));
    assertEquals(List.of("system", "user", "assistant", "tool", "tool"), texts(".inspector .content-section.input .msg-role"));
    List<String> parts = texts(".inspector .content-section.input pre.part-text");
    assertEquals(QUESTION, parts.get(1), "the report's inline data keeps </script> as text");
    assertEquals(List.of("finish reason: stop"), texts(".inspector .content-section.output .finish-reason"));
    assertNothingRan();
    catchTheClipboard();
    browser.driver.findElements(By.cssSelector(".inspector .content-section.input .part button.copy")).get(1).click();
    browser.until("the question copied", () -> QUESTION.equals(browser.js("return window.__copied;")));
    browser.js("document.querySelector('.inspector .content-section.input').scrollIntoView();");
    browser.screenshot("messages-report");
  }

  @Test
  @Order(6)
  void compareShowsTheChangedSpansOutputsAndInputsSideBySideWithTheChangedLinesMarked() throws Exception {
    browser.open(url("/compare?a=" + runA + "&b=" + runB));
    browser.await(By.cssSelector("tr.content-row table.side-by-side"));
    browser.until("both changed spans opened", () -> browser.driver.findElements(By.cssSelector("tr.content-row .diff-panel.output table")).size() == 2);
    WebElement chat = contentRowOf("chat");
    WebElement output = chat.findElement(By.cssSelector(".diff-panel.output"));
    assertEquals(List.of("It is sunny in Paris.", "Take sunglasses."), cells(output, "td.line.del"));
    assertEquals(List.of("It is raining in Paris.", "Take an umbrella.", IMG), cells(output, "td.line.ins"), "the markup as text");
    assertTrue(cells(output, "tr.same td.line").contains("Have a nice day."), "an unchanged line, unmarked");
    assertTrue(cells(output, "tr.same td.line").contains("[assistant]  finish reason: stop"), cells(output, "tr.same td.line").toString());
    assertTrue(output.getText().contains("− 2 lines only in A, + 3 lines only in B"), output.getText());
    WebElement input = chat.findElement(By.cssSelector(".diff-panel.input"));
    assertEquals(List.of("\"temperature\": 21"), cells(input, "td.line.del").stream().map(String::strip).toList());
    assertEquals(List.of("\"temperature\": 14"), cells(input, "td.line.ins").stream().map(String::strip).toList());
    WebElement tool = contentRowOf("get_weather");
    assertTrue(tool.findElement(By.cssSelector(".diff-panel.input")).getText().contains("the same in A and B"), tool.getText());
    assertNothingRan();
    browser.js("arguments[0].scrollIntoView();", browser.driver.findElement(By.cssSelector("table.compare-rows")));
    browser.screenshot("messages-compare");

    WebElement hide = browser.driver.findElements(By.cssSelector("button.show-content")).get(0);
    hide.click();
    assertFalse(browser.driver.findElements(By.cssSelector("tr.content-row")).get(0).isDisplayed(), "folds away");
  }

  static WebElement contentRowOf(String name) {
    return browser.driver.findElement(By.xpath("//table[contains(@class,'compare-rows')]/tbody/tr[td[contains(@class,'name')]='" + name
        + "']/following-sibling::tr[1][contains(@class,'content-row')]"));
  }

  @SuppressWarnings("unchecked")
  static List<String> cells(WebElement scope, String selector) {
    return (List<String>) browser.js("return Array.from(arguments[0].querySelectorAll(arguments[1])).map(function (e) { return e.textContent; });",
        scope, selector);
  }

  @Test
  @Order(7)
  @SuppressWarnings("unchecked")
  void theLineDiffAlignsByLongestCommonSubsequenceAndStaysBoundedOnHugeTexts() throws Exception {
    browser.open(url("/compare"));
    browser.await(By.id("pick"));
    browser.until("the scripts", () -> Boolean.TRUE.equals(browser.js("return !!(window.TW && TW.lineDiff);")));
    assertEquals("same:0,0 del:1,-1 same:2,1 ins:-1,2 same:3,3",
        browser.js("return TW.lineDiff(['a','b','c','d'], ['a','c','x','d']).ops.map(function (o) { return o.op + ':' + o.a + ',' + o.b; }).join(' ');"));
    // 20,000 different lines on each side: 400 M cells, past the bound, so not aligned, and quick.
    Map<String, Object> big = (Map<String, Object>) browser.js("var a = [], b = []; for (var i = 0; i < 20000; i++) { a.push('a' + i); b.push('b' + i); }"
        + " var t = performance.now(); var d = TW.lineDiff(a, b); return {aligned: d.aligned, ops: d.ops.length, ms: performance.now() - t};");
    assertEquals(Boolean.FALSE, big.get("aligned"));
    assertEquals(40000L, ((Number) big.get("ops")).longValue());
    System.out.printf(Locale.ROOT, "line diff of 20,000 x 20,000 different lines: %.0f ms (not aligned, past the bound)%n", ((Number) big.get("ms")).doubleValue());
  }
}
