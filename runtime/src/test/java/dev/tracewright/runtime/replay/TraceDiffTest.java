package dev.tracewright.runtime.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracewright.annotations.CapturePolicy;
import dev.tracewright.annotations.SpanKind;
import dev.tracewright.runtime.replay.TraceDiff.Change;
import dev.tracewright.runtime.replay.TraceDiff.Row;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(120)
class TraceDiffTest {
  private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

  /** Builds a trace from an indented outline: "name", "name=output", "name(input)=output" or "name!" (failed), two spaces per level. */
  static final class Outline {
    final List<RecordedSpan> spans = new ArrayList<>();
    final List<String> stack = new ArrayList<>();
    int next = 1;
    double duration = 10;
    long tokens = 0;
    CapturePolicy policy = CapturePolicy.FULL_LOCAL;

    Outline span(String line) {
      int depth = (line.length() - line.stripLeading().length()) / 2;
      String text = line.strip();
      boolean failed = text.endsWith("!");
      if (failed) {
        text = text.substring(0, text.length() - 1);
      }
      String output = null;
      int eq = text.indexOf('=');
      if (eq >= 0) {
        output = text.substring(eq + 1);
        text = text.substring(0, eq);
      }
      String input = null;
      int paren = text.indexOf('(');
      if (paren >= 0) {
        input = text.substring(paren + 1, text.indexOf(')'));
        text = text.substring(0, paren);
      }
      String id = String.format("%016x", next);
      while (stack.size() > depth) {
        stack.remove(stack.size() - 1);
      }
      String parent = depth == 0 ? null : stack.get(depth - 1);
      stack.add(id);
      RecordedContent out = output == null ? RecordedContent.NONE
          : new RecordedContent("\"" + output + "\"", RecordedContent.sha256("\"" + output + "\""), RecordedContent.State.FULL);
      Instant start = T0.plusMillis(next);
      spans.add(new RecordedSpan(id, parent, text, text.startsWith("chat") ? SpanKind.LLM : SpanKind.STEP, failed ? "ERROR" : "OK",
          start, start.plusMillis((long) duration), duration, null, text, null, tokens == 0 ? null : tokens, null,
          tokens == 0 ? null : tokens / 1000.0, failed ? "java.io.IOException" : null, failed ? "down" : null, Map.of(), content(input), out,
          policy, List.of()));
      next++;
      return this;
    }

    private static RecordedContent content(String text) {
      return text == null ? RecordedContent.NONE
          : new RecordedContent("\"" + text + "\"", RecordedContent.sha256("\"" + text + "\""), RecordedContent.State.FULL);
    }

    Outline lines(String... lines) {
      for (String l : lines) {
        span(l);
      }
      return this;
    }

    RecordedTrace trace() {
      return new RecordedTrace(String.format("%032x", spans.size()), spans);
    }
  }

  private static RecordedTrace trace(String... lines) {
    return new Outline().lines(lines).trace();
  }

  private static List<String> describe(TraceDiff d) {
    return d.rows().stream().map(r -> "  ".repeat(r.depth()) + r.path() + " " + r.change().word()).toList();
  }

  private static final String[] RUN = {"research=blue", "  plan", "    search=a", "    search=b", "    chat=sum", "  answer=blue"};

  @Test
  void identicalRunsAreEqualAndPathsCountSameNamesUnderEachParent() {
    TraceDiff d = TraceDiff.between(trace(RUN), trace(RUN));
    assertTrue(d.equal());
    assertEquals(List.of(
        "research same",
        "  research/plan[0] same",
        "    research/plan[0]/search[0] same",
        "    research/plan[0]/search[1] same",
        "    research/plan[0]/chat[0] same",
        "  research/answer[0] same"), describe(d));
  }

  @Test
  void latencyTokensAndCostAloneDoNotMakeRunsDifferent() {
    Outline slow = new Outline();
    slow.duration = 25;
    slow.tokens = 3000;
    Outline fast = new Outline();
    fast.tokens = 1000;
    TraceDiff d = TraceDiff.between(fast.lines(RUN).trace(), slow.lines(RUN).trace());
    assertTrue(d.equal(), "two runs of one agent never take the same time");
    Row chat = d.rows().get(4);
    assertEquals(Change.SAME, chat.change());
    assertEquals(15.0, chat.durationDeltaMs());
    assertEquals(2000, chat.tokensDelta());
    assertEquals(2.0, chat.costDelta(), 1e-9);
    assertEquals(6 * 2000, d.totals().tokens().delta());
    assertEquals(15.0, d.totals().durationMs().delta());
    assertEquals(6, d.totals().spans().a());
    assertEquals(0, d.totals().errors().delta());
  }

  @Test
  void aChangedOutputAndAFailedSpanAreChanges() {
    TraceDiff d = TraceDiff.between(trace(RUN), trace("research=blue", "  plan", "    search=a", "    search=B", "    chat!", "  answer=blue"));
    assertFalse(d.equal());
    Row search = d.rows().get(3);
    assertEquals("research/plan[0]/search[1]", search.path());
    assertEquals(Change.CHANGED, search.change());
    assertTrue(search.outputChanged());
    assertFalse(search.statusChanged());
    Row chat = d.rows().get(4);
    assertTrue(chat.statusChanged());
    assertEquals(Change.CHANGED, chat.change());
    assertEquals(2, d.count(Change.CHANGED));
    assertEquals(1, d.totals().errors().delta());
  }

  @Test
  void aSubtreeAddedInTheMiddleLeavesItsSiblingsAligned() {
    TraceDiff d = TraceDiff.between(trace(RUN),
        trace("research=blue", "  plan", "    search=a", "    verify", "      fetch=x", "      fetch=y", "    search=b", "    chat=sum", "  answer=blue"));
    assertEquals(List.of(
        "research same",
        "  research/plan[0] same",
        "    research/plan[0]/search[0] same",
        "    research/plan[0]/verify[0] added",
        "      research/plan[0]/verify[0]/fetch[0] added",
        "      research/plan[0]/verify[0]/fetch[1] added",
        "    research/plan[0]/search[1] same",
        "    research/plan[0]/chat[0] same",
        "  research/answer[0] same"), describe(d));
    assertFalse(d.equal());
    Row verify = d.rows().get(3);
    assertNull(verify.a());
    assertEquals(10.0, verify.durationDeltaMs(), "an added span's delta is its own value");
  }

  @Test
  void repeatedNamesMatchInOrderAndTheExtraOnesAreRemoved() {
    TraceDiff d = TraceDiff.between(trace("r", "  search=a", "  search=b", "  search=c", "  plan", "    x"), trace("r", "  search=a", "  search=b"));
    assertEquals(List.of(
        "r same",
        "  r/search[0] same",
        "  r/search[1] same",
        "  r/search[2] removed",
        "  r/plan[0] removed",
        "    r/plan[0]/x[0] removed"), describe(d));
    assertEquals(-10.0, d.rows().get(3).durationDeltaMs());
    assertEquals(-3, d.totals().spans().delta());
  }

  @Test
  void reorderedSiblingsOfDifferentNamesStillPair() {
    TraceDiff d = TraceDiff.between(trace("r", "  a=1", "  b=2"), trace("r", "  b=2", "  a=1"));
    assertTrue(d.equal());
    assertEquals(List.of("r same", "  r/a[0] same", "  r/b[0] same"), describe(d));
  }

  @Test
  void callsFannedOutInParallelPairByTheirArgumentsWhateverOrderTheyStarted() {
    // A replay of a parallel search: the same three calls, started in another order.
    TraceDiff d = TraceDiff.between(
        trace("r", "  search(tides)=moon", "  search(sky)=blue", "  search(sea)=salt"),
        trace("r", "  search(sky)=blue", "  search(sea)=salt", "  search(tides)=moon"));
    assertTrue(d.equal(), describe(d).toString());
    // Same arguments, other answer: still a change.
    TraceDiff changed = TraceDiff.between(trace("r", "  search(sky)=blue", "  search(sea)=salt"), trace("r", "  search(sea)=salt", "  search(sky)=grey"));
    assertFalse(changed.equal());
    assertEquals(1, changed.count(Change.CHANGED), describe(changed).toString());
  }

  @Test
  void differentRootsAreARemovedAndAnAddedTree() {
    TraceDiff d = TraceDiff.between(trace("one", "  x"), trace("two"));
    assertEquals(List.of("one removed", "  one/x[0] removed", "two added"), describe(d));
  }

  @Test
  void outputsWithoutContentAreNotCompared() {
    Outline metadata = new Outline();
    metadata.policy = CapturePolicy.METADATA_ONLY;
    assertTrue(TraceDiff.between(trace("r=1", "  t=2"), metadata.lines("r", "  t").trace()).equal(), "METADATA_ONLY has nothing to compare");
    assertFalse(TraceDiff.between(trace("r=1", "  t=2"), trace("r=1", "  t")).equal(), "a value against no value is a change");
  }

  @Test
  void aPreviewMatchesTheFullContentItStartsWith() {
    RecordedSpan full = trace("r=" + "x".repeat(300)).spans().get(0);
    String previewText = ("\"" + "x".repeat(300)).substring(0, 100) + "…";
    RecordedSpan preview = withOutput(full, new RecordedContent(previewText, RecordedContent.sha256(previewText), RecordedContent.State.PREVIEW));
    assertTrue(TraceDiff.sameOutput(full, preview));
    assertTrue(TraceDiff.sameOutput(preview, full));
    String otherText = "\"yyy…";
    assertFalse(TraceDiff.sameOutput(full, withOutput(full, new RecordedContent(otherText, RecordedContent.sha256(otherText), RecordedContent.State.PREVIEW))));
    RecordedSpan withheld = withOutput(full, new RecordedContent(null, full.output().hash(), RecordedContent.State.ABSENT));
    assertTrue(TraceDiff.sameOutput(full, withheld), "an export without content still compares by hash");
  }

  private static RecordedSpan withOutput(RecordedSpan s, RecordedContent output) {
    return new RecordedSpan(s.spanId(), s.parentSpanId(), s.name(), s.kind(), s.status(), s.startTime(), s.endTime(), s.durationMs(),
        s.codeNamespace(), s.codeFunction(), s.model(), s.inputTokens(), s.outputTokens(), s.costUsd(), s.errorType(), s.errorMessage(),
        s.attributes(), s.input(), output, CapturePolicy.REDACTED_PREVIEW, s.events());
  }

  @Test
  void tenThousandSiblingsOfOneNameAndATenThousandDeepChainAlignInOnePass() {
    String[] flatA = new String[10_001];
    String[] flatB = new String[10_001];
    flatA[0] = "root";
    flatB[0] = "root";
    for (int i = 1; i <= 10_000; i++) {
      flatA[i] = "  search=" + i;
      flatB[i] = "  search=" + (i == 5_000 ? "changed" : i);
    }
    TraceDiff flat = TraceDiff.between(trace(flatA), trace(flatB));
    assertEquals(10_001, flat.rows().size());
    assertEquals(1, flat.count(Change.CHANGED));
    assertEquals("root/search[4999]", flat.rows().stream().filter(r -> r.change() == Change.CHANGED).findFirst().orElseThrow().path());

    String[] deep = new String[10_000];
    for (int i = 0; i < deep.length; i++) {
      deep[i] = "  ".repeat(i) + "s=" + i;
    }
    TraceDiff chain = TraceDiff.between(trace(deep), trace(deep));
    assertTrue(chain.equal());
    Row deepest = chain.rows().get(9_999);
    assertEquals(9_999, deepest.depth());
    assertTrue(deepest.path().startsWith("…/s[0]/"), "a deep path keeps its deepest segments");
    assertEquals(TraceDiff.MAX_PATH_SEGMENTS, deepest.path().substring(2).split("/").length);
  }
}
