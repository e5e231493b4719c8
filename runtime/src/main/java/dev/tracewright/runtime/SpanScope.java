package dev.tracewright.runtime;

/**
 * A span made the current span of one thread by {@link Tracewright#makeCurrent}, until closed. Close
 * it on the thread that opened it (try-with-resources, or the framework hook that ends the work).
 */
public interface SpanScope extends AutoCloseable {

  /** Gives the thread back the current span it had before; later calls do nothing. Never throws. */
  @Override
  void close();
}
