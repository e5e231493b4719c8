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
      return recorded.equals(current) ? null : "recorded " + shown(recorded) + ", now " + shown(current);
    }
    if (a.equals(b)) {
      return null;
    }
    if (!a.isObject() || !b.isObject()) {
      return "recorded " + shown(a.toString()) + ", now " + shown(b.toString());
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
        out.append(name).append(": recorded ").append(was == null ? "(absent)" : shown(was.toString()))
            .append(", now ").append(now == null ? "(absent)" : shown(now.toString()));
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

  static String shown(String text) {
    return text.length() <= MAX_SHOWN ? text : text.substring(0, MAX_SHOWN) + "…";
  }
}
