/*
 * Which lines changed between two texts: a longest-common-subsequence line diff, bounded. The
 * common beginning and end are matched first (usually most of two outputs of one prompt); the rest
 * is aligned by a table of at most MAX_CELLS cells (lines x lines). Past that the middle is not
 * aligned: all of A's middle lines are marked removed and all of B's added, and the answer says so.
 */
'use strict';
(function (TW) {
  var MAX_CELLS = 4000000;

  /**
   * lineDiff(aLines, bLines) -> {ops: [{op: 'same'|'del'|'ins', a: index or -1, b: index or -1}], aligned}
   * in reading order; aligned is false when the middle was too large to align line by line.
   */
  function lineDiff(a, b, maxCells) {
    var limit = maxCells || MAX_CELLS;
    var ops = [];
    var start = 0;
    while (start < a.length && start < b.length && a[start] === b[start]) {
      ops.push({op: 'same', a: start, b: start});
      start++;
    }
    var endA = a.length;
    var endB = b.length;
    while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
      endA--;
      endB--;
    }
    var n = endA - start;
    var m = endB - start;
    var aligned = true;
    var i;
    var j;
    if (n === 0 || m === 0 || n * m > limit) {
      aligned = n === 0 || m === 0;
      for (i = start; i < endA; i++) ops.push({op: 'del', a: i, b: -1});
      for (j = start; j < endB; j++) ops.push({op: 'ins', a: -1, b: j});
    } else {
      // Lines as numbers, so the table compares integers.
      var ids = Object.create(null);
      var next = 0;
      var x = new Int32Array(n);
      var y = new Int32Array(m);
      for (i = 0; i < n; i++) x[i] = ids[a[start + i]] === undefined ? (ids[a[start + i]] = next++) : ids[a[start + i]];
      for (j = 0; j < m; j++) y[j] = ids[b[start + j]] === undefined ? (ids[b[start + j]] = next++) : ids[b[start + j]];
      // lcs[i][j]: the longest common subsequence of x[i..] and y[j..].
      var w = m + 1;
      var lcs = new Uint32Array((n + 1) * w);
      for (i = n - 1; i >= 0; i--) {
        for (j = m - 1; j >= 0; j--) {
          lcs[i * w + j] = x[i] === y[j] ? lcs[(i + 1) * w + j + 1] + 1 : Math.max(lcs[(i + 1) * w + j], lcs[i * w + j + 1]);
        }
      }
      i = 0;
      j = 0;
      while (i < n && j < m) {
        if (x[i] === y[j]) {
          ops.push({op: 'same', a: start + i, b: start + j});
          i++;
          j++;
        } else if (lcs[(i + 1) * w + j] >= lcs[i * w + j + 1]) {
          ops.push({op: 'del', a: start + i, b: -1});
          i++;
        } else {
          ops.push({op: 'ins', a: -1, b: start + j});
          j++;
        }
      }
      for (; i < n; i++) ops.push({op: 'del', a: start + i, b: -1});
      for (; j < m; j++) ops.push({op: 'ins', a: -1, b: start + j});
    }
    for (i = endA, j = endB; i < a.length; i++, j++) ops.push({op: 'same', a: i, b: j});
    return {ops: ops, aligned: aligned};
  }

  /**
   * The ops as side-by-side rows {a, b, changed}: unchanged lines face each other; in a run of
   * changes, A's removed lines face B's added ones, row by row.
   */
  function sideBySide(ops) {
    var rows = [];
    var dels = [];
    var inss = [];
    function flush() {
      for (var k = 0; k < Math.max(dels.length, inss.length); k++) {
        rows.push({a: k < dels.length ? dels[k] : -1, b: k < inss.length ? inss[k] : -1, changed: true});
      }
      dels = [];
      inss = [];
    }
    ops.forEach(function (o) {
      if (o.op === 'same') {
        flush();
        rows.push({a: o.a, b: o.b, changed: false});
      } else if (o.op === 'del') {
        dels.push(o.a);
      } else {
        inss.push(o.b);
      }
    });
    flush();
    return rows;
  }

  TW.lineDiff = lineDiff;
  TW.sideBySide = sideBySide;
})(window.TW);
