package dev.tracewright.runtime.store;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * A bounded queue drained by one writer thread in batches. Application threads only ever
 * {@link #offer}; every slow or failing thing happens on the writer thread.
 *
 * <p>The writer thread is never interrupted (an interrupted H2 file channel can close and corrupt
 * the database); it stops on a marker put into the queue. It survives anything the sink throws:
 * a batch is retried twice, then counted as failed, and one warning is logged per failure episode.
 *
 * @param <T> what application threads hand over (a finished span)
 */
public final class AsyncWriter<T> {

  /** Runs on the writer thread only. */
  public interface Sink<T> {
    void write(List<T> items) throws Exception;

    void sync() throws Exception;
  }

  /** Counters; {@code offered = persisted + dropped + failed + queued (+ one batch in flight)}. */
  public record Counts(long offered, long persisted, long dropped, long failed, int queued) {}

  private static final System.Logger LOG = System.getLogger("dev.tracewright");
  private static final long[] RETRY_BACKOFF_NANOS = {
    TimeUnit.MILLISECONDS.toNanos(10), TimeUnit.MILLISECONDS.toNanos(100)
  };

  private final BlockingQueue<Object> queue;
  private final int capacity;
  private final int maxBatch;
  private final boolean blockWhenFull;
  private final long lingerNanos;
  private final Sink<T> sink;
  private final Thread thread;

  private final LongAdder dropped = new LongAdder();
  private final AtomicLong persisted = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicBoolean dropWarned = new AtomicBoolean();
  /**
   * Everything ever put in the queue (items and markers) and everything the writer took out: their
   * difference is seen without taking the queue's lock, and {@code offered} is derived from them, so
   * an accepted item costs one atomic increment and a dropped one none beyond its count.
   */
  private final AtomicLong enqueued = new AtomicLong();
  private final AtomicLong markers = new AtomicLong();
  private volatile long dequeued; // written by the writer thread only
  private volatile boolean stopping;
  private boolean failing; // writer thread only

  public AsyncWriter(String threadName, int capacity, int maxBatch, boolean blockWhenFull, Sink<T> sink) {
    this(threadName, capacity, maxBatch, blockWhenFull, Duration.ZERO, sink);
  }

  /**
   * @param linger how long to wait for more items after the first before writing (fewer, larger
   *     batches, as exporters want); a flush or stop ends the wait at once
   */
  public AsyncWriter(String threadName, int capacity, int maxBatch, boolean blockWhenFull, Duration linger, Sink<T> sink) {
    if (capacity < 1 || maxBatch < 1) {
      throw new IllegalArgumentException("capacity and maxBatch must be positive");
    }
    this.capacity = capacity;
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.maxBatch = maxBatch;
    this.blockWhenFull = blockWhenFull;
    this.lingerNanos = linger.toNanos();
    this.sink = sink;
    this.thread = new Thread(this::run, threadName);
    thread.setDaemon(true); // a hung store must never keep the JVM alive
    thread.start();
  }

  /** Hands an item to the writer. Never throws; returns false when the item was dropped. */
  public boolean offer(T item) {
    if (!stopping && enqueued.get() - dequeued < capacity && queue.offer(item)) {
      enqueued.incrementAndGet();
      return true;
    }
    if (blockWhenFull && !stopping && putBlocking(item)) {
      return true;
    }
    drop();
    return false;
  }

  private boolean putBlocking(T item) {
    try {
      while (!stopping) {
        if (queue.offer(item, 50, TimeUnit.MILLISECONDS)) {
          enqueued.incrementAndGet();
          return true;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // the caller's interrupt is theirs to see
    }
    return false;
  }

  private void drop() {
    dropped.increment();
    if (!dropWarned.get() && dropWarned.compareAndSet(false, true)) { // a read first: no CAS per drop
      LOG.log(
          Level.WARNING,
          "Tracewright queue is full (capacity {0}): dropping spans until the writer catches up;"
              + " Tracewright.stats() counts them",
          capacity);
    }
  }

  /** Waits until everything offered before this call is written and synced. */
  public boolean flush(Duration timeout) {
    return awaitMarker(new Marker(false), timeout);
  }

  /**
   * Writes what is queued, syncs, and stops the writer thread. Returns false if that did not finish
   * in time (a hung store); the thread is a daemon and is left to die with the JVM.
   */
  public boolean shutdown(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    boolean done = awaitMarker(new Marker(true), timeout);
    stopping = true;
    if (done) {
      try {
        thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return done && !thread.isAlive();
  }

  private boolean awaitMarker(Marker marker, Duration timeout) {
    if (!thread.isAlive()) {
      return false;
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      // Markers wait for room even under DROP: flush is an explicit, blocking request.
      if (!queue.offer(marker, timeout.toNanos(), TimeUnit.NANOSECONDS)) {
        return false;
      }
      markers.incrementAndGet();
      enqueued.incrementAndGet();
      return marker.done.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  public Counts counts() {
    long droppedNow = dropped.sum();
    long accepted = enqueued.get() - markers.get();
    return new Counts(accepted + droppedNow, persisted.get(), droppedNow, failed.get(), queue.size());
  }

  private void run() {
    List<Object> drained = new ArrayList<>(maxBatch);
    List<T> batch = new ArrayList<>(maxBatch);
    boolean stop = false;
    while (!stop) {
      Object first;
      try {
        first = queue.poll(200, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        continue; // nobody should interrupt this thread; keep the store safe and carry on
      }
      if (first == null) {
        continue;
      }
      drained.add(first);
      queue.drainTo(drained, maxBatch - 1);
      linger(drained);
      dequeued += drained.size(); // only this thread writes it
      for (Object o : drained) {
        if (o instanceof Marker marker) {
          write(batch);
          syncQuietly();
          marker.done.countDown();
          stop |= marker.stop;
        } else {
          @SuppressWarnings("unchecked") // only offer(T) puts non-markers in the queue
          T item = (T) o;
          batch.add(item);
        }
      }
      write(batch);
      drained.clear();
      if (queue.size() < capacity / 2) {
        dropWarned.set(false); // the overflow episode is over; warn again on the next one
      }
    }
    // Items that raced with the stop marker are written too: nothing accepted is lost.
    queue.drainTo(drained);
    dequeued += drained.size(); // only this thread writes it
    for (Object o : drained) {
      if (o instanceof Marker marker) {
        marker.done.countDown();
      } else {
        @SuppressWarnings("unchecked")
        T item = (T) o;
        batch.add(item);
      }
    }
    write(batch);
    syncQuietly();
  }

  /** Waits up to the linger time for a fuller batch, unless a marker (flush, stop) is waiting. */
  private void linger(List<Object> drained) {
    if (lingerNanos <= 0) {
      return;
    }
    long deadline = System.nanoTime() + lingerNanos;
    while (drained.size() < maxBatch && drained.stream().noneMatch(o -> o instanceof Marker)) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return;
      }
      try {
        Object next = queue.poll(left, TimeUnit.NANOSECONDS);
        if (next != null) {
          drained.add(next);
          queue.drainTo(drained, maxBatch - drained.size());
        }
      } catch (InterruptedException e) {
        return; // never interrupted on purpose; write what we have
      }
    }
  }

  private void write(List<T> batch) {
    if (batch.isEmpty()) {
      return;
    }
    Throwable last = null;
    for (int attempt = 0; attempt <= RETRY_BACKOFF_NANOS.length; attempt++) {
      try {
        sink.write(batch);
        persisted.addAndGet(batch.size());
        if (failing) {
          failing = false;
          LOG.log(Level.INFO, "Tracewright store recovered; writing spans again");
        }
        batch.clear();
        return;
      } catch (Throwable t) {
        rethrowIfFatalError(t);
        last = t;
        if (attempt < RETRY_BACKOFF_NANOS.length) {
          LockSupport.parkNanos(RETRY_BACKOFF_NANOS[attempt]);
        }
      }
    }
    failed.addAndGet(batch.size());
    batch.clear();
    if (!failing) {
      failing = true;
      LOG.log(
          Level.WARNING,
          "Tracewright store failed; spans are counted as failed until it recovers: " + describe(last),
          last);
    }
  }

  private void syncQuietly() {
    try {
      sink.sync();
    } catch (Throwable t) {
      rethrowIfFatalError(t);
      if (!failing) {
        failing = true;
        LOG.log(Level.WARNING, "Tracewright store could not sync: " + describe(t), t);
      }
    }
  }

  private static String describe(Throwable t) {
    return t.getClass().getName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
  }

  /** Only errors the JVM cannot recover from escape; a StackOverflowError in a store does not. */
  public static void rethrowIfFatalError(Throwable t) {
    if (t instanceof VirtualMachineError && !(t instanceof StackOverflowError)) {
      throw (VirtualMachineError) t;
    }
  }

  private static final class Marker {
    final CountDownLatch done = new CountDownLatch(1);
    final boolean stop;

    Marker(boolean stop) {
      this.stop = stop;
    }
  }
}
