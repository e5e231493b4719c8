package dev.tracewright.cli;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** A plain-text table with columns as wide as their widest cell. */
final class Table {
  private final List<String> header;
  private final List<List<String>> rows = new ArrayList<>();
  private final Set<Integer> right = new HashSet<>();

  Table(String... header) {
    this.header = List.of(header);
  }

  Table alignRight(int... columns) {
    for (int c : columns) {
      right.add(c);
    }
    return this;
  }

  void row(List<String> cells) {
    rows.add(cells);
  }

  @Override
  public String toString() {
    int[] width = new int[header.size()];
    for (int c = 0; c < width.length; c++) {
      width[c] = header.get(c).length();
      for (List<String> r : rows) {
        width[c] = Math.max(width[c], r.get(c).length());
      }
    }
    StringBuilder sb = new StringBuilder();
    line(sb, header, width);
    rows.forEach(r -> line(sb, r, width));
    return sb.toString();
  }

  private void line(StringBuilder sb, List<String> cells, int[] width) {
    StringBuilder l = new StringBuilder();
    for (int c = 0; c < cells.size(); c++) {
      String cell = cells.get(c);
      l.append(right.contains(c) ? TraceRenderer.padLeft(cell, width[c]) : TraceRenderer.pad(cell, width[c]));
      if (c < cells.size() - 1) {
        l.append("  ");
      }
    }
    sb.append(l.toString().stripTrailing()).append('\n');
  }
}
