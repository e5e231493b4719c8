package dev.tracewright.cli.ui;

import dev.tracewright.annotations.CapturePolicy;
import dev.tracewright.cli.TraceDb;
import dev.tracewright.runtime.store.SpanRecord;
import dev.tracewright.runtime.store.TraceRecord;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code tracewright report}: one HTML file holding the trace view (the UI's own script and style,
 * inline) and the trace's data, that opens from disk with no server and no network. The data sits
 * in a {@code <script type="application/json">} block with {@code <}, {@code >}, {@code &}, U+2028
 * and U+2029 escaped, so captured text can neither end the block nor run; the page's policy allows
 * only the inline script and style whose hashes it names.
 *
 * <p>Content follows the capture policy, as the export does: the redacted previews always; the full
 * (redacted) content of FULL_EXPORTABLE spans; that of FULL_LOCAL spans only when asked for. Bounded:
 * the first spans by start time up to the limit the user sets ({@link #DEFAULT_MAX_SPANS} unless
 * told), the events of the spans it holds, each content's first {@link TraceApi#MAX_CONTENT_CHARS}
 * characters, {@link #MAX_CONTENT_CHARS} in all (past that, spans show their previews). The page and
 * the command both say how many of the trace's spans the file holds.
 */
public final class TraceReport {
  static final long MAX_CONTENT_CHARS = 16L << 20;
  /** Spans a report holds unless told otherwise (about 30 MB of HTML at most). */
  public static final int DEFAULT_MAX_SPANS = 50_000;
  private static final List<String> SCRIPTS = List.of("assets/common.js", "assets/messages.js", "assets/trace-view.js", "assets/report.js");

  /** The page, and what it holds. */
  /** The page, and what it holds: {@code spans} of the trace's {@code stored} spans. */
  public record Page(String html, int spans, int stored, boolean truncated, int contents, int contentsLeftOut) {}

  private TraceReport() {}

  /** The report of {@code trace}; {@code fullLocal}: include FULL_LOCAL spans' content too. */
  public static Page of(TraceDb traces, TraceRecord trace, boolean fullLocal) throws SQLException {
    return of(traces, trace, fullLocal, DEFAULT_MAX_SPANS);
  }

  /** The report of {@code trace} holding at most {@code maxSpans} of its spans (the first by start time). */
  public static Page of(TraceDb traces, TraceRecord trace, boolean fullLocal, int maxSpans) throws SQLException {
    List<SpanRecord> kept = new ArrayList<>();
    Map<String, Object> data = TraceApi.traceBody(traces, trace, maxSpans, Math.max(TraceApi.MAX_EVENTS, maxSpans), kept::addAll);
    boolean cut = Boolean.TRUE.equals(data.get("truncated"));
    int stored = cut ? traces.spanCount(trace.traceId()) : kept.size();
    Map<String, Object> content = new LinkedHashMap<>();
    long chars = 0;
    int leftOut = 0;
    for (SpanRecord s : kept) {
      if (!included(s.capturePolicy(), fullLocal)) {
        continue;
      }
      for (String hash : new String[] {s.inputRef(), s.outputRef()}) {
        if (hash == null || content.containsKey(hash)) {
          continue;
        }
        TraceDb.Content c = chars < MAX_CONTENT_CHARS ? traces.content(hash, TraceApi.MAX_CONTENT_CHARS) : null;
        if (c == null || chars + c.text().length() > MAX_CONTENT_CHARS) {
          leftOut++;
          continue;
        }
        chars += c.text().length();
        content.put(hash, Map.of("content", c.text(), "truncated", c.truncated()));
      }
    }
    data.put("content", content);
    Map<String, Object> about = new LinkedHashMap<>();
    about.put("written", Instant.now().toString());
    about.put("content", fullLocal ? "previews, and the full content of FULL_EXPORTABLE and FULL_LOCAL spans"
        : "previews, and the full content of FULL_EXPORTABLE spans (FULL_LOCAL content only with --content)");
    about.put("contentLeftOut", leftOut);
    about.put("spans", kept.size());
    about.put("storedSpans", stored);
    data.put("report", about);
    return new Page(html(dataBlock(data)), kept.size(), stored, cut, content.size(), leftOut);
  }

  static boolean included(CapturePolicy policy, boolean fullLocal) {
    return policy == CapturePolicy.FULL_EXPORTABLE || (fullLocal && policy == CapturePolicy.FULL_LOCAL);
  }

  /** JSON that is inert inside a script element: Json escapes {@code < > &}; U+2028/2029 are escaped here. */
  static String dataBlock(Object data) {
    return new String(Json.bytes(data), StandardCharsets.UTF_8).replace("\u2028", "\\u2028").replace("\u2029", "\\u2029");
  }

  private static String html(String json) {
    StringBuilder script = new StringBuilder();
    for (String name : SCRIPTS) {
      script.append(asset(name)).append('\n');
    }
    String css = asset("assets/tracewright.css");
    if (script.toString().toLowerCase(Locale.ROOT).contains("</script") || css.toLowerCase(Locale.ROOT).contains("</style")) {
      throw new IllegalStateException("an inlined asset would end its own element");
    }
    String policy = "default-src 'none'; script-src '" + sha256(script.toString()) + "'; style-src '" + sha256(css)
        + "'; img-src data:; base-uri 'none'; form-action 'none'";
    return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        + "<meta http-equiv=\"Content-Security-Policy\" content=\"" + policy + "\">\n"
        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        + "<link rel=\"icon\" href=\"data:image/svg+xml;base64,"
        + Base64.getEncoder().encodeToString(asset("assets/favicon.svg").getBytes(StandardCharsets.UTF_8)) + "\">\n"
        + "<title>Tracewright report</title>\n"
        + "<style>" + css + "</style>\n"
        + "</head>\n<body class=\"page-trace report\">\n"
        + "<nav class=\"top\"><span class=\"brand\">Tracewright</span> <span id=\"about\" class=\"muted\"></span></nav>\n"
        + "<p id=\"notice\" class=\"notice\" role=\"status\" hidden></p>\n"
        + "<main id=\"trace\"></main>\n"
        + "<script type=\"application/json\" id=\"tw-data\">" + json + "</script>\n"
        + "<script>" + script + "</script>\n"
        + "</body>\n</html>\n";
  }

  private static String asset(String name) {
    try (InputStream in = TraceReport.class.getResourceAsStream(StaticAssets.ROOT + name)) {
      if (in == null) {
        throw new IllegalStateException("the UI asset " + name + " is missing from the jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String sha256(String text) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return "sha256-" + Base64.getEncoder().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
