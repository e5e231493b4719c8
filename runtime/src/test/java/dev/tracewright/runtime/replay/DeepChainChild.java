package dev.tracewright.runtime.replay;

import dev.tracewright.annotations.CapturePolicy;
import dev.tracewright.annotations.SpanKind;
import dev.tracewright.runtime.TraceConfig;
import dev.tracewright.runtime.TracedCall;
import dev.tracewright.runtime.Tracewright;
import dev.tracewright.runtime.export.ExportBatch;
import dev.tracewright.runtime.export.JsonlFormat;
import dev.tracewright.runtime.store.NullStore;
import dev.tracewright.runtime.store.SpanRecord;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Runs in a child JVM with a small heap: {@code FILE DEPTH} writes a trace that is one chain of
 * DEPTH spans (each the child of the one before: {@code research > step > step > ... > search})
 * as {@code tracewright export --format jsonl --content} writes it, reads it back, aligns it with
 * itself ({@link TraceDiff}), opens a {@link Replay} of it and replays a run of the same chain, whose
 * innermost {@code search} call is answered from the recording. Prints {@code RESULT ok} at the end.
 */
public final class DeepChainChild {
  static final String OUTPUT = "[\"Rayleigh\"]";
  static final TracedCall.Site RESEARCH = TracedCall.site(DeepChainChild.class, "research", SpanKind.AGENT, "research");
  static final TracedCall.Site STEP = TracedCall.site(DeepChainChild.class, "step", SpanKind.STEP, "step");
  static final TracedCall.Site SEARCH = TracedCall.site(DeepChainChild.class, "search", SpanKind.TOOL, "search")
      .returns(new ReturnType<List<String>>() {});

  public static void main(String[] args) throws Exception {
    Path file = Path.of(args[0]);
    int depth = Integer.parseInt(args[1]);
    write(file, depth);

    stage("written");
    RecordedTrace trace = RecordedTrace.fromFile(file);
    stage("read");
    check(trace.spans().size() == depth, "spans: " + trace.spans().size());
    String leafId = id(depth - 1);
    check(trace.depth(leafId) == depth - 1, "depth of the leaf: " + trace.depth(leafId));
    check(trace.durationMs() > 0, "duration: " + trace.durationMs());

    TraceDiff diff = TraceDiff.between(trace, trace);
    check(diff.equal() && diff.rows().size() == depth, "diff: " + diff.rows().size() + " rows, equal " + diff.equal());
    TraceDiff.Row deepest = diff.rows().get(depth - 1);
    check(deepest.depth() == depth - 1 && deepest.name().equals("search"), "deepest row: " + deepest.depth() + " " + deepest.name());
    check(deepest.path().endsWith("/step[0]/search[0]"), "deepest path: " + deepest.path());
    diff = null;
    stage("diffed");

    Tracewright.init(TraceConfig.builder().store(new NullStore()).capturePolicy(CapturePolicy.FULL_LOCAL).build());
    TracedCall[] open = new TracedCall[depth];
    List<String> answer;
    try (Replay replay = Replay.of(trace).open()) {
      stage("replay opened");
      open[0] = RESEARCH.begin(); // spans nest through the thread's span stack: no deep Java stack
      for (int i = 1; i < depth - 1; i++) {
        open[i] = STEP.begin();
      }
      TracedCall search = SEARCH.begin();
      check(search.replaying(), "the innermost search is answered from its recording");
      answer = search.replayed();
      for (int i = depth - 2; i >= 0; i--) {
        open[i].returned();
        open[i] = null;
      }
      check(replay.mismatches().isEmpty(), "mismatches: " + replay.mismatches());
    }
    check(answer.equals(List.of("Rayleigh")), "answer: " + answer);
    Tracewright.shutdown();
    System.out.println("RESULT ok spans=" + trace.spans().size());
  }

  /** Where the child got to, for the test's message when it fails. */
  private static void stage(String what) {
    System.gc();
    Runtime rt = Runtime.getRuntime();
    System.out.println("stage " + what + ": " + (rt.totalMemory() - rt.freeMemory()) / (1024 * 1024) + " MB used");
  }

  private static String id(int i) {
    return String.format("%016x", i + 1);
  }

  /** One line per span, written as it goes: the writer never holds the chain. */
  private static void write(Path file, int depth) throws Exception {
    String traceId = "0123456789abcdef0123456789abcdef";
    String hash = RecordedContent.sha256(OUTPUT);
    Instant t0 = Instant.parse("2026-11-23T10:00:00Z");
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      for (int i = 0; i < depth; i++) {
        TracedCall.Site site = i == 0 ? RESEARCH : i == depth - 1 ? SEARCH : STEP;
        boolean leaf = i == depth - 1;
        long endOffset = 2L * depth - i; // each span ends after its child
        SpanRecord s = new SpanRecord(id(i), traceId, i == 0 ? null : id(i - 1), site.name(), site.kind(), SpanRecord.OK,
            t0.plusNanos(i), t0.plusNanos(endOffset), endOffset - i, site.codeNamespace(), site.codeFunction(), "main", null, null,
            null, null, null, null, leaf ? OUTPUT : null, null, leaf ? hash : null, null, null, Map.of(), CapturePolicy.FULL_LOCAL);
        ExportBatch batch = new ExportBatch("deep", Map.of(), List.of(s), Map.of(), h -> h.equals(hash) ? OUTPUT : null);
        out.write(JsonlFormat.line(s, List.of(), batch, true));
        out.write('\n');
      }
    }
  }

  private static void check(boolean ok, String what) {
    if (!ok) {
      throw new AssertionError(what);
    }
  }
}
