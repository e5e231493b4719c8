package dev.tracewright.runtime.store;

/**
 * Where finished spans go. Called only from the single writer thread, so implementations need no
 * locking of their own for writes. A store may throw: the writer counts, logs and carries on.
 */
public interface TraceStore extends AutoCloseable {

  /**
   * Persists one batch atomically: all of it or none of it. After a failed {@link #sync} the writer
   * writes the batches since the previous sync again, so a store that syncs must accept rows it
   * may already hold (H2Store merges them).
   */
  void write(WriteBatch batch) throws Exception;

  /**
   * Deletes up to {@code maxTraces} whole traces that started before {@code cutoff} (retention), in
   * one transaction; returns what went. Stores that keep nothing for long delete nothing.
   */
  default TracePruner.Removed prune(java.time.Instant cutoff, int maxTraces) throws Exception {
    return TracePruner.Removed.NONE;
  }

  /** Makes everything written so far durable (survives kill -9 of this JVM). */
  default void sync() throws Exception {}

  /** Releases the store; failures are the store's to log, so closing never throws. */
  @Override
  default void close() {}
}
