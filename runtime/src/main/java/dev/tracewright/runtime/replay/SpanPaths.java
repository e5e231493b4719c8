package dev.tracewright.runtime.replay;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * Span paths (the span names from the root down: {@code research/plan/search}) as the nodes of one
 * tree: a path is its parent path's node and its last name, interned, so equal paths are the same
 * node and a path costs one small object whatever its depth. Keying each span by its parent's
 * path <em>string</em> cost memory in the square of the depth: a chain 200,000 spans deep did not
 * fit in 512 MB. The text of a path is built only for a message. Not thread-safe: the replay
 * engine holds its lock around every use.
 */
final class SpanPaths {
  /** A path's text keeps at most this many names, the deepest, after "…/", as the diff's paths do. */
  static final int MAX_SHOWN = TraceDiff.MAX_PATH_SEGMENTS;

  /** One path. Equal paths are one node: compare by identity (no equals, on purpose). */
  static final class Node {
    final Node parent;
    final String name;

    private Node(Node parent, String name) {
      this.parent = parent;
      this.name = name;
    }

    /** The names from the root joined by '/'; a path deeper than {@value #MAX_SHOWN} names starts with "…/". */
    String text() {
      Deque<String> names = new ArrayDeque<>();
      Node n = this;
      while (n != null && names.size() < MAX_SHOWN) {
        names.push(n.name);
        n = n.parent;
      }
      return (n != null ? "…/" : "") + String.join("/", names);
    }

    @Override
    public String toString() {
      return text();
    }
  }

  /** A name under a parent path (null: a root); the parent by identity. */
  private record Edge(Node parent, String name) {}

  private final Map<Edge, Node> nodes = new HashMap<>();

  /** The path of a span named {@code name} under {@code parent} (null for a root). */
  Node child(Node parent, String name) {
    return nodes.computeIfAbsent(new Edge(parent, name), e -> new Node(e.parent(), e.name()));
  }
}
