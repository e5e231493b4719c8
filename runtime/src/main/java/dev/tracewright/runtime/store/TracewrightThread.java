package dev.tracewright.runtime.store;

/**
 * A thread of Tracewright itself (the writer, the exporters). Nothing is recorded on it: a store or
 * exporter that calls traced code must not feed spans back into the queue it is draining.
 */
public final class TracewrightThread extends Thread {
  TracewrightThread(Runnable task, String name) {
    super(task, name);
    setDaemon(true); // a hung store must never keep the JVM alive
  }

  /** Whether the calling thread is one of Tracewright's own. */
  public static boolean isCurrent() {
    return Thread.currentThread() instanceof TracewrightThread;
  }
}
