package dev.tracewright.runtime.replay;

import dev.tracewright.annotations.CapturePolicy;
import dev.tracewright.annotations.SpanKind;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Two recorded traces aligned by path, the same alignment for {@code tracewright diff}, the UI's
 * compare view and users' own tests (for instance a replayed run against the one it replays).
 *
 * <p>A span's path is the names and order under each parent: the second {@code search} child of
 * the first {@code plan} under the root is {@code research/plan[0]/search[1]}. Children with the
 * same name are matched first by equal arguments (calls fanned out in parallel start in another
 * order in each run), then in order (the n-th {@code search} with the n-th), so a span or subtree
 * added anywhere under a parent shows as added without shifting its siblings of other names.
 *
 * <p>Two traces are {@link #equal() equal} when they have the same structure, statuses and
 * outputs. Latency, tokens and cost are reported as deltas but do not make traces different: two
 * runs of the same agent never take the same time. Outputs are compared by the hash of their stored
 * (redacted) content; a span captured METADATA_ONLY on either side has no output to compare.
 *
 * <p>Linear in the number of spans: each parent's children are matched through a map by name.
 */
public final class TraceDiff {
  /** What happened to a span between trace a and trace b. */
  public enum Change {
    SAME, CHANGED, ADDED, REMOVED;

    /** {@code same}, {@code changed}, {@code added}, {@code removed}: the word the API uses. */
    public String word() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * One aligned span. For an added span the deltas are its own values (from nothing), for a
   * removed one their negation; {@code costDelta} is null when neither side has a cost. A path
   * deeper than {@value #MAX_PATH_SEGMENTS} levels starts with "…/" and keeps the deepest segments.
   * The path is written out when asked for: a row holds only its place in the tree, so the rows
   * of a deep trace cost memory in the number of spans, not in spans times path length.
   *
   * <p>A value with the accessors, {@code equals}, {@code hashCode} and {@code toString} of the
   * record it used to be.
   */
  public static final class Row {
    private final Pending at;
    private final Change change;
    private final boolean statusChanged;
    private final boolean outputChanged;
    private final double durationDeltaMs;
    private final long tokensDelta;
    private final Double costDelta;

    private Row(Pending at, Change change, boolean statusChanged, boolean outputChanged, double durationDeltaMs, long tokensDelta,
        Double costDelta) {
      this.at = at;
      this.change = change;
      this.statusChanged = statusChanged;
      this.outputChanged = outputChanged;
      this.durationDeltaMs = durationDeltaMs;
      this.tokensDelta = tokensDelta;
      this.costDelta = costDelta;
    }

    /** {@code research/plan[0]/search[1]}: names and occurrence under each parent, from the root. */
    public String path() {
      return at.path();
    }

    public int depth() {
      return at.depth;
    }

    public String name() {
      return (at.b != null ? at.b : at.a).name();
    }

    public SpanKind kind() {
      return (at.b != null ? at.b : at.a).kind();
    }

    public Change change() {
      return change;
    }

    /** The span in trace a, null when added. */
    public RecordedSpan a() {
      return at.a;
    }

    /** The span in trace b, null when removed. */
    public RecordedSpan b() {
      return at.b;
    }

    public boolean statusChanged() {
      return statusChanged;
    }

    public boolean outputChanged() {
      return outputChanged;
    }

    public double durationDeltaMs() {
      return durationDeltaMs;
    }

    public long tokensDelta() {
      return tokensDelta;
    }

    public Double costDelta() {
      return costDelta;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Row r && at.depth == r.at.depth && change == r.change && statusChanged == r.statusChanged
          && outputChanged == r.outputChanged && Double.compare(durationDeltaMs, r.durationDeltaMs) == 0 && tokensDelta == r.tokensDelta
          && Objects.equals(costDelta, r.costDelta) && Objects.equals(at.a, r.at.a) && Objects.equals(at.b, r.at.b) && path().equals(r.path());
    }

    @Override
    public int hashCode() {
      return Objects.hash(path(), at.depth, name(), kind(), change, at.a, at.b, statusChanged, outputChanged, durationDeltaMs, tokensDelta, costDelta);
    }

    @Override
    public String toString() {
      return "Row[path=" + path() + ", depth=" + at.depth + ", name=" + name() + ", kind=" + kind() + ", change=" + change + ", a=" + at.a
          + ", b=" + at.b + ", statusChanged=" + statusChanged + ", outputChanged=" + outputChanged + ", durationDeltaMs="
          + durationDeltaMs + ", tokensDelta=" + tokensDelta + ", costDelta=" + costDelta + "]";
    }
  }

  /** A whole-number total on both sides. */
  public record Count(long a, long b) {
    public long delta() {
      return b - a;
    }
  }

  /** A measured total on both sides; null where unknown (a cost no span reported). */
  public record Amount(Double a, Double b) {
    public Double delta() {
      return a == null && b == null ? null : nz(b) - nz(a);
    }
  }

  /** The traces' totals: the root's duration, tokens, cost, span and error counts. */
  public record Totals(Amount durationMs, Count tokens, Amount costUsd, Count spans, Count errors) {}

  private final RecordedTrace a;
  private final RecordedTrace b;
  private final List<Row> rows;

  private TraceDiff(RecordedTrace a, RecordedTrace b, List<Row> rows) {
    this.a = a;
    this.b = b;
    this.rows = Collections.unmodifiableList(rows);
  }

  public static TraceDiff between(RecordedTrace a, RecordedTrace b) {
    Objects.requireNonNull(a, "a");
    Objects.requireNonNull(b, "b");
    return new TraceDiff(a, b, align(a, b));
  }

  public RecordedTrace a() {
    return a;
  }

  public RecordedTrace b() {
    return b;
  }

  /** Every span of either trace once, in tree order (b's added spans where they appear in b). */
  public List<Row> rows() {
    return rows;
  }

  /** Same structure, statuses and outputs; latency, token and cost differences alone do not count. */
  public boolean equal() {
    return rows.stream().allMatch(r -> r.change() == Change.SAME);
  }

  public long count(Change change) {
    return rows.stream().filter(r -> r.change() == change).count();
  }

  public Totals totals() {
    return new Totals(
        new Amount(a.spans().isEmpty() ? null : a.durationMs(), b.spans().isEmpty() ? null : b.durationMs()),
        new Count(a.inputTokens() + a.outputTokens(), b.inputTokens() + b.outputTokens()),
        new Amount(a.costUsd(), b.costUsd()),
        new Count(a.spans().size(), b.spans().size()),
        new Count(a.errorCount(), b.errorCount()));
  }

  /**
   * Paths keep at most this many segments ("…/" then the deepest ones): a 10,000-deep chain would
   * otherwise cost memory in the square of its depth.
   */
  static final int MAX_PATH_SEGMENTS = 64;

  /**
   * A pair of spans to align (either may be null) and its place: the n-th of its name under its
   * parent pair. Its path is written out only when asked for.
   */
  private record Pending(RecordedSpan a, RecordedSpan b, int occurrence, Pending parent, int depth) {
    /** A root's segment is its name (a second root of that name {@code name[1]}); a child's {@code name[n]}. */
    String segment() {
      String name = (a != null ? a : b).name();
      return parent == null && occurrence == 0 ? name : name + "[" + occurrence + "]";
    }

    String path() {
      Deque<String> segments = new ArrayDeque<>();
      Pending p = this;
      while (p != null && segments.size() < MAX_PATH_SEGMENTS) {
        segments.push(p.segment());
        p = p.parent;
      }
      return (p != null ? "…/" : "") + String.join("/", segments);
    }
  }

  /** Depth-first with an explicit stack: a 10,000-deep trace needs no deep call stack. */
  private static List<Row> align(RecordedTrace ta, RecordedTrace tb) {
    List<Row> out = new ArrayList<>(Math.max(ta.spans().size(), tb.spans().size()));
    Deque<Pending> stack = new ArrayDeque<>();
    pushChildren(stack, ta.roots(), tb.roots(), null, 0);
    while (!stack.isEmpty()) {
      Pending p = stack.pop();
      out.add(row(p));
      List<RecordedSpan> ka = p.a == null ? List.of() : ta.children(p.a.spanId());
      List<RecordedSpan> kb = p.b == null ? List.of() : tb.children(p.b.spanId());
      pushChildren(stack, ka, kb, p, p.depth + 1);
    }
    return out;
  }

  /**
   * Matches two sibling lists, same name with the same arguments first, then by (name, occurrence),
   * and pushes the pairs so they pop in order.
   */
  private static void pushChildren(Deque<Pending> stack, List<RecordedSpan> as, List<RecordedSpan> bs, Pending parent, int depth) {
    if (as.isEmpty() && bs.isEmpty()) {
      return;
    }
    Map<String, Integer> seenInA = new HashMap<>();
    boolean[] matched = new boolean[bs.size()];
    int[] partner = new int[as.size()];
    int[] occurrenceA = new int[as.size()];
    // First pass: same name and the same arguments, so calls fanned out in parallel (whose start
    // order changes from run to run) pair with their own counterpart.
    Map<String, ArrayDeque<Integer>> bByNameAndInput = new HashMap<>();
    for (int j = 0; j < bs.size(); j++) {
      String input = inputHash(bs.get(j));
      if (input != null) {
        bByNameAndInput.computeIfAbsent(bs.get(j).name() + '\n' + input, k -> new ArrayDeque<>()).add(j);
      }
    }
    for (int i = 0; i < as.size(); i++) {
      occurrenceA[i] = seenInA.merge(as.get(i).name(), 1, Integer::sum) - 1;
      String input = inputHash(as.get(i));
      ArrayDeque<Integer> same = input == null ? null : bByNameAndInput.get(as.get(i).name() + '\n' + input);
      partner[i] = same == null || same.isEmpty() ? -1 : same.poll();
      if (partner[i] >= 0) {
        matched[partner[i]] = true;
      }
    }
    // Second pass: the rest of each name, in order.
    Map<String, ArrayDeque<Integer>> bLeftByName = new HashMap<>();
    for (int j = 0; j < bs.size(); j++) {
      if (!matched[j]) {
        bLeftByName.computeIfAbsent(bs.get(j).name(), k -> new ArrayDeque<>()).add(j);
      }
    }
    for (int i = 0; i < as.size(); i++) {
      if (partner[i] < 0) {
        ArrayDeque<Integer> left = bLeftByName.get(as.get(i).name());
        partner[i] = left == null || left.isEmpty() ? -1 : left.poll();
        if (partner[i] >= 0) {
          matched[partner[i]] = true;
        }
      }
    }
    int[] occurrenceB = new int[bs.size()];
    Map<String, Integer> seenInB = new HashMap<>();
    for (int j = 0; j < bs.size(); j++) {
      occurrenceB[j] = seenInB.merge(bs.get(j).name(), 1, Integer::sum) - 1;
    }
    List<Pending> ordered = new ArrayList<>(Math.max(as.size(), bs.size()));
    int next = 0; // b's siblings before this one were placed
    for (int i = 0; i < as.size(); i++) {
      RecordedSpan sa = as.get(i);
      int j = partner[i];
      if (j >= 0) {
        for (; next < j; next++) {
          if (!matched[next]) {
            ordered.add(pending(null, bs.get(next), occurrenceB[next], parent, depth));
          }
        }
        next = Math.max(next, j + 1);
        ordered.add(pending(sa, bs.get(j), occurrenceA[i], parent, depth));
      } else {
        ordered.add(pending(sa, null, occurrenceA[i], parent, depth));
      }
    }
    for (; next < bs.size(); next++) {
      if (!matched[next]) {
        ordered.add(pending(null, bs.get(next), occurrenceB[next], parent, depth));
      }
    }
    for (int i = ordered.size() - 1; i >= 0; i--) {
      stack.push(ordered.get(i));
    }
  }

  private static String inputHash(RecordedSpan s) {
    return s.input() == null ? null : s.input().hash();
  }

  private static Pending pending(RecordedSpan sa, RecordedSpan sb, int occurrence, Pending parent, int depth) {
    return new Pending(sa, sb, occurrence, parent, depth);
  }

  private static Row row(Pending p) {
    RecordedSpan sa = p.a;
    RecordedSpan sb = p.b;
    if (sb == null) {
      return new Row(p, Change.REMOVED, false, false, -sa.durationMs(), -sa.totalTokens(), sa.costUsd() == null ? null : -sa.costUsd());
    }
    if (sa == null) {
      return new Row(p, Change.ADDED, false, false, sb.durationMs(), sb.totalTokens(), sb.costUsd());
    }
    boolean statusChanged = !Objects.equals(sa.status(), sb.status());
    boolean outputChanged = !sameOutput(sa, sb);
    Double costDelta = sa.costUsd() == null && sb.costUsd() == null ? null : nz(sb.costUsd()) - nz(sa.costUsd());
    return new Row(p, statusChanged || outputChanged ? Change.CHANGED : Change.SAME, statusChanged, outputChanged,
        sb.durationMs() - sa.durationMs(), sb.totalTokens() - sa.totalTokens(), costDelta);
  }

  /**
   * Outputs match when their hashes do. A span captured METADATA_ONLY on either side has nothing
   * to compare. A preview against the full content matches when the full content starts with the
   * preview (all a preview can tell).
   */
  static boolean sameOutput(RecordedSpan sa, RecordedSpan sb) {
    if (sa.capturePolicy() == CapturePolicy.METADATA_ONLY || sb.capturePolicy() == CapturePolicy.METADATA_ONLY) {
      return true;
    }
    RecordedContent x = sa.output();
    RecordedContent y = sb.output();
    if (Objects.equals(x.hash(), y.hash())) {
      return true;
    }
    if (x.hash() == null || y.hash() == null || x.json() == null || y.json() == null || x.state() == y.state()) {
      return false;
    }
    if (x.state() == RecordedContent.State.PREVIEW) {
      return previewOf(x.json(), y.json());
    }
    return y.state() == RecordedContent.State.PREVIEW && previewOf(y.json(), x.json());
  }

  private static boolean previewOf(String preview, String full) {
    if (preview.equals(full)) {
      return true;
    }
    return preview.endsWith("…") && full.length() >= preview.length() && full.startsWith(preview.substring(0, preview.length() - 1));
  }

  private static double nz(Double v) {
    return v == null ? 0 : v;
  }
}
