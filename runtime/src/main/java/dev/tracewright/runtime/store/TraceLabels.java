package dev.tracewright.runtime.store;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a trace is filed under: its session, its user and its tags, given by {@code
 * Tracewright.session/user/tag} and kept on the trace's root span as the OpenTelemetry and
 * OpenInference attributes {@link #SESSION_ID}, {@link #USER_ID} and {@link #TAGS} (a list of
 * strings), so exports carry them. The writer copies them from the root span into {@code
 * traces.session_id}, {@code traces.user_id} and {@code trace_tags}, where the list filters by them.
 *
 * @param tags distinct, in the order given; at most {@link #MAX_TAGS}
 */
public record TraceLabels(String sessionId, String userId, List<String> tags) {
  public static final String SESSION_ID = "session.id";
  public static final String USER_ID = "user.id";
  public static final String TAGS = "tag.tags";
  /** Tags kept per trace; later ones are ignored. */
  public static final int MAX_TAGS = 32;
  /** Characters kept of a tag, session or user ID; the rest is cut. */
  public static final int MAX_CHARS = 200;

  public static final TraceLabels NONE = new TraceLabels(null, null, List.of());

  public TraceLabels {
    tags = List.copyOf(tags);
  }

  public boolean isEmpty() {
    return sessionId == null && userId == null && tags.isEmpty();
  }

  /** {@code value} trimmed and cut to {@link #MAX_CHARS}; null for null or blank. */
  public static String clean(String value) {
    if (value == null) {
      return null;
    }
    String v = value.strip();
    if (v.isEmpty()) {
      return null;
    }
    return v.length() <= MAX_CHARS ? v : v.substring(0, MAX_CHARS);
  }

  /**
   * The labels in a root span's attributes (what the runtime wrote, or what a user set there by
   * hand): IDs as text (a number too), tags from a list of strings, each cleaned as above.
   */
  public static TraceLabels of(Map<String, Object> attributes) {
    if (attributes == null || attributes.isEmpty()) {
      return NONE;
    }
    Object tagValue = attributes.get(TAGS);
    Set<String> tags = new LinkedHashSet<>();
    if (tagValue instanceof List<?> list) {
      for (Object t : list) {
        String tag = t instanceof String s ? clean(s) : null;
        if (tag != null && tags.size() < MAX_TAGS) {
          tags.add(tag);
        }
      }
    }
    TraceLabels labels = new TraceLabels(id(attributes.get(SESSION_ID)), id(attributes.get(USER_ID)), new ArrayList<>(tags));
    return labels.isEmpty() ? NONE : labels;
  }

  private static String id(Object value) {
    return value instanceof String || value instanceof Number ? clean(String.valueOf(value)) : null;
  }
}
