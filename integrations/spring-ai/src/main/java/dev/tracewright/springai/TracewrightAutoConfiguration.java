package dev.tracewright.springai;

import dev.tracewright.runtime.Sampler;
import dev.tracewright.runtime.TraceConfig;
import dev.tracewright.runtime.Tracewright;
import dev.tracewright.runtime.store.H2Store;
import dev.tracewright.runtime.store.TraceStore;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import java.nio.file.Path;
import org.springframework.ai.chat.observation.ChatModelObservationContext;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;
import org.springframework.core.env.Environment;

/**
 * Tracewright in a Spring Boot application, with no code: starts recording from {@code tracewright.*}
 * properties and stops (flushing every span) when the context closes; creates beans as their generated
 * {@code *Traced} subclasses; records Spring AI chat-model and tool calls as {@code LLM} and
 * {@code TOOL} spans. Every bean can be replaced by one of the user's own.
 */
@AutoConfiguration(afterName = {
    // Boot's own ObservationRegistry, when present, registers our handler bean like any other.
    "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration",
    "org.springframework.boot.actuate.autoconfigure.observation.ObservationAutoConfiguration"})
@ConditionalOnClass(Tracewright.class)
@ConditionalOnProperty(prefix = "tracewright", name = "enabled", havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties(TracewrightProperties.class)
public class TracewrightAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean
  TraceStore tracewrightStore(TracewrightProperties properties) {
    return properties.db() == null || properties.db().isBlank() ? H2Store.local() : H2Store.file(Path.of(properties.db()));
  }

  @Bean
  @ConditionalOnMissingBean
  TraceConfig tracewrightConfig(TracewrightProperties properties, TraceStore store, Environment environment) {
    TraceConfig.Builder config = TraceConfig.builder()
        .store(store)
        .capturePolicy(properties.capturePolicy())
        .redaction(properties.redaction())
        .sampler(Sampler.ratio(properties.samplingRatio())); // rejects a ratio outside 0..1 at start-up
    String serviceName = properties.serviceName() != null ? properties.serviceName() : environment.getProperty("spring.application.name");
    if (serviceName != null && !serviceName.isBlank()) {
      config.serviceName(serviceName);
    }
    return config.build();
  }

  @Bean
  @ConditionalOnMissingBean
  @Lazy(false) // started with the application even under spring.main.lazy-initialization: nothing else asks for it
  TracewrightRecording tracewrightRecording(TraceConfig config) {
    return new TracewrightRecording(config);
  }

  @Bean
  @ConditionalOnProperty(prefix = "tracewright", name = "traced-beans", havingValue = "true", matchIfMissing = true)
  static TracedBeanClasses tracewrightTracedBeanClasses() {
    return new TracedBeanClasses();
  }

  @Bean
  @ConditionalOnProperty(prefix = "tracewright", name = "traced-beans", havingValue = "true", matchIfMissing = true)
  static TracedFactoryBeans tracewrightTracedFactoryBeans() {
    return new TracedFactoryBeans();
  }

  /** Spring AI's observations, when Spring AI is on the class path. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass({ObservationRegistry.class, ChatModelObservationContext.class})
  static class SpringAiObservations {

    @Bean
    @ConditionalOnMissingBean
    TracewrightObservationHandler tracewrightObservationHandler(
        TracewrightRecording recording, ObjectProvider<TracedBeanClasses> tracedBeans) {
      TracedBeanClasses traced = tracedBeans.getIfAvailable();
      return traced == null ? new TracewrightObservationHandler() : new TracewrightObservationHandler(traced::isTracedTool);
    }

    /**
     * Without Boot's observation support (no actuator), Spring AI would use a no-op registry and
     * report nothing: this one reports to every {@link ObservationHandler} bean, ours included.
     */
    @Bean
    @ConditionalOnMissingBean
    ObservationRegistry tracewrightObservationRegistry(ObjectProvider<ObservationHandler<?>> handlers) {
      ObservationRegistry registry = ObservationRegistry.create();
      handlers.orderedStream().forEach(handler -> registry.observationConfig().observationHandler(handler));
      return registry;
    }
  }
}
