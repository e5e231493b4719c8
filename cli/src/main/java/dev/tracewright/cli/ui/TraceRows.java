package dev.tracewright.cli.ui;

import dev.tracewright.cli.TraceDb;
import dev.tracewright.runtime.store.EventRecord;
import dev.tracewright.runtime.store.SpanRecord;
import dev.tracewright.runtime.store.TraceRecord;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A trace too large to send whole, served as rows of its tree: the server lays the trace out once
 * (depth-first in start order, depths, subtree sizes, critical path: the same rules as the page's
 * own layout in trace-view.js) from four columns of each span, and the page asks for the rows it
 * scrolls to. Layouts of the last few traces asked for are kept, keyed by what changes when a
 * trace grows (so a running trace is laid out again as its spans arrive).
 */
final class TraceRows {
  static final int MAX_ROWS_PER_PAGE = 2_000;
  private static final int CACHED_TRACES = 4;

  /** One trace laid out: row {@code r} is span {@code ids[r]}. */
  record Tree(String key, String[] ids, int[] depth, int[] size, int[] children, boolean[] critical, long t0, long t1) {
    int rows() {
      return ids.length;
    }

    int criticalRows() {
      int n = 0;
      for (boolean c : critical) {
        n += c ? 1 : 0;
      }
      return n;
    }
  }

  private final Map<String, Tree> cache =
      new LinkedHashMap<>(8, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Tree> eldest) {
          return size() > CACHED_TRACES;
        }
      };

  /** The layout of {@code trace}, from the cache while the trace has not changed. */
  synchronized Tree tree(TraceDb db, TraceRecord trace) throws SQLException {
    String key = trace.status() + "/" + trace.spanCount() + "/" + trace.endTime();
    Tree cached = cache.get(trace.traceId());
    if (cached != null && cached.key().equals(key) && !trace.isIncomplete()) {
      return cached;
    }
    Tree tree = layout(key, db.spanPlaces(trace.traceId()));
    cache.put(trace.traceId(), tree);
    return tree;
  }

  static Tree layout(String key, List<TraceDb.SpanPlace> places) {
    int n = places.size();
    Map<String, Integer> index = new HashMap<>(n * 2);
    long[] start = new long[n];
    long[] end = new long[n];
    long t0 = Long.MAX_VALUE;
    long t1 = Long.MIN_VALUE;
    for (int i = 0; i < n; i++) {
      TraceDb.SpanPlace p = places.get(i);
      index.put(p.spanId(), i);
      start[i] = p.startNanos();
      end[i] = Math.max(p.endNanos(), p.startNanos()); // a span without an end is a point
      t0 = Math.min(t0, start[i]);
      t1 = Math.max(t1, end[i]);
    }
    // Children in start order (places come by start): counted, then filled, as compressed lists.
    int[] parent = new int[n];
    int[] childCount = new int[n];
    for (int i = 0; i < n; i++) {
      String parentId = places.get(i).parentSpanId();
      Integer p = parentId == null ? null : index.get(parentId);
      parent[i] = p == null || p == i ? -1 : p; // a parent not in this database: the span is a root here
      if (parent[i] >= 0) {
        childCount[parent[i]]++;
      }
    }
    int[] firstChild = new int[n + 1];
    for (int i = 0; i < n; i++) {
      firstChild[i + 1] = firstChild[i] + childCount[i];
    }
    int[] childList = new int[Math.max(firstChild[n], 0)];
    int[] filled = Arrays.copyOf(firstChild, n);
    List<Integer> roots = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      if (parent[i] >= 0) {
        childList[filled[parent[i]]++] = i;
      } else {
        roots.add(i);
      }
    }
    // Depth-first, children in start order.
    int[] order = new int[n];
    int[] depthOf = new int[n];
    int[] stack = new int[n];
    int top = 0;
    for (int r = roots.size() - 1; r >= 0; r--) {
      stack[top++] = roots.get(r);
    }
    int k = 0;
    while (top > 0) {
      int i = stack[--top];
      depthOf[i] = parent[i] >= 0 ? depthOf[parent[i]] + 1 : 0;
      order[k++] = i;
      for (int c = firstChild[i + 1] - 1; c >= firstChild[i]; c--) {
        stack[top++] = childList[c];
      }
    }
    int[] sizeOf = new int[n];
    for (int j = k - 1; j >= 0; j--) {
      int i = order[j];
      sizeOf[i] += 1;
      if (parent[i] >= 0) {
        sizeOf[parent[i]] += sizeOf[i];
      }
    }
    boolean[] criticalOf = criticalPath(roots, start, end, firstChild, childList, n);
    String[] ids = new String[n];
    int[] depth = new int[n];
    int[] size = new int[n];
    int[] children = new int[n];
    boolean[] critical = new boolean[n];
    for (int r = 0; r < n; r++) {
      int i = order[r];
      ids[r] = places.get(i).spanId();
      depth[r] = depthOf[i];
      size[r] = sizeOf[i];
      children[r] = childCount[i];
      critical[r] = criticalOf[i];
    }
    return new Tree(key, ids, depth, size, children, critical, n == 0 ? 0 : t0, n == 0 ? 0 : t1);
  }

  /**
   * The spans that decide when the trace ends (as trace-view.js marks them): from the root that ends
   * last, the child that ends last, then the child that ends last before that one started, and so on.
   */
  private static boolean[] criticalPath(List<Integer> roots, long[] start, long[] end, int[] firstChild, int[] childList, int n) {
    boolean[] critical = new boolean[n];
    int last = -1;
    for (int r : roots) {
      if (last < 0 || end[r] > end[last]) {
        last = r;
      }
    }
    List<Integer> todo = new ArrayList<>();
    if (last >= 0) {
      todo.add(last);
    }
    while (!todo.isEmpty()) {
      int i = todo.remove(todo.size() - 1);
      critical[i] = true;
      long cursor = end[i];
      Integer[] kids = new Integer[firstChild[i + 1] - firstChild[i]];
      for (int c = 0; c < kids.length; c++) {
        kids[c] = childList[firstChild[i] + c];
      }
      Arrays.sort(kids, (a, b) -> Long.compare(end[b], end[a]));
      for (int c : kids) {
        if (end[c] <= cursor + 1) { // the page's 1e-6 ms
          todo.add(c);
          cursor = start[c];
        }
      }
    }
    return critical;
  }

  /** Rows {@code from} to {@code from + limit} of the tree: each with its span and events. */
  static Map<String, Object> page(TraceDb db, Tree tree, int from, int limit) throws SQLException {
    int to = Math.min(tree.rows(), from + limit);
    List<String> ids = from >= to ? List.of() : Arrays.asList(tree.ids()).subList(from, to);
    Map<String, SpanRecord> spans = new HashMap<>();
    for (SpanRecord s : db.spansById(ids)) {
      spans.put(s.spanId(), s);
    }
    Map<String, List<EventRecord>> events = db.eventsOf(ids);
    List<Map<String, Object>> rows = new ArrayList<>();
    List<ApiViews.EventView> eventViews = new ArrayList<>();
    for (int r = from; r < to; r++) {
      SpanRecord s = spans.get(tree.ids()[r]);
      if (s == null) {
        continue; // pruned since the layout: the page shows a gap, not an error
      }
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("row", r);
      row.put("depth", tree.depth()[r]);
      row.put("children", tree.children()[r]);
      row.put("size", tree.size()[r]);
      row.put("critical", tree.critical()[r]);
      row.put("span", ApiViews.SpanView.of(s));
      rows.add(row);
      events.getOrDefault(s.spanId(), List.of()).forEach(e -> eventViews.add(ApiViews.EventView.of(e)));
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("total", tree.rows());
    out.put("from", from);
    out.put("t0", ApiViews.iso(instant(tree.t0())));
    out.put("totalMs", Math.max((tree.t1() - tree.t0()) / 1e6, 0.001));
    out.put("criticalRows", tree.criticalRows());
    out.put("rows", rows);
    out.put("events", eventViews);
    return out;
  }

  private static Instant instant(long nanos) {
    return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
  }
}
