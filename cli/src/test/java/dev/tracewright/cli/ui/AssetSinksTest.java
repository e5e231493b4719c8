package dev.tracewright.cli.ui;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A guard beside the browser tests: the pages' scripts build the DOM from elements and text nodes
 * only, so no code path (tested or not) can turn captured content into markup or code.
 */
class AssetSinksTest {
  static final List<String> SCRIPTS = List.of("common.js", "trace-view.js", "trace.js", "traces.js", "compare.js", "stats.js", "report.js");
  static final Pattern SINKS = Pattern.compile(
      "innerHTML|outerHTML|insertAdjacentHTML|document\\.write|\\beval\\s*\\(|new Function|setTimeout\\s*\\(\\s*['\"]|javascript:|\\.srcdoc|createContextualFragment|DOMParser");

  @Test
  void noScriptWritesMarkupOrEvaluatesText() throws IOException {
    for (String name : SCRIPTS) {
      String text = read("assets/" + name);
      assertFalse(text.isEmpty(), name);
      assertFalse(SINKS.matcher(text).find(), name + " uses an HTML or code sink: " + SINKS.matcher(text).results().map(m -> m.group()).toList());
    }
  }

  @Test
  void pagesLoadScriptsFromTheAssetsOnlyAndHaveNoInlineCode() throws IOException {
    for (String page : List.of("index.html", "trace.html", "compare.html", "stats.html")) {
      String html = read(page);
      assertFalse(Pattern.compile("<script(?![^>]*\\bsrc=\"/assets/)").matcher(html).find(), page + ": every script comes from /assets/");
      assertFalse(Pattern.compile("\\son[a-z]+=").matcher(html).find(), page + ": no inline event handler");
      assertFalse(html.contains("style="), page + ": no inline style");
      assertTrue(html.contains("/assets/common.js"), page);
    }
  }

  private static String read(String name) throws IOException {
    try (InputStream in = AssetSinksTest.class.getResourceAsStream(StaticAssets.ROOT + name)) {
      assertTrue(in != null, name + " is in the jar");
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
