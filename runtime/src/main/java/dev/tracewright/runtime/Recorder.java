package dev.tracewright.runtime;

import dev.tracewright.runtime.capture.PricingTable;

import dev.tracewright.annotations.CapturePolicy;
import dev.tracewright.runtime.capture.Captured;
import dev.tracewright.runtime.capture.ContentCapture;
import dev.tracewright.runtime.capture.ContentProcessor;
import dev.tracewright.runtime.capture.LogSafe;
import dev.tracewright.runtime.capture.PricingTable;
import dev.tracewright.runtime.context.Traceparent;
import dev.tracewright.runtime.export.ExportBatch;
import dev.tracewright.runtime.export.ExportPipeline;
import dev.tracewright.runtime.store.AsyncWriter;
import dev.tracewright.runtime.store.BlobRecord;
import dev.tracewright.runtime.store.ContentBudget;
import dev.tracewright.runtime.store.EventRecord;
import dev.tracewright.runtime.store.SpanRecord;
import dev.tracewright.runtime.store.TraceStore;
import dev.tracewright.runtime.store.WriteBatch;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The initialised runtime: starts spans on application threads and hands ended ones to the writer.
 * Everything called from application threads catches its own failures: tracing never changes what
 * the user's method returns or throws.
 */
final class Recorder {
  private static final System.Logger LOG = System.getLogger("dev.tracewright");

  final TraceConfig config;
  /**
   * How long the writer waits for a fuller batch (a flush or shutdown does not wait). H2 file
   * stores write a chunk per commit (see H2Store#fileUrl), and each chunk rewrites every index page
   * its spans touch: at an agent's pace of 1,000 spans a second, a commit per few spans made the
   * file grow by 26 KB a span, against 6 KB with a commit at most every 250 ms (DiskUse).
   */
  static final Duration STORE_LINGER = Duration.ofMillis(250);

  private final ContentCapture capture;
  private final ContentBudget budget;
  private final AsyncWriter<LiveSpan> writer;
  private final java.util.function.Consumer<LiveSpan> offer = this::offer; // one instance, not one per span
  private final ExportPipeline exports; // null without exporters
  private final LongAdder sampledOut = new LongAdder();
  private final LongAdder internalErrors = new LongAdder();
  private final Set<String> reportedFailures = ConcurrentHashMap.newKeySet();
  /**
   * Traces that lost a span to the full queue after their root ended: the writer writes their row
   * again (with the count of dropped spans; final, also when the root's own end was the span lost).
   * Bounded by the queue's capacity; past it, such a trace keeps the row it has.
   */
  private final ConcurrentLinkedQueue<RootSpan> rowsOwed = new ConcurrentLinkedQueue<>();
  private final AtomicInteger rowsOwedCount = new AtomicInteger();

  Recorder(TraceConfig config) {
    this.config = config;
    this.capture = new ContentCapture(config.maxContentBytes());
    this.budget = new ContentBudget(config.queuedContentBytes());
    TraceStore store = config.store();
    SpanConverter converter = new SpanConverter(new ContentProcessor(config.redactor(), config.previewChars()));
    this.exports = config.exporters().isEmpty() ? null : new ExportPipeline(config.exporters(), 256, budget);
    Retention retention = config.retention() == null ? null : new Retention(config.retention(), store);
    this.writer =
        new AsyncWriter<>(
            "tracewright-writer",
            AsyncWriter.Options.of(config.queueCapacity(), config.batchSize(), config.overflowPolicy() == OverflowPolicy.BLOCK)
                .retryWindow(config.storeRetryTimeout())
                .linger(STORE_LINGER)
                .budget(budget),
            new AsyncWriter.Sink<>() {
              @Override
              public void write(List<LiveSpan> items) throws Exception {
                WriteBatch batch = converter.convert(items, owedRows());
                store.write(batch);
                if (exports != null) {
                  exportBatch(batch);
                }
                if (retention != null) {
                  retention.afterWrite();
                }
              }

              @Override
              public void rewrite(List<LiveSpan> items) throws Exception {
                store.write(converter.convert(items, List.of())); // the exporters already have these
              }

              @Override
              public void sync() throws Exception {
                List<RootSpan> owed = owedRows();
                if (!owed.isEmpty()) { // also when no span follows the drop: a flush writes the row
                  store.write(converter.convert(List.of(), owed));
                }
                store.sync();
              }

              @Override
              public long contentBytes(LiveSpan span) {
                return ContentDrop.bytes(span);
              }

              @Override
              public boolean dropContent(LiveSpan span) {
                return ContentDrop.drop(span, ContentDrop.OUT_OF_MEMORY);
              }
            });
  }

  /**
   * Hands the stored batch to the exporters. Content goes along only for spans whose policy exports
   * it, and only within the content budget (the export queue holds it until sent).
   */
  private void exportBatch(WriteBatch batch) {
    Map<String, List<EventRecord>> events = new HashMap<>();
    batch.events().forEach(e -> events.computeIfAbsent(e.spanId(), k -> new ArrayList<>()).add(e));
    Set<String> exportable = new HashSet<>();
    for (SpanRecord s : batch.spans()) {
      if (s.capturePolicy() == CapturePolicy.FULL_EXPORTABLE) {
        addIfPresent(exportable, s.inputRef());
        addIfPresent(exportable, s.outputRef());
      }
    }
    Map<String, String> content = new HashMap<>();
    long bytes = 0;
    for (BlobRecord b : batch.blobs()) {
      if (exportable.contains(b.hash()) && !content.containsKey(b.hash())) {
        content.put(b.hash(), new String(b.content(), StandardCharsets.UTF_8));
        bytes += b.content().length;
      }
    }
    if (bytes > 0 && !budget.tryReserve(bytes)) {
      content.clear(); // the spans go without their content rather than not at all
      bytes = 0;
      budget.countDropped();
    }
    exports.offer(new ExportBatch(config.serviceName(), config.resourceAttributes(), batch.spans(), events, content::get, config.genAiConventions()), bytes);
  }

  private static void addIfPresent(Set<String> set, String value) {
    if (value != null) {
      set.add(value);
    }
  }

  /** A generated method was called. */
  TracedCall begin(TracedCall.Site site) {
    try {
      SpanStack stack = SpanStack.get();
      if (stack.capturing) {
        return NoopSpan.INSTANCE; // called by a getter while we serialize another call's arguments
      }
      return LiveSpan.start(this, site, policy(site.capture), stack.top(), null, stack, true);
    } catch (Throwable t) {
      internalError("begin", t);
      return NoopSpan.INSTANCE;
    }
  }

  /** A span started by hand, possibly continuing a trace from another process. */
  ActiveSpan start(SpanBuilder b, boolean makeCurrent) {
    try {
      SpanStack stack = SpanStack.get();
      if (stack.capturing) {
        return NoopSpan.INSTANCE; // started by a getter while we serialize another call's arguments
      }
      // A captured span of this runtime, or a valid remote parent, wins; else the current span, or a new trace.
      LiveSpan captured = b.context == null ? null : b.context.live(this);
      Traceparent remote = captured != null || b.parent == null ? null : Traceparent.parse(b.parent).orElse(null);
      LiveSpan local = captured != null ? captured : remote != null ? null : stack.top();
      TracedCall.Site site = TracedCall.Site.imperative(b.codeNamespace, b.codeFunction, b.name, b.kind, b.capture, b.model, b.provider);
      LiveSpan span = LiveSpan.start(this, site, policy(b.capture), local, remote, stack, makeCurrent);
      b.attributes.forEach(span::attribute);
      if (!b.inputLabels.isEmpty() && span.capturesContent()) {
        span.input(b.inputLabels.toArray(String[]::new), b.inputValues.toArray());
      }
      return span;
    } catch (Throwable t) {
      internalError("span", t);
      return NoopSpan.INSTANCE;
    }
  }

  private CapturePolicy policy(CapturePolicy requested) {
    return requested == CapturePolicy.DEFAULT ? config.capturePolicy() : requested;
  }

  /** @param stack the calling thread's span stack */
  Captured captureArguments(ContentCapture.Keys names, Object[] values, SpanStack stack) {
    boolean outer = !stack.capturing;
    stack.capturing = true;
    try {
      return capture.arguments(names, values);
    } catch (OutOfMemoryError e) { // our copy of a huge value did not fit: the call goes on without it
      budget.countDropped();
      return ContentDrop.OUT_OF_MEMORY;
    } catch (Throwable t) {
      internalError("capture", t);
      return null;
    } finally {
      if (outer) {
        stack.capturing = false;
      }
    }
  }

  Captured captureValue(Object value) {
    SpanStack stack = SpanStack.get();
    boolean outer = !stack.capturing;
    stack.capturing = true;
    try {
      return capture.value(value);
    } catch (OutOfMemoryError e) { // our copy of a huge value did not fit: the call goes on without it
      budget.countDropped();
      return ContentDrop.OUT_OF_MEMORY;
    } catch (Throwable t) {
      internalError("capture", t);
      return null;
    } finally {
      if (outer) {
        stack.capturing = false;
      }
    }
  }

  /**
   * Hands an ended span to the writer. Content is weighed against the budget here, only when there
   * is some: a METADATA_ONLY span costs two field reads, no atomic and no allocation more.
   */
  private void offer(LiveSpan span) {
    if (span.input != null || span.output != null) {
      reserveContent(span);
    }
    // The span closing a trace of several spans may take the queue's reserve: a burst of its children
    // must not leave the trace running for ever. (A trace of one span is dropped whole or not at all.)
    boolean closes = span.writesTrace && span.root.spansMoreThanItself();
    boolean accepted = closes ? writer.offerReserved(span) : writer.offer(span); // releases the reservation if dropped
    if (!accepted) {
      if (span == span.root) { // it may wait for its row a while: without content it weighs little
        span.input = null;
        span.output = null;
      }
      if (span.root.dropped()) {
        if (rowsOwedCount.incrementAndGet() <= config.queueCapacity()) {
          rowsOwed.add(span.root);
        } else {
          rowsOwedCount.decrementAndGet();
        }
      }
    }
  }

  /** Writer thread: the traces owed a row since the last call. */
  private List<RootSpan> owedRows() {
    if (rowsOwed.isEmpty()) {
      return List.of();
    }
    List<RootSpan> owed = new ArrayList<>();
    for (RootSpan r; (r = rowsOwed.poll()) != null; ) {
      rowsOwedCount.decrementAndGet();
      owed.add(r);
    }
    return owed;
  }

  private void reserveContent(LiveSpan span) {
    long bytes = ContentDrop.bytes(span);
    if (bytes > 0 && !budget.tryReserve(bytes)) {
      ContentDrop.drop(span, ContentDrop.OVER_BUDGET);
      budget.countDropped();
    }
  }

  /** A span ended (on whatever thread ended it). */
  void ended(LiveSpan span, long endNanoTime, String[] error, Captured output) {
    try {
      int out = span.root.end(span, endNanoTime, error, output, offer);
      if (out > 0) {
        sampledOut.add(out);
      }
    } catch (Throwable t) {
      internalError("end", t);
    }
  }

  /**
   * Cost from the pricing table when tokens and model are known and the call set no cost; none for
   * a call a replay answered (its tokens are the recording's, and no model was paid).
   */
  void price(LiveSpan span) {
    if (Double.isNaN(span.costUsd()) && span.inputTokens() >= 0 && span.model != null && !span.answeredFromRecording()) {
      double cost = config.pricing().cost(span.model, usage(span.inputTokens(), span.outputTokens(), span.attributes));
      if (!Double.isNaN(cost)) {
        span.computedCost(cost);
      }
    }
  }

  /** The OpenTelemetry GenAI attributes an integration records cache and reasoning token counts in. */
  static final String CACHE_READ = "gen_ai.usage.cache_read.input_tokens";
  static final String CACHE_WRITE = "gen_ai.usage.cache_creation.input_tokens";
  static final String REASONING = "gen_ai.usage.reasoning.output_tokens";

  /**
   * A call's token counts: input and output from the span, cache reads, cache writes and reasoning
   * from its attributes (counts included in input and output, see {@link PricingTable}).
   */
  static PricingTable.Usage usage(long input, long output, Map<String, ?> attributes) {
    if (attributes == null || attributes.isEmpty()) {
      return PricingTable.Usage.of(input, Math.max(0, output));
    }
    return new PricingTable.Usage(input, Math.max(0, output),
        count(attributes.get(CACHE_READ)), count(attributes.get(CACHE_WRITE)), count(attributes.get(REASONING)));
  }

  private static long count(Object value) {
    if (value instanceof Number n) {
      return Math.max(0, n.longValue());
    }
    if (value instanceof String s) {
      try {
        return Math.max(0, Long.parseLong(s.trim()));
      } catch (NumberFormatException e) {
        return 0;
      }
    }
    return 0;
  }

  /** A failure of tracing on an application thread: counted, logged once, never thrown into the call. */
  void internalError(String where, Throwable t) {
    if (!(t instanceof OutOfMemoryError)) { // ours to absorb: tracing must not hand the call an OOM
      AsyncWriter.rethrowIfFatalError(t);
    }
    internalErrors.increment();
    try {
      if (reportedFailures.add(where + ":" + t.getClass().getName())) {
        LOG.log(Level.WARNING, "Tracewright contained a failure in " + where + "; the traced call goes on", LogSafe.scrub(t));
      }
    } catch (Throwable logging) { // logging needs memory too; the count above is what matters
      if (!(logging instanceof OutOfMemoryError)) {
        AsyncWriter.rethrowIfFatalError(logging);
      }
    }
  }

  /** Durable in the store; exports follow asynchronously (a slow collector must not stall flush). */
  boolean flush(Duration timeout) {
    return writer.flush(timeout);
  }

  /** Stops the writer and closes the store; false if the store did not finish in time. */
  boolean shutdown(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    boolean stored = writer.shutdown(timeout);
    if (stored) {
      try {
        config.store().close(); // the writer is done with it, whatever the exporters do
      } catch (Throwable t) {
        AsyncWriter.rethrowIfFatalError(t);
        LOG.log(Level.WARNING, "Tracewright store did not close cleanly", LogSafe.scrub(t));
      }
    } else {
      LOG.log(Level.WARNING, "Tracewright writer did not finish within {0}; unwritten spans are lost", timeout);
    }
    boolean exported = exports == null || exports.shutdown(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
    if (!exported) {
      LOG.log(Level.WARNING, "Tracewright exporters did not finish within {0}; the spans are in the local store", timeout);
    }
    return stored && exported;
  }

  TraceStats stats() {
    AsyncWriter.Counts c = writer.counts();
    return new TraceStats(
        c.offered(),
        c.persisted(),
        c.dropped(),
        c.failed(),
        sampledOut.sum(),
        c.queued(),
        internalErrors.sum(),
        budget.dropped(),
        c.unsynced(),
        c.lastError());
  }
}
