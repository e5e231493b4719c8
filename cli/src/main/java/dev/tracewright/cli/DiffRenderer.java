package dev.tracewright.cli;

import dev.tracewright.runtime.replay.RecordedContent;
import dev.tracewright.runtime.replay.RecordedSpan;
import dev.tracewright.runtime.replay.RecordedTrace;
import dev.tracewright.runtime.replay.TraceDiff;
import dev.tracewright.runtime.replay.TraceDiff.Change;
import dev.tracewright.runtime.replay.TraceDiff.Row;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;

/**
 * Draws a {@link TraceDiff} as one aligned tree: a marker per span ({@code +} added in b,
 * {@code -} removed, {@code ~} changed), b's duration (a's for a removed span) with its delta,
 * token and cost deltas, and what changed; then the totals and the verdict. Captured text is
 * escaped ({@link TerminalText}), as everywhere in the CLI.
 */
final class DiffRenderer {
  private static final String GREEN = "\u001b[32m";
  private static final String RED = "\u001b[31m";
  private static final String YELLOW = "\u001b[33m";
  private static final String BOLD = "\u001b[1m";
  private static final String RESET = "\u001b[0m";
  /** As in {@code show}: deeper than this, the depth is written as a number. */
  private static final int MAX_DRAWN_DEPTH = 24;
  private static final int MAX_NAME_WIDTH = 60;
  private static final int MAX_CONTENT = 2_000;

  private final boolean color;
  private final boolean content;

  DiffRenderer(boolean color, boolean content) {
    this.color = color;
    this.content = content;
  }

  String render(TraceDiff diff, String originA, String originB) {
    StringBuilder out = new StringBuilder();
    header(out, "a", diff.a(), originA);
    header(out, "b", diff.b(), originB);
    out.append('\n');
    List<Row> rows = diff.rows();
    List<String> labels = treeLabels(rows);
    int width = 4;
    for (String l : labels) {
      width = Math.max(width, l.length());
    }
    width = Math.min(width, MAX_NAME_WIDTH);
    for (int i = 0; i < rows.size(); i++) {
      line(out, rows.get(i), labels.get(i), width);
    }
    out.append('\n');
    totals(out, diff.totals());
    if (diff.equal()) {
      out.append(paint(BOLD, "equal")).append(": same structure, statuses and outputs (latency, tokens and cost are not compared)\n");
    } else {
      out.append(paint(BOLD, "different")).append(": ").append(diff.count(Change.ADDED)).append(" added, ")
          .append(diff.count(Change.REMOVED)).append(" removed, ").append(diff.count(Change.CHANGED)).append(" changed\n");
    }
    return out.toString();
  }

  private void header(StringBuilder out, String side, RecordedTrace t, String origin) {
    out.append(paint(BOLD, side + "  " + t.traceId())).append("  ").append(TraceRenderer.oneLine(String.valueOf(t.name()), 200))
        .append("  ").append(Format.time(t.startTime()))
        .append("  ").append(Format.duration(t.durationMs()))
        .append("  ").append(t.spans().size()).append(t.spans().size() == 1 ? " span" : " spans")
        .append("  ").append(Format.tokens(t.inputTokens() + t.outputTokens())).append(" tokens")
        .append("  ").append(Format.cost(t.costUsd()))
        .append("  ").append(t.status())
        .append("  (").append(TerminalText.escape(origin)).append(")\n");
  }

  private void line(StringBuilder out, Row r, String label, int width) {
    RecordedSpan shown = r.b() != null ? r.b() : r.a();
    String marker = switch (r.change()) {
      case ADDED -> paint(GREEN, "+");
      case REMOVED -> paint(RED, "-");
      case CHANGED -> paint(YELLOW, "~");
      case SAME -> " ";
    };
    if (label.length() > width) {
      label = label.substring(0, width - 1) + "…";
    }
    StringBuilder l = new StringBuilder();
    l.append(marker).append(' ').append(TraceRenderer.pad(label, width)).append("  ")
        .append(TraceRenderer.pad(shown.kind().name(), 9)).append(' ')
        .append(TraceRenderer.pad(status(r), 10)).append(' ')
        .append(TraceRenderer.padLeft(Format.duration(shown.durationMs()), 9)).append(' ')
        .append(TraceRenderer.padLeft(r.change() == Change.SAME || r.change() == Change.CHANGED ? signedDuration(r.durationDeltaMs()) : "", 11));
    if (r.tokensDelta() != 0) {
      l.append("  ").append(signed(r.tokensDelta())).append(" tok");
    }
    if (r.costDelta() != null && r.costDelta() != 0) {
      l.append("  ").append(r.costDelta() > 0 ? "+" : "-").append(Format.cost(Math.abs(r.costDelta())));
    }
    String notes = notes(r);
    if (!notes.isEmpty()) {
      l.append("  ").append(notes);
    }
    out.append(l.toString().stripTrailing()).append('\n');
    if (content && r.outputChanged()) {
      contentLine(out, "a", r.a().output());
      contentLine(out, "b", r.b().output());
    }
  }

  private static String status(Row r) {
    if (r.statusChanged()) {
      return r.a().status() + "→" + r.b().status();
    }
    return (r.b() != null ? r.b() : r.a()).status();
  }

  private String notes(Row r) {
    List<String> notes = new ArrayList<>();
    switch (r.change()) {
      case ADDED -> notes.add(paint(GREEN, "added in b"));
      case REMOVED -> notes.add(paint(RED, "removed in b"));
      default -> { }
    }
    if (r.outputChanged()) {
      notes.add(paint(YELLOW, "output changed"));
    }
    RecordedSpan failed = r.b() != null && r.b().isError() ? r.b() : r.b() == null && r.a().isError() ? r.a() : null;
    if (failed != null && (r.statusChanged() || r.change() != Change.SAME)) {
      notes.add(paint(RED, "ERROR " + TraceRenderer.oneLine(shortType(failed.errorType()), 100)
          + (failed.errorMessage() == null ? "" : ": " + TraceRenderer.oneLine(failed.errorMessage(), 100))));
    }
    return String.join("  ", notes);
  }

  private void contentLine(StringBuilder out, String side, RecordedContent c) {
    String text;
    if (c.json() != null) {
      text = TraceRenderer.oneLine(c.json(), MAX_CONTENT) + (c.isFull() ? "" : "  [" + c.state().name().toLowerCase(Locale.ROOT) + "]");
    } else if (c.hash() != null) {
      text = "(not in this file: export it with --content)";
    } else {
      text = "(none)";
    }
    out.append("      ").append(side).append(" out ").append(text).append('\n');
  }

  private void totals(StringBuilder out, TraceDiff.Totals t) {
    out.append("totals  duration ").append(amount(t.durationMs(), true))
        .append("  tokens ").append(Format.tokens(t.tokens().a())).append(" → ").append(Format.tokens(t.tokens().b()))
        .append(" (").append(signed(t.tokens().delta())).append(')')
        .append("  cost ").append(amount(t.costUsd(), false))
        .append("  spans ").append(t.spans().a()).append(" → ").append(t.spans().b()).append(" (").append(signed(t.spans().delta())).append(')')
        .append("  errors ").append(t.errors().a()).append(" → ").append(t.errors().b()).append(" (").append(signed(t.errors().delta())).append(")\n");
  }

  private static String amount(TraceDiff.Amount a, boolean duration) {
    if (duration) {
      return (a.a() == null ? "-" : Format.duration(a.a())) + " → " + (a.b() == null ? "-" : Format.duration(a.b()))
          + (a.delta() == null ? "" : " (" + signedDuration(a.delta()) + ")");
    }
    Double d = a.delta();
    return Format.cost(a.a()) + " → " + Format.cost(a.b()) + (d == null ? "" : " (" + (d < 0 ? "-" : "+") + Format.cost(Math.abs(d)) + ")");
  }

  private static String signedDuration(double ms) {
    return (ms < 0 ? "-" : "+") + Format.duration(Math.abs(ms));
  }

  private static String signed(long v) {
    return (v < 0 ? "-" : "+") + Format.tokens(Math.abs(v));
  }

  private static String shortType(String type) {
    return type == null ? "" : type.substring(type.lastIndexOf('.') + 1);
  }

  /**
   * Each row's name behind tree lines, as {@code show} draws them. Whether a row is the last of its
   * siblings comes from the next row at its depth or shallower (a backward scan with a stack), so
   * drawing stays linear however deep the tree.
   */
  static List<String> treeLabels(List<Row> rows) {
    int n = rows.size();
    boolean[] last = new boolean[n];
    Deque<Integer> stack = new ArrayDeque<>();
    for (int i = n - 1; i >= 0; i--) {
      int d = rows.get(i).depth();
      while (!stack.isEmpty() && rows.get(stack.peek()).depth() > d) {
        stack.pop();
      }
      last[i] = stack.isEmpty() || rows.get(stack.peek()).depth() < d;
      stack.push(i);
    }
    List<String> labels = new ArrayList<>(n);
    boolean[] continues = new boolean[MAX_DRAWN_DEPTH + 2];
    for (int i = 0; i < n; i++) {
      Row r = rows.get(i);
      int d = r.depth();
      String name = TraceRenderer.oneLine(r.name(), MAX_NAME_WIDTH);
      if (d > MAX_DRAWN_DEPTH) {
        labels.add("[depth " + d + "] " + name);
        continue;
      }
      StringBuilder prefix = new StringBuilder();
      for (int level = 1; level < d; level++) {
        prefix.append(continues[level] ? "│  " : "   ");
      }
      if (d > 0) {
        prefix.append(last[i] ? "└─ " : "├─ ");
      }
      continues[d] = !last[i];
      labels.add(prefix + name);
    }
    return labels;
  }

  private String paint(String code, String text) {
    return color ? code + text + RESET : text;
  }
}
