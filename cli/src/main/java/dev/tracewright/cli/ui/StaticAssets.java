package dev.tracewright.cli.ui;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The UI's files, from the jar's {@code /dev/tracewright/cli/ui/} folder: {@code /} is its index.html
 * (the trace list), {@code /trace}, {@code /trace/{id}}, {@code /compare} and {@code /stats} its other
 * pages, {@code /assets/...} its assets folder, {@code /favicon.ico} the icon (as SVG: a page that
 * names none gets it where browsers look). A path is served only when it is plain names with a known
 * extension, read as sent: no dot segments, no percent-encoding, no backslash, no empty segment, so
 * nothing outside that folder (nor a folder listing) can be named.
 */
final class StaticAssets {
  static final String ROOT = "/dev/tracewright/cli/ui/";
  private static final Pattern ASSET = Pattern.compile("/assets/((?:[A-Za-z0-9_-][A-Za-z0-9._-]*/)*[A-Za-z0-9_-][A-Za-z0-9._-]*\\.([a-z0-9]+))");
  private static final Pattern TRACE_PAGE = Pattern.compile("/trace/[0-9A-Fa-f]{1,32}");
  private static final Map<String, String> TYPES = Map.of(
      "html", "text/html; charset=utf-8",
      "css", "text/css; charset=utf-8",
      "js", "text/javascript; charset=utf-8",
      "json", "application/json; charset=utf-8",
      "svg", "image/svg+xml",
      "png", "image/png",
      "ico", "image/x-icon",
      "woff2", "font/woff2",
      "txt", "text/plain; charset=utf-8");

  /** A file to send. */
  record Asset(byte[] body, String contentType) {
    boolean isHtml() {
      return contentType.startsWith("text/html");
    }
  }

  /** The file for a raw request path, or null (404). */
  Asset find(String rawPath) throws IOException {
    if ("/favicon.ico".equals(rawPath)) {
      return load("assets/favicon.svg", "svg");
    }
    String page = page(rawPath);
    if (page != null) {
      return load(page, "html");
    }
    if (rawPath == null || rawPath.contains("..")) {
      return null;
    }
    Matcher m = ASSET.matcher(rawPath);
    if (!m.matches() || !TYPES.containsKey(m.group(2))) {
      return null;
    }
    return load("assets/" + m.group(1), m.group(2));
  }

  /** The page a path names: the trace list, a trace ({@code /trace?id=} or {@code /trace/{id}}), compare, stats. */
  private static String page(String rawPath) {
    if ("/".equals(rawPath) || "/index.html".equals(rawPath)) {
      return "index.html";
    }
    if ("/trace".equals(rawPath) || (rawPath != null && TRACE_PAGE.matcher(rawPath).matches())) {
      return "trace.html";
    }
    if ("/compare".equals(rawPath)) {
      return "compare.html";
    }
    if ("/stats".equals(rawPath)) {
      return "stats.html";
    }
    return null;
  }

  private static Asset load(String name, String extension) throws IOException {
    try (InputStream in = StaticAssets.class.getResourceAsStream(ROOT + name)) {
      return in == null ? null : new Asset(in.readAllBytes(), TYPES.get(extension));
    }
  }
}
