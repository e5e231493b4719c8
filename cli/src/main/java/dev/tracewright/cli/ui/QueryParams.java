package dev.tracewright.cli.ui;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;

/** A request's query string, each parameter at most once and only the ones the endpoint knows. */
final class QueryParams {
  private final Map<String, String> values;

  private QueryParams(Map<String, String> values) {
    this.values = values;
  }

  static QueryParams parse(String rawQuery, List<String> known) {
    Map<String, String> values = new LinkedHashMap<>();
    if (rawQuery != null && !rawQuery.isEmpty()) {
      for (String pair : rawQuery.split("&")) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        String name = decode(eq < 0 ? pair : pair.substring(0, eq));
        String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
        if (!known.contains(name)) {
          throw ApiError.badRequest("unknown parameter '" + Json.clip(name) + "' (known: " + String.join(", ", known) + ")");
        }
        if (values.put(name, value) != null) {
          throw ApiError.badRequest("parameter '" + name + "' given more than once");
        }
      }
    }
    return new QueryParams(values);
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw ApiError.badRequest("malformed query string: " + e.getMessage());
    }
  }

  /** The value, or null when absent or blank. */
  String get(String name) {
    String v = values.get(name);
    return v == null || v.isBlank() ? null : v.trim();
  }
}
