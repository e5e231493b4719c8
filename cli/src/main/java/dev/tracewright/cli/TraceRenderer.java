package dev.tracewright.cli;

import dev.tracewright.runtime.store.EventRecord;
import dev.tracewright.runtime.store.SpanRecord;
import dev.tracewright.runtime.store.TraceRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Draws a trace as a tree with a waterfall bar per span, scaled to the trace: where in the trace
 * each span ran and for how long. Errors are marked (red on a terminal); events are listed under
 * their span.
 */
public final class TraceRenderer {
  private static final int BAR = 30;
  private static final String RED = "\u001b[31m";
  private static final String DIM = "\u001b[2m";
  private static final String BOLD = "\u001b[1m";
  private static final String RESET = "\u001b[0m";

  private final boolean color;

  public TraceRenderer(boolean color) {
    this.color = color;
  }

  /**
   * @param content when not null, prints each span's captured input and output (by blob hash or
   *     preview) with this lookup
   */
  public String render(TraceRecord trace, List<SpanRecord> spans, Map<String, List<EventRecord>> events, Function<String, String> content) {
    StringBuilder out = new StringBuilder();
    out.append(paint(BOLD, "trace " + trace.traceId())).append("  ").append(oneLine(trace.name(), 200))
        .append("  ").append(Format.time(trace.startTime()))
        .append("  ").append(Format.duration(trace.durationMs()))
        .append("  ").append(trace.spanCount()).append(trace.spanCount() == 1 ? " span" : " spans")
        .append("  ").append(Format.tokens(trace.inputTokens() + trace.outputTokens())).append(" tokens")
        .append("  ").append(Format.cost(trace.costUsd(), trace.unpricedCalls()))
        .append("  ").append(status(trace.status(), trace.errorCount())).append('\n');

    Map<String, List<SpanRecord>> children = new HashMap<>();
    Set<String> ids = new HashSet<>();
    spans.forEach(s -> ids.add(s.spanId()));
    List<SpanRecord> roots = new ArrayList<>();
    for (SpanRecord s : spans) {
      if (s.parentSpanId() == null || !ids.contains(s.parentSpanId())) {
        roots.add(s);
      } else {
        children.computeIfAbsent(s.parentSpanId(), k -> new ArrayList<>()).add(s);
      }
    }
    Comparator<SpanRecord> byStart = Comparator.comparing(SpanRecord::startTime).thenComparing(SpanRecord::spanId);
    roots.sort(byStart);
    children.values().forEach(l -> l.sort(byStart));
    List<Row> rows = depthFirst(roots, children);
    int nameWidth = 0;
    for (Row r : rows) {
      nameWidth = Math.max(nameWidth, r.prefix.length() + oneLine(r.span.name(), 60).length() + 3);
    }
    nameWidth = Math.min(nameWidth, 60);
    for (Row r : rows) {
      line(out, trace, r, events, content, nameWidth);
    }
    return out.toString();
  }

  /** A span in drawing order, with the tree lines to its left. */
  private record Row(SpanRecord span, String prefix, String childPrefix) {}

  /** Deeper than this, the tree lines give way to the depth as a number: a line stays readable. */
  private static final int MAX_DRAWN_DEPTH = 24;

  /** Depth-first with an explicit stack: a trace thousands of spans deep draws without recursion. */
  private static List<Row> depthFirst(List<SpanRecord> roots, Map<String, List<SpanRecord>> children) {
    record Pending(SpanRecord span, String prefix, boolean last, boolean root, int depth) {}
    List<Row> rows = new ArrayList<>();
    java.util.ArrayDeque<Pending> stack = new java.util.ArrayDeque<>();
    for (int i = roots.size() - 1; i >= 0; i--) {
      stack.push(new Pending(roots.get(i), "", i == roots.size() - 1, true, 0));
    }
    while (!stack.isEmpty()) {
      Pending p = stack.pop();
      String branch = p.root ? "" : p.last ? "└─ " : "├─ ";
      String childPrefix = p.prefix + (p.root ? "" : p.last ? "   " : "│  ");
      if (p.depth == MAX_DRAWN_DEPTH) {
        childPrefix = "";
      }
      String drawn = p.depth > MAX_DRAWN_DEPTH ? "[depth " + p.depth + "] " : p.prefix + branch;
      rows.add(new Row(p.span, drawn, childPrefix));
      List<SpanRecord> kids = children.getOrDefault(p.span.spanId(), List.of());
      for (int i = kids.size() - 1; i >= 0; i--) {
        stack.push(new Pending(kids.get(i), childPrefix, i == kids.size() - 1, false, p.depth + 1));
      }
    }
    return rows;
  }

  private void line(StringBuilder out, TraceRecord trace, Row r, Map<String, List<EventRecord>> events, Function<String, String> content, int nameWidth) {
    SpanRecord s = r.span;
    String label = r.prefix + oneLine(s.name(), 60);
    if (label.length() > nameWidth) {
      label = label.substring(0, nameWidth - 1) + "…";
    }
    out.append(pad(label, nameWidth)).append(' ')
        .append(pad(s.kind().name(), 9)).append(' ')
        .append(bar(trace, s)).append(' ')
        .append(padLeft(Format.duration(s.durationMs()), 9));
    if (s.model() != null) {
      out.append("  ").append(oneLine(s.model(), 60));
    }
    if (s.inputTokens() != null || s.outputTokens() != null) {
      out.append("  ").append(Format.tokens(nz(s.inputTokens()))).append('→').append(Format.tokens(nz(s.outputTokens()))).append(" tok");
    }
    if (s.costUsd() != null) {
      out.append("  ").append(Format.cost(s.costUsd()));
    } else if (LateCost.lacksCost(s)) {
      out.append("  cost ").append(Format.UNKNOWN);
    }
    if (s.isError()) {
      out.append("  ").append(paint(RED, "ERROR " + oneLine(shortType(s.errorType()), 100)
          + (s.errorMessage() == null ? "" : ": " + oneLine(s.errorMessage(), 100))));
    }
    out.append('\n');
    String childPrefix = r.childPrefix;
    for (EventRecord e : events.getOrDefault(s.spanId(), List.of())) {
      out.append(paint(DIM, childPrefix + "   • " + oneLine(e.name(), 100) + (e.attributes().isEmpty() ? "" : " " + oneLine(e.attributes().toString(), 400))
          + "  +" + Format.duration(Duration.between(s.startTime(), e.time()).toNanos() / 1e6))).append('\n');
    }
    if (content != null) {
      contentLine(out, childPrefix, "in ", s.inputRef(), s.inputPreview(), content);
      contentLine(out, childPrefix, "out", s.outputRef(), s.outputPreview(), content);
    }
  }

  private void contentLine(StringBuilder out, String prefix, String label, String ref, String preview, Function<String, String> content) {
    String text = ref == null ? preview : content.apply(ref);
    if (text == null) {
      text = preview;
    }
    if (text != null) {
      out.append(paint(DIM, prefix + "   " + label + " ")).append(oneLine(text, 2_000)).append('\n');
    }
  }

  /** Where the span sits in the trace: spaces before, a block for its run, scaled to BAR cells. */
  private String bar(TraceRecord trace, SpanRecord s) {
    double total = Math.max(trace.durationNanos(), 1);
    long offset = Duration.between(trace.startTime(), s.startTime()).toNanos();
    int from = (int) Math.floor(Math.max(0, offset) / total * BAR);
    int len = (int) Math.ceil(s.durationNanos() / total * BAR);
    from = Math.min(Math.max(from, 0), BAR - 1);
    len = Math.max(1, Math.min(len, BAR - from));
    String cells = " ".repeat(from) + "█".repeat(len) + " ".repeat(BAR - from - len);
    return "|" + (s.isError() ? paint(RED, cells) : cells) + "|";
  }

  private String status(String status, int errors) {
    if ("ERROR".equals(status)) {
      return paint(RED, "ERROR");
    }
    if (TraceRecord.INCOMPLETE.equals(status)) {
      return "INCOMPLETE (the root span has not ended: still running, or the agent stopped)";
    }
    return errors > 0 ? "OK (" + errors + (errors == 1 ? " error)" : " errors)") : "OK";
  }

  private String paint(String code, String text) {
    return color ? code + text + RESET : text;
  }

  private static long nz(Long v) {
    return v == null ? 0 : v;
  }

  private static String shortType(String type) {
    return type == null ? "" : type.substring(type.lastIndexOf('.') + 1);
  }

  /** Captured text on one line, cut at {@code max}, with control characters shown escaped (never sent to the terminal). */
  static String oneLine(String text, int max) {
    String flat = text.replace("\r\n", " ").replace('\n', ' ');
    String cut = flat.length() <= max ? flat : flat.substring(0, max) + "…";
    return TerminalText.escape(cut);
  }

  static String pad(String s, int width) {
    return s.length() >= width ? s : s + " ".repeat(width - s.length());
  }

  static String padLeft(String s, int width) {
    return s.length() >= width ? s : " ".repeat(width - s.length()) + s;
  }
}
