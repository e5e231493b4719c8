package dev.tracewright.runtime.replay;

import dev.tracewright.annotations.CapturePolicy;
import dev.tracewright.annotations.SpanKind;
import dev.tracewright.runtime.ReplayScope;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Re-runs an agent against a recorded trace. Inside
 *
 * <pre>{@code
 * try (Replay replay = Replay.fromFile(Path.of("research.trace.jsonl")).open()) {
 *   agent.research("why is the sky blue?");
 * }
 * }</pre>
 *
 * the generated wrappers of {@code @Tool}, {@code @LlmCall} and {@code @Retrieval} methods return
 * the recorded output (read back into the method's exact return type) or throw the recorded error,
 * without running the method; agents and steps run for real. The replay is attached to the thread
 * that opens it: a trace started on that thread while it is open is replayed, on every thread its
 * context is carried to ({@code Tracewright.wrap}). One replay answers one run: a second run in the
 * same scope finds the recordings already used. The replayed run is recorded as a new trace whose root has
 * the attribute {@code tracewright.replay_of} = the recorded trace's ID. A replay left open ends
 * with the runtime it was opened in: after {@code Tracewright.shutdown()}, runs on its thread are real.
 *
 * <p>Tracewright must be initialised (the replayed run is recorded); the recording must hold the
 * content to return (exported with {@code --content}, captured {@code FULL_LOCAL} or
 * {@code FULL_EXPORTABLE}, under the capture limit).
 */
public final class Replay implements AutoCloseable {
  /** The attribute on the replayed run's root naming the trace it replays. */
  public static final String REPLAY_OF = "tracewright.replay_of";

  private final ReplayEngine engine;
  private final ReplayScope.Attached previous;
  private final boolean failOnUnused;
  private boolean closed;

  private Replay(ReplayEngine engine, boolean failOnUnused) {
    this.engine = engine;
    this.failOnUnused = failOnUnused;
    this.previous = ReplayScope.attach(engine);
  }

  /** A replay of a recorded trace. */
  public static Builder of(RecordedTrace trace) {
    return new Builder(Objects.requireNonNull(trace, "trace"));
  }

  /** A replay of a trace (ID or unique prefix) in the configured H2 store; flushes first. */
  public static Builder ofTrace(String traceIdOrPrefix) {
    Objects.requireNonNull(traceIdOrPrefix, "traceIdOrPrefix");
    try (Connection c = ReplayScope.storeConnection()) {
      return of(RecordedTrace.fromDatabase(c, traceIdOrPrefix));
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read trace " + traceIdOrPrefix + " from the store: " + e.getMessage(), e);
    }
  }

  /** A replay of the only trace in a file written by {@code tracewright export --format jsonl --content}. */
  public static Builder fromFile(Path jsonl) {
    return of(RecordedTrace.fromFile(jsonl));
  }

  /** One recorded output replaced: the {@code n}-th call (from 1) of a call site in the run. */
  record Override(String callSite, int n, Object value) {}

  /** Options; {@link #open()} starts the replay on the calling thread. */
  public static final class Builder {
    private final RecordedTrace trace;
    private Matching matching = Matching.STRICT;
    private MismatchPolicy onMismatch = MismatchPolicy.FAIL;
    private Set<SpanKind> kinds = EnumSet.of(SpanKind.TOOL, SpanKind.LLM, SpanKind.RETRIEVAL);
    private final List<Override> overrides = new ArrayList<>();
    private boolean failOnUnused = true;

    private Builder(RecordedTrace trace) {
      this.trace = trace;
    }

    /**
     * {@link Matching#STRICT} (default, as {@code @ReplayTrace}'s: a call whose arguments changed is
     * a mismatch) or {@link Matching#ORDERED} (by call site and order only: for arguments that hold
     * timestamps or random IDs, or a run driven with other input on purpose).
     */
    public Builder matching(Matching matching) {
      this.matching = Objects.requireNonNull(matching, "matching");
      return this;
    }

    /** {@link MismatchPolicy#FAIL} (default) or {@link MismatchPolicy#LIVE}. */
    public Builder onMismatch(MismatchPolicy policy) {
      this.onMismatch = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /** The kinds answered from the recording (default TOOL, LLM, RETRIEVAL); the others run for real. */
    public Builder kinds(SpanKind... kinds) {
      this.kinds = kinds.length == 0 ? EnumSet.noneOf(SpanKind.class) : EnumSet.of(kinds[0], kinds);
      return this;
    }

    /**
     * A what-if: the {@code n}-th call (counting from 1, over the whole run) of {@code callSite}
     * returns {@code value} instead of its recording. {@code callSite} is the span name, the method
     * name, {@code SimpleClass#method} or {@code com.acme.Class#method}. For an asynchronous method,
     * {@code value} is the future's value.
     */
    public Builder override(String callSite, int n, Object value) {
      Objects.requireNonNull(callSite, "callSite");
      if (n < 1) {
        throw new IllegalArgumentException("n counts calls from 1: " + n);
      }
      overrides.add(new Override(callSite, n, value));
      return this;
    }

    /** Whether recordings never called fail {@link Replay#close()} under FAIL (default true). */
    public Builder failOnUnused(boolean fail) {
      this.failOnUnused = fail;
      return this;
    }

    /**
     * Starts replaying on this thread.
     *
     * @throws UnreplayableTraceException a recording the replay would need lacks its content
     * @throws IllegalStateException Tracewright is not initialised
     */
    public Replay open() {
      if (!ReplayScope.recording()) {
        throw new IllegalStateException("Tracewright is not initialised: call Tracewright.init(...) before opening a replay (the replayed run is recorded)");
      }
      Recordings recordings = new Recordings(trace, kinds);
      refuseWithoutContent(recordings);
      return new Replay(new ReplayEngine(trace, recordings, kinds, matching, onMismatch, List.copyOf(overrides)), failOnUnused);
    }

    private void refuseWithoutContent(Recordings recordings) {
      List<String> ids = new ArrayList<>();
      StringBuilder why = new StringBuilder();
      for (RecordedSpan s : recordings.answerable()) {
        String reason = missingContent(s);
        if (reason != null) {
          ids.add(s.spanId());
          why.append("\n  ").append(s.spanId()).append(' ').append(s.kind()).append(' ').append(s.name()).append(": ").append(reason);
        }
      }
      if (!ids.isEmpty()) {
        throw new UnreplayableTraceException(
            "trace " + trace.traceId() + " cannot be replayed: " + ids.size() + " span(s) lack the content a replay returns"
                + " (record with FULL_LOCAL and export with --content)" + why,
            ids);
      }
    }

    /** Why a recording cannot answer its call, or null. An error needs no output; a void method has none. */
    private String missingContent(RecordedSpan s) {
      if (matching == Matching.STRICT && (s.input().state() == RecordedContent.State.PREVIEW || s.input().state() == RecordedContent.State.TRUNCATED)) {
        return "its arguments are a " + s.input().state().name().toLowerCase(java.util.Locale.ROOT) + ", which STRICT cannot compare";
      }
      if (s.isError()) {
        return null;
      }
      if (s.capturePolicy() == CapturePolicy.METADATA_ONLY) {
        return "captured METADATA_ONLY (no output)";
      }
      return switch (s.output().state()) {
        case PREVIEW -> "only a preview of its output was kept";
        case TRUNCATED -> "its output was cut at the capture limit";
        case FULL -> null;
        // Nothing captured under a full policy is a void method; a hash without content is an export without --content.
        case ABSENT -> s.output().hash() == null ? null : "its output was left out of the export (export with --content)";
      };
    }
  }

  /** The recorded trace's ID. */
  public String sourceTraceId() {
    return engine.sourceTraceId();
  }

  /** The mismatches so far (each also thrown from its call under FAIL). */
  public List<String> mismatches() {
    return engine.mismatches();
  }

  /** The recordings of the replayed kinds not called so far. */
  public List<RecordedSpan> unused() {
    return engine.unused();
  }

  /**
   * Ends the replay on this thread. Under FAIL, throws a {@link ReplayMismatchException} listing
   * every mismatch (even those the agent caught) and, unless turned off, every unused recording.
   */
  @java.lang.Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    ReplayScope.detach(engine, previous);
    List<String> problems = engine.close(failOnUnused);
    if (!problems.isEmpty()) {
      throw new ReplayMismatchException("Replay of trace " + engine.sourceTraceId() + " did not follow its recording:\n  " + String.join("\n  ", problems));
    }
  }
}
