package dev.tracewright.runtime.store;

import dev.tracewright.runtime.capture.LogSafe;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
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
 * the database); it stops on a marker put into the queue. It survives anything the sink throws: a
 * failing batch is retried with backoff for the retry window (items stay queued meanwhile), then
 * counted as failed; while the sink keeps failing, each later batch gets one attempt per backoff
 * period, so recording resumes by itself when the sink recovers. If memory runs out while writing,
 * the batch's content is dropped and the batch written without it. Should the thread die anyway,
 * a new one takes over.
 *
 * <p>Items count as persisted only once the sink's {@code sync} succeeded after their write: a
 * commit that never reached the disk is not persisted.
 *
 * <p>When the queue does not block, it keeps a {@linkplain #reserve() reserve} beyond its capacity
 * that only {@link #offerReserved} may fill: the items that close a trace (its root span) still
 * find room while a burst of ordinary items overflows it, so a trace is not left running for ever.
 *
 * @param <T> what application threads hand over (a finished span)
 */
public final class AsyncWriter<T> {

  /** Runs on the writer thread only. */
  public interface Sink<T> {
    void write(List<T> items) throws Exception;

    void sync() throws Exception;

    /**
     * Writes items again whose earlier write was committed but never confirmed by a sync (the
     * connection died in between): the sink must accept items it may already hold.
     */
    default void rewrite(List<T> items) throws Exception {
      write(items);
    }

    /** Bytes of content the item holds against the {@link ContentBudget} (0: none). */
    default long contentBytes(T item) {
      return 0;
    }

    /** Memory ran out while writing: replaces the item's content with a marker; false if it had none. */
    default boolean dropContent(T item) {
      return false;
    }
  }

  /**
   * How the writer queues, batches and retries.
   *
   * @param retryWindow how long a failing batch is retried (items stay queued) before it counts as failed
   * @param budget the content budget items were reserved against, released as they leave; or null
   */
  public record Options(
      int capacity, int maxBatch, boolean blockWhenFull, Duration linger, Duration retryWindow, ContentBudget budget) {
    public Options {
      if (capacity < 1 || maxBatch < 1) {
        throw new IllegalArgumentException("capacity and maxBatch must be positive");
      }
      Objects.requireNonNull(linger, "linger");
      Objects.requireNonNull(retryWindow, "retryWindow");
    }

    public static Options of(int capacity, int maxBatch, boolean blockWhenFull) {
      return new Options(capacity, maxBatch, blockWhenFull, Duration.ZERO, DEFAULT_RETRY_WINDOW, null);
    }

    public Options linger(Duration linger) {
      return new Options(capacity, maxBatch, blockWhenFull, linger, retryWindow, budget);
    }

    public Options retryWindow(Duration window) {
      return new Options(capacity, maxBatch, blockWhenFull, linger, window, budget);
    }

    public Options budget(ContentBudget budget) {
      return new Options(capacity, maxBatch, blockWhenFull, linger, retryWindow, budget);
    }
  }

  /**
   * Counters; {@code offered = persisted + dropped + failed + queued + unsynced (+ one batch in flight)}.
   *
   * @param unsynced written to the sink, not yet confirmed durable by a sync
   * @param lastError the sink's most recent failure (type and message), or null
   */
  public record Counts(long offered, long persisted, long dropped, long failed, int queued, long unsynced, String lastError) {}

  static final Duration DEFAULT_RETRY_WINDOW = Duration.ofMillis(200);
  private static final System.Logger LOG = System.getLogger("dev.tracewright");
  private static final long FIRST_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
  private static final long MAX_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(1);
  /** Under steady load, written items are synced (and counted persisted) at least this often. */
  private static final long SYNC_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
  private static final int MAX_ERROR_TEXT = 300;
  private static final int MIN_RESERVE = 16;

  private final String threadName;
  private final BlockingQueue<Object> queue;
  private final int capacity;
  private final int reserve;
  private final int maxBatch;
  private final boolean blockWhenFull;
  private final long lingerNanos;
  private final long retryWindowNanos;
  private final ContentBudget budget; // null: items carry no budgeted content
  private final long maxBatchContentBytes;
  private final Sink<T> sink;
  private volatile Thread thread;
  /** False once the writer thread died uncontained; read on the drop path instead of the (native) isAlive. */
  private volatile boolean writerAlive;

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
  private volatile boolean finished; // the stop marker was handled
  private volatile long unsynced; // written by the writer thread only
  private volatile String lastError;

  // Writer thread only (a replacement thread takes them over after the previous one died).
  private final List<Object> drained;
  private int drainedDone; // how many of drained were handled
  private final List<T> batch;
  private long batchBytes;
  /** Written since the last sync, kept to be written again should the sync fail; their budget is held until then. */
  private final List<T> written = new ArrayList<>();
  private long writtenBytes;
  private boolean failing;
  private boolean syncFailing;
  private long backoffNanos = FIRST_BACKOFF_NANOS;
  private long nextAttemptNanos;
  private long lastSyncNanos = System.nanoTime();
  private long lossesAtLastMarker;

  public AsyncWriter(String threadName, int capacity, int maxBatch, boolean blockWhenFull, Sink<T> sink) {
    this(threadName, Options.of(capacity, maxBatch, blockWhenFull), sink);
  }

  /**
   * @param linger how long to wait for more items after the first before writing (fewer, larger
   *     batches, as exporters want); a flush or stop ends the wait at once
   */
  public AsyncWriter(String threadName, int capacity, int maxBatch, boolean blockWhenFull, Duration linger, Sink<T> sink) {
    this(threadName, Options.of(capacity, maxBatch, blockWhenFull).linger(linger), sink);
  }

  public AsyncWriter(String threadName, Options options, Sink<T> sink) {
    this.threadName = threadName;
    this.capacity = options.capacity();
    // Blocking offers wait for room anyway; a dropping queue keeps an eighth more for trace closings.
    this.reserve = options.blockWhenFull() ? 0 : Math.max(MIN_RESERVE, capacity / 8);
    this.queue = new ArrayBlockingQueue<>(capacity + reserve);
    this.maxBatch = options.maxBatch();
    this.blockWhenFull = options.blockWhenFull();
    this.lingerNanos = options.linger().toNanos();
    this.retryWindowNanos = options.retryWindow().toNanos();
    this.budget = options.budget();
    // A quarter of the budget per write: converting a batch briefly needs a few times its content.
    this.maxBatchContentBytes = budget == null ? Long.MAX_VALUE : Math.max(1, budget.limit() / 4);
    this.drained = new ArrayList<>(maxBatch);
    this.batch = new ArrayList<>(maxBatch);
    this.sink = sink;
    startThread();
  }

  private void startThread() {
    Thread t = new TracewrightThread(this::run, threadName);
    thread = t;
    t.start();
    writerAlive = true;
  }

  /** Starts a new writer thread if the current one died (it never should). */
  private void ensureWriter() {
    if (writerAlive || finished) {
      return;
    }
    Thread t = thread;
    if (!t.isAlive()) {
      synchronized (this) {
        if (thread == t && !t.isAlive()) {
          try {
            startThread();
          } catch (Throwable e) { // no memory for a thread now: the next offer or flush tries again
            if (!(e instanceof OutOfMemoryError)) {
              rethrowIfFatalError(e);
            }
          }
        }
      }
    }
  }

  /** Hands an item to the writer. Never throws; returns false when the item was dropped. */
  public boolean offer(T item) {
    if (!stopping && enqueued.get() - dequeued < capacity && queue.offer(item)) {
      enqueued.incrementAndGet();
      return true;
    }
    ensureWriter(); // the slow path only: a full queue is where a dead writer would show
    if (blockWhenFull && !stopping && putBlocking(item)) {
      return true;
    }
    drop(item);
    return false;
  }

  /**
   * Hands over an item that closes a trace: like {@link #offer}, but under {@code DROP} it may also
   * take the reserve kept beyond the capacity, so it is dropped only if the reserve is full too.
   */
  public boolean offerReserved(T item) {
    if (!stopping && !blockWhenFull && queue.offer(item)) {
      enqueued.incrementAndGet();
      return true;
    }
    return offer(item);
  }

  /** Room kept beyond the capacity for {@link #offerReserved} (none when offers block). */
  public int reserve() {
    return reserve;
  }

  private boolean putBlocking(T item) {
    try {
      while (!stopping) {
        if (queue.offer(item, 50, TimeUnit.MILLISECONDS)) {
          enqueued.incrementAndGet();
          return true;
        }
        ensureWriter();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // the caller's interrupt is theirs to see
    }
    return false;
  }

  private void drop(T item) {
    dropped.increment();
    release(item);
    if (!dropWarned.get() && dropWarned.compareAndSet(false, true)) { // a read first: no CAS per drop
      LOG.log(
          Level.WARNING,
          "Tracewright queue is full (capacity {0}): dropping spans until the writer catches up;"
              + " Tracewright.stats() counts them",
          capacity);
    }
  }

  private void release(T item) {
    if (budget != null) {
      budget.release(sink.contentBytes(item));
    }
  }

  /**
   * Waits until everything offered before this call is written and synced. Returns true only if it
   * is, and no item offered since the previous flush was lost (dropped, or failed in the sink).
   */
  public boolean flush(Duration timeout) {
    return awaitMarker(new Marker(false), timeout);
  }

  /**
   * Writes what is queued, syncs, and stops the writer thread. Returns false if that did not finish
   * in time (a hung store); the thread is a daemon and is left to die with the JVM.
   */
  public boolean shutdown(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Marker stop = new Marker(true);
    awaitMarker(stop, timeout);
    boolean done = stop.done.getCount() == 0;
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
    if (finished) {
      return false;
    }
    ensureWriter();
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      // Markers wait for room even under DROP: flush is an explicit, blocking request.
      if (!queue.offer(marker, timeout.toNanos(), TimeUnit.NANOSECONDS)) {
        return false;
      }
      markers.incrementAndGet();
      enqueued.incrementAndGet();
      return marker.done.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS) && marker.durable;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  public Counts counts() {
    long droppedNow = dropped.sum();
    long accepted = enqueued.get() - markers.get();
    return new Counts(accepted + droppedNow, persisted.get(), droppedNow, failed.get(), queue.size(), unsynced, lastError);
  }

  private void run() {
    boolean clean = false;
    try {
      abandonLeftovers();
      while (!finished) {
        try {
          drainOnce();
        } catch (Throwable t) { // a failure outside the sink (memory, most likely): contain it, carry on
          abandonLeftovers();
          noteFailure("Tracewright writer contained a failure", t);
        }
      }
      // Items that raced with the stop marker are written too: nothing accepted is lost.
      queue.drainTo(drained);
      dequeued += drained.size(); // only this thread writes it
      handleDrained();
      syncWritten();
      clean = true;
    } finally {
      if (!clean) {
        writerAlive = false;
        restartAfterDeath();
      }
    }
  }

  /** This thread is dying of something not even the loop could contain: hand over to a new one. */
  private void restartAfterDeath() {
    synchronized (this) {
      if (thread == Thread.currentThread() && !finished) {
        try {
          startThread();
        } catch (Throwable e) { // offer and flush try again
          if (!(e instanceof OutOfMemoryError)) {
            rethrowIfFatalError(e);
          }
        }
      }
    }
  }

  /** What a failed iteration (or a dead thread) left half done: counted as failed, waiters released. */
  private void abandonLeftovers() {
    List<Marker> waiting = new ArrayList<>(1);
    for (int i = drainedDone; i < drained.size(); i++) {
      Object o = drained.get(i);
      if (o instanceof Marker marker) {
        waiting.add(marker);
      } else {
        batch.add(item(o));
      }
    }
    drained.clear();
    drainedDone = 0;
    failed.addAndGet(batch.size());
    for (T item : batch) {
      release(item);
    }
    batch.clear();
    batchBytes = 0;
    failWritten();
    if (!waiting.isEmpty()) {
      lossesAtLastMarker = failed.get() + dropped.sum(); // these flushes report the losses
      for (Marker marker : waiting) {
        marker.finish(false);
        finished |= marker.stop;
      }
    }
  }

  private void drainOnce() {
    Object first;
    try {
      first = queue.poll(unsynced > 0 ? 100 : 200, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      return; // nobody should interrupt this thread; keep the store safe and carry on
    }
    if (first == null) {
      if (!written.isEmpty()) {
        syncWritten(); // idle: confirm what was written
      }
      return;
    }
    drained.add(first);
    queue.drainTo(drained, maxBatch - 1);
    linger(drained);
    dequeued += drained.size(); // only this thread writes it
    handleDrained();
    // Synced at least every second, and before what waits for it holds more than a queue's worth.
    if (unsynced > 0
        && (System.nanoTime() - lastSyncNanos >= SYNC_INTERVAL_NANOS || written.size() >= capacity || writtenBytes > maxBatchContentBytes)) {
      syncWritten();
    }
    if (queue.size() < capacity / 2) {
      dropWarned.set(false); // the overflow episode is over; warn again on the next one
    }
  }

  private void handleDrained() {
    for (; drainedDone < drained.size(); drainedDone++) {
      Object o = drained.get(drainedDone);
      if (o instanceof Marker marker) {
        writeBatch();
        boolean synced = syncWritten();
        long losses = failed.get() + dropped.sum();
        boolean lossless = losses == lossesAtLastMarker;
        lossesAtLastMarker = losses;
        marker.finish(synced && lossless);
        finished |= marker.stop;
      } else {
        T item = item(o);
        long bytes = budget == null ? 0 : sink.contentBytes(item);
        if (!batch.isEmpty() && batchBytes + bytes > maxBatchContentBytes) {
          writeBatch(); // bound the content one write holds
        }
        batch.add(item);
        batchBytes += bytes;
      }
    }
    writeBatch();
    drained.clear();
    drainedDone = 0;
  }

  @SuppressWarnings("unchecked") // only offer(T) puts non-markers in the queue
  private T item(Object o) {
    return (T) o;
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

  /** Writes the batch (retrying as the class describes); it then waits for the next sync. */
  private void writeBatch() {
    if (batch.isEmpty()) {
      return;
    }
    boolean ok = false;
    try {
      ok = writeWithRetries(batch, false);
    } finally { // also when something threw past the retries: the batch is then failed
      if (ok) {
        written.addAll(batch);
        writtenBytes += batchBytes;
        unsynced = written.size();
      } else {
        failed.addAndGet(batch.size());
        batch.forEach(this::release);
      }
      batch.clear();
      batchBytes = 0;
    }
  }

  /** Writes {@code items}, retrying as the class describes; false once it gave up on them. */
  private boolean writeWithRetries(List<T> items, boolean again) {
    long started = System.nanoTime();
    boolean contentDropped = false;
    while (true) {
      if (failing) {
        awaitNextAttempt();
      }
      Throwable error;
      try {
        if (again) {
          sink.rewrite(items);
        } else {
          sink.write(items);
        }
        if (failing) {
          failing = false;
          backoffNanos = FIRST_BACKOFF_NANOS;
          logQuietly("Tracewright store recovered; writing spans again"); // the batch is written, whatever the log does
        }
        return true;
      } catch (OutOfMemoryError e) {
        if (!contentDropped) {
          contentDropped = true;
          dropContent(items); // and write the spans without it at once
          continue;
        }
        error = e;
      } catch (Throwable t) {
        error = t;
      }
      lastError = describe(error);
      if (failing || stopping || System.nanoTime() - started >= retryWindowNanos) {
        enterFailing(error);
        return false;
      }
      LockSupport.parkNanos(backoffNanos);
      backoffNanos = Math.min(backoffNanos * 2, MAX_BACKOFF_NANOS);
    }
  }

  private void dropContent(List<T> items) {
    for (T item : items) {
      long bytes = sink.contentBytes(item);
      if (sink.dropContent(item)) {
        if (budget != null) {
          budget.release(bytes);
          budget.countDropped();
        }
      }
    }
    if (items == batch) {
      batchBytes = 0;
    }
  }

  /** While the sink is failing, at most one attempt per backoff period (growing to a second). */
  private void awaitNextAttempt() {
    long wait;
    while (!stopping && (wait = nextAttemptNanos - System.nanoTime()) > 0) {
      LockSupport.parkNanos(wait);
    }
    backoffNanos = Math.min(backoffNanos * 2, MAX_BACKOFF_NANOS);
    nextAttemptNanos = System.nanoTime() + backoffNanos;
  }

  private void enterFailing(Throwable error) {
    nextAttemptNanos = System.nanoTime() + backoffNanos;
    if (!failing) {
      failing = true;
      noteFailure("Tracewright store failed; spans are counted as failed until it recovers", error);
    }
  }

  /**
   * Syncs what was written since the last sync; only then does it count as persisted. If the sync
   * fails, the commits may have died with the connection: the items are written once more (the
   * sink accepts repeats) and synced again; what still fails then counts as failed.
   */
  private boolean syncWritten() {
    for (int round = 0; ; round++) {
      try {
        sink.sync();
        persisted.addAndGet(written.size());
        syncFailing = false;
        lastSyncNanos = System.nanoTime();
        written.forEach(this::release);
        written.clear();
        writtenBytes = 0;
        unsynced = 0;
        return true;
      } catch (Throwable t) {
        lastError = describe(t);
        if (!failing && !syncFailing) {
          syncFailing = true;
          noteFailure("Tracewright store could not sync; writing what it held since the last sync again", t);
        }
        if (round > 0 || written.isEmpty() || stopping || !writeWithRetries(written, true)) {
          failWritten();
          return false;
        }
      }
    }
  }

  /** What was written since the last sync is given up: counted failed, its budget freed. */
  private void failWritten() {
    failed.addAndGet(written.size());
    written.forEach(this::release);
    written.clear();
    writtenBytes = 0;
    unsynced = 0;
  }

  private static void logQuietly(String message) {
    try {
      LOG.log(Level.INFO, message);
    } catch (RuntimeException | LinkageError | OutOfMemoryError e) {
      // a broken logging setup must not turn a written batch into a failed one
    }
  }

  private void noteFailure(String what, Throwable t) {
    lastError = describe(t);
    LOG.log(Level.WARNING, what + ": " + lastError, LogSafe.scrub(t));
  }

  /** The store's error for logs and stats: redacted (it may quote values a user's code put in it), capped. */
  private static String describe(Throwable t) {
    String text = LogSafe.describe(t);
    return text.length() <= MAX_ERROR_TEXT ? text : text.substring(0, MAX_ERROR_TEXT) + "...";
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
    volatile boolean durable;

    Marker(boolean stop) {
      this.stop = stop;
    }

    void finish(boolean durable) {
      this.durable = durable;
      done.countDown();
    }
  }
}
