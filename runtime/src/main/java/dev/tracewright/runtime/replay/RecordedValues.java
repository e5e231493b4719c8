package dev.tracewright.runtime.replay;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.lang.reflect.Type;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Set;

/** Reads recorded JSON back into a call's return type, and compares recorded arguments. */
final class RecordedValues {
  private static final int MAX_SHOWN = 200;
  /** Characters shown before and after the first difference of two long values. */
  private static final int BEFORE = 60;
  private static final int AFTER = 100;

  // The modules capture writes with; unknown properties fail, so a wrong type is a mismatch, not a half-filled object.
  private final ObjectMapper mapper = JsonMapper.builder().addModule(new JavaTimeModule()).addModule(new Jdk8Module()).build();

  Object read(String json, Type type) throws JsonProcessingException {
    return mapper.readValue(json, mapper.getTypeFactory().constructType(type));
  }

  /** What differs between recorded and current arguments, or null when they are equal. */
  String difference(String recorded, String current) {
    JsonNode a = tree(recorded);
    JsonNode b = tree(current);
    if (a == null || b == null) {
      return recorded.equals(current) ? null : pair(recorded, current);
    }
    if (a.equals(b)) {
      return null;
    }
    if (!a.isObject() || !b.isObject()) {
      return pair(a.toString(), b.toString());
    }
    Set<String> names = new LinkedHashSet<>();
    a.fieldNames().forEachRemaining(names::add);
    b.fieldNames().forEachRemaining(names::add);
    StringBuilder out = new StringBuilder();
    for (Iterator<String> it = names.iterator(); it.hasNext(); ) {
      String name = it.next();
      JsonNode was = a.get(name);
      JsonNode now = b.get(name);
      if (was == null ? now != null : !was.equals(now)) {
        if (out.length() > 0) {
          out.append("; ");
        }
        out.append(name).append(": ").append(was == null || now == null
            ? "recorded " + (was == null ? "(absent)" : shown(was.toString())) + ", now " + (now == null ? "(absent)" : shown(now.toString()))
            : pair(was.toString(), now.toString()));
      }
    }
    return out.toString();
  }

  /**
   * A key equal for two captured arguments exactly when {@link #difference} finds none: the JSON
   * tree (field order aside), or the text itself when it is not JSON.
   */
  Object argumentsKey(String json) {
    JsonNode tree = tree(json);
    return tree == null ? json : tree;
  }

  private JsonNode tree(String json) {
    try {
      return mapper.readTree(json);
    } catch (JsonProcessingException notJson) { // a truncation marker makes it text
      return null;
    }
  }

  /**
   * Two values that differ, as a message can show them: whole when both are short; else a window
   * around where they first differ, the same stretch of each, with offsets and lengths. Cutting both
   * at their start would print two equal strings when they differ at their end (a changed prompt).
   */
  static String pair(String recorded, String now) {
    if (recorded.length() <= MAX_SHOWN && now.length() <= MAX_SHOWN) {
      return "recorded " + recorded + ", now " + now;
    }
    int at = firstDifference(recorded, now);
    int from = Math.max(0, at - BEFORE);
    if (from > 0 && Character.isLowSurrogate(recorded.charAt(from))) {
      from--; // never half a character
    }
    return "first different at character " + (at + 1) + " (of " + recorded.length() + " recorded, " + now.length() + " now): recorded "
        + window(recorded, from) + ", now " + window(now, from);
  }

  private static int firstDifference(String a, String b) {
    int n = Math.min(a.length(), b.length());
    for (int i = 0; i < n; i++) {
      if (a.charAt(i) != b.charAt(i)) {
        return i;
      }
    }
    return n; // one is the start of the other
  }

  private static String window(String text, int from) {
    if (from >= text.length()) {
      return "[" + text.length() + " characters, nothing after them]";
    }
    int to = Math.min(text.length(), from + BEFORE + AFTER);
    if (to < text.length() && Character.isHighSurrogate(text.charAt(to - 1))) {
      to--;
    }
    return (from > 0 ? "[" + from + " characters] …" : "") + text.substring(from, to)
        + (to < text.length() ? "… [" + (text.length() - to) + " characters more]" : "");
  }

  static String shown(String text) {
    return text.length() <= MAX_SHOWN ? text : text.substring(0, MAX_SHOWN) + "…";
  }
}
