package dev.tracewright.langchain4j;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.tracewright.runtime.TraceContext;
import java.lang.System.Logger.Level;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The span each open {@code AiServices} invocation runs under, by LangChain4j's invocation ID: the
 * trace context current on the caller's thread when the invocation started. LangChain4j passes that
 * ID to every tool hook and AI-service event, on whatever thread it runs them (its executor for
 * concurrent tools, the HTTP client's thread for a streamed reply); the spans started there look up
 * their parent here instead of trusting the thread.
 *
 * <p>An entry goes when its invocation completes or fails. One whose end never comes (a streaming
 * call with {@code ignoreErrors()} that failed, say) is dropped once {@code capacity} newer ones are
 * open, so the map never grows past that.
 *
 * <p>A model call is told apart from the invocation it belongs to by a hand-over on one thread:
 * LangChain4j fires {@code AiServiceRequestIssuedEvent} just before it calls the model on the same
 * thread, and the model calls the listener's {@code onRequest} before sending; the request is noted
 * here for that thread and taken by the next {@code onRequest} that sends the same messages.
 */
final class InvocationParents {
  private static final System.Logger LOG = System.getLogger(InvocationParents.class.getName());
  /** More AI service invocations open at once in one JVM than any we know of; each entry is small. */
  static final int CAPACITY = 4096;
  /** Every AI service whose builder went through {@link TracewrightTools#trace}. */
  static final InvocationParents SHARED = new InvocationParents(CAPACITY);

  private final int capacity;
  private final Map<UUID, TraceContext> open; // guarded by itself
  private final ThreadLocal<Issued> issued = new ThreadLocal<>();
  private final AtomicBoolean warnedFull = new AtomicBoolean();

  /** A model request that an invocation is about to send from this thread. */
  private record Issued(UUID invocationId, TraceContext parent, List<ChatMessage> messages) {}

  InvocationParents(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be positive: " + capacity);
    }
    this.capacity = capacity;
    this.open = new LinkedHashMap<>(64, 0.75f, false) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<UUID, TraceContext> eldest) {
        if (size() <= InvocationParents.this.capacity) {
          return false;
        }
        warnFull();
        return true;
      }
    };
  }

  /**
   * An invocation started on this thread: its spans go under the current span, if there is one.
   * Nothing is kept for an invocation started outside any span (its spans stay where the thread puts them).
   */
  void started(UUID invocationId, TraceContext parent) {
    if (invocationId == null || parent == null || parent.isEmpty()) {
      return;
    }
    synchronized (open) {
      open.put(invocationId, parent);
    }
  }

  /** The context the invocation's spans go under, or null if it started outside any span. */
  TraceContext parentOf(UUID invocationId) {
    if (invocationId == null) {
      return null;
    }
    synchronized (open) {
      return open.get(invocationId);
    }
  }

  /** The invocation completed or failed: nothing more of it will start. */
  void ended(UUID invocationId) {
    if (invocationId == null) {
      return;
    }
    synchronized (open) {
      open.remove(invocationId);
    }
    Issued pending = issued.get();
    if (pending != null && invocationId.equals(pending.invocationId())) {
      issued.remove();
    }
  }

  /**
   * The invocation is about to send {@code request} to its model from this thread. An invocation not
   * seen starting (its service was built before {@code trace}, or its token stream created outside
   * the span it is started in) is taken to run under this thread's current span, as its start would.
   */
  void requestIssued(UUID invocationId, ChatRequest request, TraceContext current) {
    issued.remove();
    if (invocationId == null || request == null) {
      return;
    }
    TraceContext parent;
    synchronized (open) {
      parent = open.get(invocationId);
      if (parent == null && current != null && !current.isEmpty()) {
        open.put(invocationId, current);
        parent = current;
      }
    }
    if (parent != null) {
      issued.set(new Issued(invocationId, parent, request.messages()));
    }
  }

  /**
   * For a model call starting on this thread: the context of the invocation that issued it just
   * before, or null if none did (a call made outside {@code AiServices}). Taken once either way.
   */
  TraceContext takeIssued(ChatRequest request) {
    Issued pending = issued.get();
    if (pending == null) {
      return null;
    }
    issued.remove();
    // The model copies the list into its final request, not the messages: the same last message, the same call.
    List<ChatMessage> sent = request == null ? null : request.messages();
    if (sent == null || sent.size() != pending.messages().size() || sent.isEmpty()
        || sent.get(sent.size() - 1) != pending.messages().get(sent.size() - 1)) {
      return null;
    }
    return pending.parent();
  }

  int size() {
    synchronized (open) {
      return open.size();
    }
  }

  private void warnFull() {
    if (warnedFull.compareAndSet(false, true)) {
      LOG.log(Level.WARNING, "Tracewright keeps the parent span of at most " + capacity + " open LangChain4j AI service"
          + " invocations; the oldest is forgotten, and its later model turns and tools may start traces of their own."
          + " Either that many run at once, or their end is not reported: a streaming call needs onError(...)"
          + " (not ignoreErrors()) for LangChain4j to report a failure. Logged once.");
    }
  }
}
