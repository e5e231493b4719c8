package dev.tracewright.runtime.replay;

import dev.tracewright.annotations.SpanKind;
import dev.tracewright.runtime.ReplayHook;
import dev.tracewright.runtime.TracedCall;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Answers the calls of a replayed trace from its recording: claims recordings in call order at each
 * span's start, and at the call decides between the recorded answer, an override, a mismatch, or
 * running live. Synchronized: a replayed run may fan out to several threads.
 */
final class ReplayEngine implements ReplayHook {
  private final RecordedTrace trace;
  private final Recordings recordings;
  private final Set<SpanKind> kinds;
  private final Matching matching;
  private final MismatchPolicy policy;
  private final List<Replay.Override> overrides;
  private final RecordedValues values = new RecordedValues();

  private final Map<Recordings.Key, Integer> calls = new HashMap<>();
  private final Map<String, Integer> callsPerSite = new HashMap<>();
  private final Set<String> used = new HashSet<>();
  private final Map<Recordings.Key, OpenGroup> open = new HashMap<>();
  private final List<String> mismatches = new ArrayList<>();
  private boolean closed;
  private int runs; // traces started inside the replay; it answers one

  /** The ticket of a call that started after close. */
  private static final Object AFTER_CLOSE = new Object();

  /** A claimed call: its group, and its number in that group and in the run (from 1). */
  private record Ticket(Recordings.Key key, int n, int nthOfSite) {}

  ReplayEngine(RecordedTrace trace, Recordings recordings, Set<SpanKind> kinds, Matching matching, MismatchPolicy policy, List<Replay.Override> overrides) {
    this.trace = trace;
    this.recordings = recordings;
    this.kinds = kinds;
    this.matching = matching;
    this.policy = policy;
    this.overrides = overrides;
  }

  @Override
  public String sourceTraceId() {
    return trace.traceId();
  }

  @Override
  public synchronized Object path(Object parentPath, String name) {
    return recordings.path((SpanPaths.Node) parentPath, name);
  }

  @Override
  public synchronized Object claim(TracedCall.Site site, Object parentPath) {
    if (parentPath == null) {
      runs++;
    }
    if (!kinds.contains(site.kind())) {
      return null;
    }
    if (closed) {
      // A call of the replayed run that starts after close (a task the agent left running) must
      // not reach the real tool or model under FAIL: it fails instead.
      return policy == MismatchPolicy.FAIL && site.answerable() ? AFTER_CLOSE : null;
    }
    Recordings.Key key = new Recordings.Key((SpanPaths.Node) parentPath, CallSite.of(site));
    int n = calls.merge(key, 1, Integer::sum);
    int nthOfSite = callsPerSite.merge(key.callSite(), 1, Integer::sum);
    if (!site.answerable()) {
      RecordedSpan recording = recordings.get(key, n);
      if (recording != null) {
        used.add(recording.spanId()); // a hand-made span runs live in its recording's place
      }
      return null;
    }
    return new Ticket(key, n, nthOfSite);
  }

  @Override
  public Answer answer(Object ticket, TracedCall.Site site, String redactedInput) {
    if (ticket == AFTER_CLOSE) {
      return RecordedAnswer.mismatch(new ReplayMismatchException("Replay of trace " + trace.traceId() + ": " + CallSite.describe(site)
          + " started after the replay was closed; it does not run for real (MismatchPolicy.FAIL)"));
    }
    Ticket t = (Ticket) ticket;
    for (Replay.Override o : overrides) {
      if (o.n() == t.nthOfSite() && CallSite.named(o.callSite(), site)) {
        return RecordedAnswer.value(o.value(), take(t, redactedInput));
      }
    }
    RecordedSpan r = take(t, redactedInput);
    if (r == null) {
      int recorded = recordings.count(t.key());
      String what = recorded == 0 ? "the recording has no such call there" : "the recording's " + recorded + " such call(s) there are all answered already";
      return mismatch(site, t, what + secondRun());
    }
    if (matching == Matching.STRICT && r.input().json() != null) {
      String difference =
          redactedInput == null
              ? "this run did not capture the arguments (its capture policy is METADATA_ONLY), so they cannot be compared"
              : values.difference(r.input().json(), redactedInput);
      if (difference != null) {
        return mismatch(site, t, "its arguments differ from recorded span " + r.spanId() + ": " + difference);
      }
    }
    if (r.isError()) {
      return RecordedAnswer.error(RecordedErrors.rebuild(r.errorType(), r.errorMessage(), site), r);
    }
    if (site.isVoid()) {
      return RecordedAnswer.value(null, r);
    }
    if (!r.output().isFull()) {
      return mismatch(site, t, "recorded span " + r.spanId() + " has no output to return (" + r.output().state() + "): " + whyNoOutput(r));
    }
    try {
      return RecordedAnswer.value(values.read(r.output().json(), site.returnType()), r);
    } catch (Exception e) {
      return mismatch(
          site,
          t,
          "the output of recorded span " + r.spanId() + " cannot be read as " + site.returnType().getTypeName() + ": "
              + RecordedValues.shown(String.valueOf(e.getMessage()).lines().findFirst().orElse("")));
    }
  }

  /**
   * The recording that answers a call: of its group's recordings not yet taken, the first whose
   * arguments equal the call's (so calls fanned out in parallel find theirs whatever order they
   * start in), else the n-th, else the first left; null when none is left.
   */
  private synchronized RecordedSpan take(Ticket t, String redactedInput) {
    OpenGroup group = open.computeIfAbsent(t.key(), k -> new OpenGroup(recordings.group(k), values));
    RecordedSpan chosen = redactedInput == null ? null : group.withArguments(values.argumentsKey(redactedInput), used);
    if (chosen == null) {
      chosen = group.nth(t.n(), used);
    }
    if (chosen == null) {
      chosen = group.first(used);
    }
    if (chosen != null) {
      used.add(chosen.spanId());
    }
    return chosen;
  }

  private synchronized String secondRun() {
    return runs > 1
        ? " (this is run " + runs + " inside one replay, which answers the one recorded run: open a new Replay for each run)"
        : "";
  }

  private static String whyNoOutput(RecordedSpan r) {
    if (r.output().state() == RecordedContent.State.ABSENT && r.output().hash() != null) {
      return "the file was exported without --content";
    }
    return r.output().state() == RecordedContent.State.ABSENT
        ? "nothing was captured: a @NoCapture result, or a method that returned void when it was recorded"
        : "only " + r.output().state().name().toLowerCase(java.util.Locale.ROOT) + " content was kept";
  }

  /** FAIL: the call throws (and close() reports it); LIVE: null, so the call runs for real. */
  private Answer mismatch(TracedCall.Site site, Ticket t, String what) {
    if (policy == MismatchPolicy.LIVE) {
      return null;
    }
    String message =
        "Replay of trace " + trace.traceId() + ": call " + t.n() + " of " + CallSite.describe(site) + " under "
            + (t.key().parentPath() == null ? "(root)" : t.key().parentPath().text()) + ": " + what;
    synchronized (this) {
      mismatches.add(message);
    }
    return RecordedAnswer.mismatch(new ReplayMismatchException(message));
  }

  /** Stops answering; returns what went wrong (mismatches, then unused recordings if asked). */
  synchronized List<String> close(boolean reportUnused) {
    closed = true;
    List<String> problems = new ArrayList<>(mismatches);
    if (reportUnused && policy == MismatchPolicy.FAIL) {
      for (RecordedSpan s : recordings.answerable()) {
        if (!used.contains(s.spanId())) {
          problems.add(
              "recorded span " + s.spanId() + " (" + s.kind() + " " + s.name() + ", " + CallSite.of(s) + ", under "
                  + parentPathOf(s) + ") was never called");
        }
      }
    }
    return problems;
  }

  private String parentPathOf(RecordedSpan s) {
    SpanPaths.Node parent = recordings.path(s).parent;
    return parent == null ? "(root)" : parent.text();
  }

  synchronized List<String> mismatches() {
    return List.copyOf(mismatches);
  }

  synchronized List<RecordedSpan> unused() {
    return recordings.answerable().stream().filter(s -> !used.contains(s.spanId())).toList();
  }
}
