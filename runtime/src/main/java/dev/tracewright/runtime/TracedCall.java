package dev.tracewright.runtime;

import dev.tracewright.annotations.CapturePolicy;
import dev.tracewright.annotations.SpanKind;
import dev.tracewright.runtime.capture.ContentCapture;
import dev.tracewright.runtime.replay.ReturnType;
import java.lang.reflect.Type;
import java.util.Arrays;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * The one entry point generated {@code *Traced} code calls; not meant for hand-written code (use
 * {@link Tracewright#span}). Each traced method has a static {@link Site} and does:
 *
 * <pre>{@code
 * TracedCall call = SITE.begin();
 * if (call.capturesInput()) call.input(a, b);   // no capture work unless the policy wants it
 * try {
 *   if (call.replaying()) return call.replayed(); // only inside an open Replay
 *   return call.returned(super.method(a, b));
 * } catch (Throwable e) {
 *   call.threw(e);
 *   throw e;
 * }
 * }</pre>
 *
 * None of these methods throws, and each returns the user's value unchanged.
 */
public abstract class TracedCall {

  TracedCall() {}

  /** Whether {@link #input} wants the arguments; false under {@code METADATA_ONLY}. */
  public abstract boolean capturesInput();

  /** The captured arguments, in the order of {@link Site#parameters}. */
  public abstract void input(Object... arguments);

  public abstract <T> T returned(T value);

  /**
   * As {@link #returned(Object)}, first reading the model and token usage the value reports,
   * unless the call set tokens itself.
   */
  public abstract <T> T returned(T value, UsageReader<? super T> usage);

  public abstract int returned(int value);

  public abstract long returned(long value);

  public abstract double returned(double value);

  public abstract float returned(float value);

  public abstract boolean returned(boolean value);

  public abstract char returned(char value);

  public abstract byte returned(byte value);

  public abstract short returned(short value);

  /** A {@code void} method returned. */
  public abstract void returned();

  /**
   * An asynchronous method returned its future: the span leaves this thread now and ends when the
   * future completes, with its value or exception. Returns the same future instance.
   */
  public abstract <F extends CompletionStage<?>> F returnedFuture(F future);

  /** As {@link #returnedFuture(CompletionStage)}, reading the completed value's usage first. */
  public abstract <T, F extends CompletionStage<T>> F returnedFuture(F future, UsageReader<? super T> usage);

  public abstract void threw(Throwable error);

  /**
   * Whether this call is answered from a recording (inside an open {@code Replay}) instead of
   * running the method. False, at the cost of a field read, outside a replay.
   */
  public abstract boolean replaying();

  /**
   * The recorded answer, after {@link #replaying()} said true: the value read back into the
   * method's return type (a completed future for an asynchronous method; null for {@code void}),
   * or the recorded error (or a {@code ReplayMismatchException}) thrown from here. Ends the span
   * on a value; on an error the generated catch ends it.
   */
  public abstract <T> T replayed();

  public static Site site(Class<?> type, String function, SpanKind kind, String name) {
    return new Site(type, type.getName(), function, kind, name, CapturePolicy.DEFAULT, null, null, new String[0], true, Map.of(), Returns.NONE);
  }

  /** What a replay needs to answer a call without running it: how it returns, into what type. */
  record Returns(Shape shape, Type type, List<Class<?>> declared) {
    static final Returns NONE = new Returns(Shape.NONE, null, List.of());

    enum Shape {
      /** Not replayable (generated before replay existed, or a hand-made span): runs for real. */
      NONE,
      VOID,
      VALUE,
      /** A {@code CompletableFuture} or {@code CompletionStage} of {@link #type}. */
      FUTURE
    }
  }

  /** What the processor knows of one traced method. Immutable; built once in a static field. */
  public static final class Site {
    final String codeNamespace;
    final String codeFunction;
    final SpanKind kind;
    final String name;
    final CapturePolicy capture;
    final String model;
    final String provider;
    final String[] parameters;
    final boolean captureResult;
    final Map<String, String> attributes;
    final Class<?> owner; // null for a hand-made span
    final Returns returns;
    private ContentCapture.Keys parameterKeys; // encoded on first capture; a benign race (immutable)

    private Site(
        Class<?> owner,
        String codeNamespace,
        String function,
        SpanKind kind,
        String name,
        CapturePolicy capture,
        String model,
        String provider,
        String[] parameters,
        boolean captureResult,
        Map<String, String> attributes,
        Returns returns) {
      this.owner = owner;
      this.returns = returns;
      this.codeNamespace = codeNamespace;
      this.codeFunction = function;
      this.kind = Objects.requireNonNull(kind, "kind");
      this.name = Objects.requireNonNull(name, "name");
      this.capture = Objects.requireNonNull(capture, "capture");
      this.model = model;
      this.provider = provider;
      this.parameters = parameters;
      this.captureResult = captureResult;
      this.attributes = attributes;
    }

    ContentCapture.Keys parameterKeys() {
      ContentCapture.Keys keys = parameterKeys;
      if (keys == null) {
        keys = ContentCapture.keys(parameters);
        parameterKeys = keys;
      }
      return keys;
    }

    /** For a hand-made span: the code that started it, or none. */
    static Site imperative(String codeNamespace, String codeFunction, String name, SpanKind kind, CapturePolicy capture, String model, String provider) {
      return new Site(null, codeNamespace, codeFunction, kind, name, capture, model, provider, new String[0], true, Map.of(), Returns.NONE);
    }

    public Site capture(CapturePolicy policy) {
      return new Site(owner, codeNamespace, codeFunction, kind, name, policy, model, provider, parameters, captureResult, attributes, returns);
    }

    public Site model(String model) {
      return new Site(owner, codeNamespace, codeFunction, kind, name, capture, model, provider, parameters, captureResult, attributes, returns);
    }

    public Site provider(String provider) {
      return new Site(owner, codeNamespace, codeFunction, kind, name, capture, model, provider, parameters, captureResult, attributes, returns);
    }

    /** Names of the captured parameters, as written in the source. */
    public Site parameters(String... names) {
      return new Site(owner, codeNamespace, codeFunction, kind, name, capture, model, provider, names.clone(), captureResult, attributes, returns);
    }

    /** The method is {@code @NoCapture}: its return value is never captured. */
    public Site noResultCapture() {
      return new Site(owner, codeNamespace, codeFunction, kind, name, capture, model, provider, parameters, false, attributes, returns);
    }

    public Site attribute(String key, String value) {
      Map<String, String> more = new LinkedHashMap<>(attributes);
      more.put(key, value);
      return new Site(owner, codeNamespace, codeFunction, kind, name, capture, model, provider, parameters, captureResult, Map.copyOf(more), returns);
    }

    /** A {@code void} method: a replay answers it by returning (or throwing the recorded error). */
    public Site returnsVoid() {
      return returning(new Returns(Returns.Shape.VOID, null, returns.declared()));
    }

    /** The method returns a {@code T}: a replay reads the recorded JSON back into that type. */
    public Site returns(ReturnType<?> type) {
      return returning(new Returns(Returns.Shape.VALUE, type.type(), returns.declared()));
    }

    /** The method returns a {@code CompletableFuture<T>} or {@code CompletionStage<T>}. */
    public Site returnsFuture(ReturnType<?> valueType) {
      return returning(new Returns(Returns.Shape.FUTURE, valueType.type(), returns.declared()));
    }

    /** The checked exceptions the method declares: a replay rethrows a recorded one as itself. */
    public Site throwing(Class<?>... declared) {
      return returning(new Returns(returns.shape(), returns.type(), List.of(declared)));
    }

    private Site returning(Returns r) {
      return new Site(owner, codeNamespace, codeFunction, kind, name, capture, model, provider, parameters, captureResult, attributes, r);
    }

    /** Whether a replay can answer this call (its generated code says how it returns). */
    public boolean answerable() {
      return returns.shape() != Returns.Shape.NONE;
    }

    public boolean isVoid() {
      return returns.shape() == Returns.Shape.VOID;
    }

    /** Whether the method returns a {@code CompletableFuture} or {@code CompletionStage}. */
    public boolean isAsync() {
      return returns.shape() == Returns.Shape.FUTURE;
    }

    /** The type a recorded value is read into (a future's value type); null for void or unanswerable. */
    public Type returnType() {
      return returns.type();
    }

    /** Checked exceptions the method declares. */
    public List<Class<?>> declaredExceptions() {
      return returns.declared();
    }

    /** The traced type's class loader (recorded error types are loaded through it), or null. */
    public ClassLoader classLoader() {
      return owner == null ? null : owner.getClassLoader();
    }

    public String codeNamespace() {
      return codeNamespace;
    }

    public String codeFunction() {
      return codeFunction;
    }

    public SpanKind kind() {
      return kind;
    }

    public String name() {
      return name;
    }

    /** Starts the span of one call; a no-op call when Tracewright is not initialised. */
    public TracedCall begin() {
      Recorder recorder = Tracewright.recorder;
      if (recorder == null) {
        UninitializedWarning.once(this);
        return NoopSpan.INSTANCE;
      }
      return recorder.begin(this);
    }

    @Override
    public String toString() {
      return kind + " " + name + " (" + codeNamespace + "#" + codeFunction + Arrays.toString(parameters) + ")";
    }
  }
}
