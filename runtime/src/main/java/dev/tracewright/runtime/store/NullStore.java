package dev.tracewright.runtime.store;

/** Discards everything: tracing compiled in, storage switched off at run time. */
public final class NullStore implements TraceStore {
  @Override
  public void write(WriteBatch batch) {}

  @Override
  public String toString() {
    return "NullStore";
  }
}
