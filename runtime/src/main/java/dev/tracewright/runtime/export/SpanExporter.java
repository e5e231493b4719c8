package dev.tracewright.runtime.export;

/**
 * Sends spans somewhere else. Runs on the export thread, after the spans are stored, never on the
 * application's; it may block or throw, which is counted and logged, never seen by the agent.
 */
public interface SpanExporter extends AutoCloseable {
  void export(ExportBatch batch) throws Exception;

  @Override
  default void close() {}
}
