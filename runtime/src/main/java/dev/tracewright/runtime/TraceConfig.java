package dev.tracewright.runtime;

import dev.tracewright.annotations.CapturePolicy;
import dev.tracewright.runtime.capture.PatternRedactor;
import dev.tracewright.runtime.capture.PricingTable;
import dev.tracewright.runtime.capture.Redactor;
import dev.tracewright.runtime.store.ContentBudget;
import dev.tracewright.runtime.store.TraceStore;
import java.time.Duration;
import dev.tracewright.runtime.export.GenAiConventions;
import dev.tracewright.runtime.export.SpanExporter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything {@link Tracewright#init} needs. Built with {@link #builder()}; the builder fails fast on
 * a bad value (a negative capacity, a null store) so mistakes surface at start-up, not in a trace.
 */
public final class TraceConfig {
  private final TraceStore store;
  private final CapturePolicy capturePolicy;
  private final Redactor redactor;
  private final Sampler sampler;
  private final String serviceName;
  private final GenAiConventions genAiConventions;
  private final Map<String, String> resourceAttributes;
  private final int queueCapacity;
  private final int batchSize;
  private final OverflowPolicy overflowPolicy;
  private final PricingTable pricing;
  private final int maxContentBytes;
  private final int previewChars;
  private final Duration shutdownTimeout;
  private final List<SpanExporter> exporters;
  private final Duration retention;
  private final long queuedContentBytes;
  private final Duration storeRetryTimeout;

  private TraceConfig(Builder b, PricingTable pricing) {
    this.store = b.store;
    this.capturePolicy = b.capturePolicy;
    this.redactor = b.redactor != null ? b.redactor : b.redaction ? b.rules.build() : Redactor.none();
    this.sampler = b.sampler;
    this.serviceName = b.serviceName;
    this.genAiConventions = b.genAiConventions;
    this.resourceAttributes = Map.copyOf(b.resourceAttributes);
    this.queueCapacity = b.queueCapacity;
    this.batchSize = b.batchSize;
    this.overflowPolicy = b.overflowPolicy;
    this.pricing = pricing;
    this.maxContentBytes = b.maxContentBytes;
    this.previewChars = b.previewChars;
    this.shutdownTimeout = b.shutdownTimeout;
    this.exporters = List.copyOf(b.exporters);
    this.retention = b.retention;
    this.queuedContentBytes = b.queuedContentBytes > 0 ? b.queuedContentBytes : ContentBudget.defaultLimit();
    this.storeRetryTimeout = b.storeRetryTimeout;
  }

  public static Builder builder() {
    return new Builder();
  }

  public TraceStore store() {
    return store;
  }

  public CapturePolicy capturePolicy() {
    return capturePolicy;
  }

  public Redactor redactor() {
    return redactor;
  }

  public Sampler sampler() {
    return sampler;
  }

  public String serviceName() {
    return serviceName;
  }

  /** The GenAI semantic conventions version exporters name attributes in. */
  public GenAiConventions genAiConventions() {
    return genAiConventions;
  }

  public Map<String, String> resourceAttributes() {
    return resourceAttributes;
  }

  public int queueCapacity() {
    return queueCapacity;
  }

  public int batchSize() {
    return batchSize;
  }

  public OverflowPolicy overflowPolicy() {
    return overflowPolicy;
  }

  public PricingTable pricing() {
    return pricing;
  }

  public int maxContentBytes() {
    return maxContentBytes;
  }

  public int previewChars() {
    return previewChars;
  }

  public Duration shutdownTimeout() {
    return shutdownTimeout;
  }

  public List<SpanExporter> exporters() {
    return exporters;
  }

  /** How long traces are kept, or null to keep them until pruned by hand. */
  public Duration retention() {
    return retention;
  }

  public long queuedContentBytes() {
    return queuedContentBytes;
  }

  public Duration storeRetryTimeout() {
    return storeRetryTimeout;
  }

  public static final class Builder {
    private TraceStore store;
    private CapturePolicy capturePolicy = CapturePolicy.FULL_LOCAL;
    private boolean redaction = true;
    private final PatternRedactor.Builder rules = PatternRedactor.builder().withDefaults();
    private Redactor redactor;
    private Sampler sampler = Sampler.always();
    private String serviceName = defaultServiceName();
    private GenAiConventions genAiConventions = GenAiConventions.configured();
    private final Map<String, String> resourceAttributes = new LinkedHashMap<>();
    private int queueCapacity = 8192;
    private int batchSize = 512;
    private OverflowPolicy overflowPolicy = OverflowPolicy.DROP;
    private PricingTable pricing;
    private final List<java.nio.file.Path> pricingFiles = new ArrayList<>();
    private int maxContentBytes = 1024 * 1024;
    private int previewChars = 512;
    private Duration shutdownTimeout = Duration.ofSeconds(5);
    private final List<SpanExporter> exporters = new ArrayList<>();
    private Duration retention;
    private long queuedContentBytes; // 0: ContentBudget.defaultLimit()
    private Duration storeRetryTimeout = Duration.ofSeconds(10);

    private Builder() {}

    /**
     * Deletes whole traces older than {@code maxAge} (spans, events, blobs nothing else uses), on the
     * writer thread, a few hundred traces per transaction, at most once a minute unless behind.
     * Default: keep everything (prune by hand with {@code tracewright prune --older-than 30d}).
     */
    public Builder retention(Duration maxAge) {
      Objects.requireNonNull(maxAge, "maxAge");
      if (maxAge.isNegative() || maxAge.isZero()) {
        throw new IllegalArgumentException("retention must be positive: " + maxAge);
      }
      this.retention = maxAge;
      return this;
    }

    /**
     * Captured content waiting to be written (and exported), at most this many bytes; default
     * min(64 MiB, max heap / 16). Over it a span is still recorded, with a marker in place of its
     * content, and counted in {@code Tracewright.stats().contentDropped()}.
     */
    public Builder queuedContentBytes(long bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("queuedContentBytes must be positive: " + bytes);
      }
      this.queuedContentBytes = bytes;
      return this;
    }

    /**
     * How long a batch the store refuses is retried, with backoff, before its spans count as failed
     * (default 10 s). It covers a database another process is handing over (H2 AUTO_SERVER) or a
     * connection being re-established; the spans wait in the queue meanwhile.
     */
    public Builder storeRetryTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative()) {
        throw new IllegalArgumentException("storeRetryTimeout must not be negative");
      }
      this.storeRetryTimeout = timeout;
      return this;
    }

    /**
     * Sends stored spans on, off the application thread: {@code OtlpHttpExporter},
     * {@code JsonlFileExporter}, or your own. Content goes only for FULL_EXPORTABLE spans.
     */
    public Builder exporter(SpanExporter exporter) {
      exporters.add(Objects.requireNonNull(exporter, "exporter"));
      return this;
    }

    /** Where spans go (required): {@code H2Store}, {@code InMemoryStore} or {@code NullStore}. */
    public Builder store(TraceStore store) {
      this.store = Objects.requireNonNull(store, "store");
      return this;
    }

    /** Policy for spans whose annotation says {@code DEFAULT}; {@code FULL_LOCAL} unless set. */
    public Builder capturePolicy(CapturePolicy policy) {
      Objects.requireNonNull(policy, "policy");
      if (policy == CapturePolicy.DEFAULT) {
        throw new IllegalArgumentException("the runtime's capture policy must be concrete, not DEFAULT");
      }
      this.capturePolicy = policy;
      return this;
    }

    /** Default redaction on or off (on unless set). Off stores secrets as captured. */
    public Builder redaction(boolean enabled) {
      this.redaction = enabled;
      return this;
    }

    /** Adds a redaction rule to the defaults: every match becomes {@code [REDACTED:name]}. */
    public Builder redactionRule(String name, String regex) {
      rules.rule(name, regex);
      return this;
    }

    /** Replaces redaction entirely with this redactor. */
    public Builder redactor(Redactor redactor) {
      this.redactor = Objects.requireNonNull(redactor, "redactor");
      return this;
    }

    public Builder sampler(Sampler sampler) {
      this.sampler = Objects.requireNonNull(sampler, "sampler");
      return this;
    }

    /** {@code service.name} of exported spans and the {@code service_name} of traces. */
    public Builder serviceName(String serviceName) {
      Objects.requireNonNull(serviceName, "serviceName");
      if (serviceName.isBlank()) {
        throw new IllegalArgumentException("serviceName must not be blank");
      }
      this.serviceName = serviceName;
      return this;
    }

    /**
     * The OpenTelemetry GenAI semantic conventions exported spans follow: {@link GenAiConventions#V1_36}
     * by default, {@link GenAiConventions#LATEST} when {@code OTEL_SEMCONV_STABILITY_OPT_IN} (or the
     * system property {@code otel.semconv-stability.opt-in}) lists {@code gen_ai_latest_experimental};
     * this setting wins over both.
     */
    public Builder genAiConventions(GenAiConventions conventions) {
      this.genAiConventions = Objects.requireNonNull(conventions, "conventions");
      return this;
    }

    public Builder resourceAttribute(String key, String value) {
      resourceAttributes.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /** Spans waiting for the writer, at most (default 8192). Bounds memory under any load. */
    public Builder queueCapacity(int capacity) {
      if (capacity < 1) {
        throw new IllegalArgumentException("queueCapacity must be positive: " + capacity);
      }
      this.queueCapacity = capacity;
      return this;
    }

    /** Spans per JDBC batch and transaction (default 512). */
    public Builder batchSize(int batchSize) {
      if (batchSize < 1) {
        throw new IllegalArgumentException("batchSize must be positive: " + batchSize);
      }
      this.batchSize = batchSize;
      return this;
    }

    public Builder overflowPolicy(OverflowPolicy policy) {
      this.overflowPolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * Prices for cost computation; replaces the default table (the bundled prices with
     * {@code tracewright-pricing.json} from the classpath and {@code -Dtracewright.pricing} /
     * {@code TRACEWRIGHT_PRICING} merged over them). Use {@code PricingTable.defaults().with(...)}
     * to extend it, or {@link #pricingFile} to add a file without code.
     */
    public Builder pricing(PricingTable pricing) {
      this.pricing = Objects.requireNonNull(pricing, "pricing");
      return this;
    }

    /**
     * A pricing file (the bundled format, see {@code PricingTable}) merged over the table: its
     * models are added and win over the same models' prices. A file that cannot be read or parsed
     * is logged once, naming it and the problem, and left out; start-up goes on with the other prices.
     */
    public Builder pricingFile(java.nio.file.Path file) {
      pricingFiles.add(Objects.requireNonNull(file, "file"));
      return this;
    }

    /** Captured content per value, at most (default 1 MiB); longer content is truncated with a marker. */
    public Builder maxContentBytes(int bytes) {
      if (bytes < 64) {
        throw new IllegalArgumentException("maxContentBytes must be at least 64: " + bytes);
      }
      this.maxContentBytes = bytes;
      return this;
    }

    /** Length of the preview kept on the span (default 512 characters). */
    public Builder previewChars(int chars) {
      if (chars < 1) {
        throw new IllegalArgumentException("previewChars must be positive: " + chars);
      }
      this.previewChars = chars;
      return this;
    }

    /** How long the JVM shutdown hook waits for the writer (default 5 s). */
    public Builder shutdownTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative()) {
        throw new IllegalArgumentException("shutdownTimeout must not be negative");
      }
      this.shutdownTimeout = timeout;
      return this;
    }

    public TraceConfig build() {
      if (store == null) {
        throw new IllegalStateException("TraceConfig needs a store: H2Store, InMemoryStore or NullStore");
      }
      PricingTable table = pricing != null ? pricing : PricingTable.defaults();
      for (java.nio.file.Path file : pricingFiles) {
        table = table.withFile(file, message -> System.getLogger(TraceConfig.class.getName()).log(System.Logger.Level.WARNING, message));
      }
      return new TraceConfig(this, table);
    }

    private static String defaultServiceName() {
      String fromEnv = System.getenv("OTEL_SERVICE_NAME");
      return fromEnv != null && !fromEnv.isBlank() ? fromEnv : "unknown_service:java";
    }
  }
}
