package dev.tracewright.runtime.export;

import dev.tracewright.runtime.capture.LogSafe;
import dev.tracewright.runtime.store.AsyncWriter;
import dev.tracewright.runtime.store.ContentBudget;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Exporters on their own thread, fed after each stored batch: a slow or failing collector never
 * delays the store or the agent. When the export queue is full, batches are dropped and counted.
 * One exporter failing does not stop the others; each logs once per failure episode, through
 * {@link LogSafe} (an exporter's error may quote its URL or what the receiver answered).
 */
public final class ExportPipeline {
  private static final System.Logger LOG = System.getLogger("dev.tracewright");
  /** Collects store batches this long before sending, as OpenTelemetry's batch processor does. */
  static final Duration LINGER = Duration.ofSeconds(1);

  private final List<SpanExporter> exporters;
  private final AsyncWriter<Pending> writer;
  private final ContentBudget budget; // null: batches carry no budgeted content

  /** A batch waiting to be exported, with the content bytes it holds against the budget. */
  private record Pending(ExportBatch batch, long contentBytes) {}
  private final Map<SpanExporter, Boolean> failing = new ConcurrentHashMap<>();

  public ExportPipeline(List<SpanExporter> exporters, int capacity) {
    this(exporters, capacity, null);
  }

  /** @param budget what queued batches' content was reserved against (released once sent), or null */
  public ExportPipeline(List<SpanExporter> exporters, int capacity, ContentBudget budget) {
    this.exporters = List.copyOf(exporters);
    this.budget = budget;
    AsyncWriter.Options options = AsyncWriter.Options.of(capacity, 64, false).linger(LINGER).budget(budget);
    this.writer = new AsyncWriter<>("tracewright-export", options, new AsyncWriter.Sink<>() {
      @Override
      public void write(List<Pending> pending) {
        // one request per linger window, not per store batch
        exportToAll(ExportBatch.merge(pending.stream().map(Pending::batch).toList()));
      }

      @Override
      public void sync() {}

      @Override
      public long contentBytes(Pending p) {
        return p.contentBytes();
      }
    });
  }

  private void exportToAll(ExportBatch batch) {
    for (SpanExporter exporter : exporters) {
      try {
        exporter.export(batch);
        if (failing.remove(exporter) != null) {
          LOG.log(Level.INFO, "Tracewright exporter " + name(exporter) + " recovered");
        }
      } catch (Throwable t) {
        AsyncWriter.rethrowIfFatalError(t);
        if (t instanceof InterruptedException) {
          Thread.interrupted(); // nobody interrupts this thread on purpose; keep exporting
        }
        if (failing.put(exporter, Boolean.TRUE) == null) {
          LOG.log(Level.WARNING, "Tracewright exporter " + name(exporter) + " failed; spans stay in the local store: " + LogSafe.describe(t));
        }
      }
    }
  }

  /** The exporter as a log shows it: its own toString (user code, maybe a URL), made safe. */
  private static String name(SpanExporter exporter) {
    try {
      return LogSafe.text(String.valueOf(exporter));
    } catch (Throwable t) {
      AsyncWriter.rethrowIfFatalError(t);
      return exporter.getClass().getName();
    }
  }

  public void offer(ExportBatch batch) {
    offer(batch, 0);
  }

  /** @param contentBytes content the batch holds, already reserved against the budget */
  public void offer(ExportBatch batch, long contentBytes) {
    writer.offer(new Pending(batch, budget == null ? 0 : contentBytes));
  }

  public boolean flush(Duration timeout) {
    return writer.flush(timeout);
  }

  /** Exports what is queued, then closes the exporters; false if that took longer than {@code timeout}. */
  public boolean shutdown(Duration timeout) {
    boolean clean = writer.shutdown(timeout);
    if (clean) {
      for (SpanExporter e : exporters) {
        try {
          e.close();
        } catch (Throwable t) {
          AsyncWriter.rethrowIfFatalError(t);
          LOG.log(Level.WARNING, "Tracewright exporter " + name(e) + " did not close cleanly: " + LogSafe.describe(t));
        }
      }
    }
    return clean;
  }
}
