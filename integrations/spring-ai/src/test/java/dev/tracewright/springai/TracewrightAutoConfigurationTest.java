package dev.tracewright.springai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracewright.annotations.CapturePolicy;
import dev.tracewright.annotations.SpanKind;
import dev.tracewright.runtime.ActiveSpan;
import dev.tracewright.runtime.TraceConfig;
import dev.tracewright.runtime.Tracewright;
import dev.tracewright.runtime.store.H2Store;
import dev.tracewright.runtime.store.InMemoryStore;
import dev.tracewright.runtime.store.SpanRecord;
import dev.tracewright.runtime.store.TraceStore;
import dev.tracewright.springai.beans.Greeter;
import dev.tracewright.springai.beans.Itinerary;
import dev.tracewright.springai.beans.Packer;
import dev.tracewright.springai.beans.Translator;
import io.micrometer.observation.ObservationRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.ai.chat.observation.ChatModelObservationContext;
import org.springframework.ai.tool.definition.ToolDefinition;
import org.springframework.ai.tool.observation.DefaultToolCallingObservationConvention;
import org.springframework.ai.tool.observation.ToolCallingObservationContext;
import org.springframework.ai.tool.observation.ToolCallingObservationDocumentation;
import org.springframework.boot.LazyInitializationBeanFactoryPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

class TracewrightAutoConfigurationTest {
  private final InMemoryStore memory = new InMemoryStore();
  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(TracewrightAutoConfiguration.class));
  /** With a store of the test's own, so no context writes ./.tracewright. */
  private final ApplicationContextRunner inMemory = runner.withBean(TraceStore.class, () -> memory);

  @TempDir Path dir;

  @AfterEach
  void stop() {
    Tracewright.shutdown();
  }

  @Test
  void propertiesConfigureTracewrightAndClosingTheContextShutsItDown() {
    Path db = dir.resolve("app-traces");
    runner.withPropertyValues(
            "tracewright.db=" + db,
            "tracewright.capture-policy=METADATA_ONLY",
            "tracewright.sampling-ratio=0.25",
            "tracewright.service-name=travel-desk")
        .run(context -> {
          TraceConfig config = context.getBean(TraceConfig.class);
          assertThat(config.capturePolicy()).isEqualTo(CapturePolicy.METADATA_ONLY);
          assertThat(config.serviceName()).isEqualTo("travel-desk");
          assertThat(config.sampler().toString()).contains("ratio=0.25");
          assertThat(config.store()).isInstanceOf(H2Store.class);
          assertThat(Tracewright.isEnabled()).isTrue();
          try (ActiveSpan probe = Tracewright.span("probe", SpanKind.STEP).start()) {
            probe.error(new IllegalStateException("kept: errors are sampled in")); // at ratio 0.25 an OK trace may be dropped
          }
        });
    assertThat(Tracewright.isEnabled()).as("shut down with the context").isFalse();
    assertThat(Files.exists(H2Store.dataFile(db))).as("the span went to tracewright.db").isTrue();
  }

  @Test
  void lazyInitializationDoesNotKeepTracewrightFromStarting() {
    inMemory.withInitializer(context -> context.addBeanFactoryPostProcessor(new LazyInitializationBeanFactoryPostProcessor()))
        .run(context -> assertThat(Tracewright.isEnabled()).isTrue());
  }

  @Test
  void defaultsAreDocumentedOnes() {
    inMemory.run(context -> {
      TracewrightProperties properties = context.getBean(TracewrightProperties.class);
      assertThat(properties).isEqualTo(new TracewrightProperties(true, null, CapturePolicy.FULL_LOCAL, 1.0, null, true, true));
      TraceConfig config = context.getBean(TraceConfig.class);
      assertThat(config.capturePolicy()).isEqualTo(CapturePolicy.FULL_LOCAL);
      assertThat(config.sampler().toString()).contains("ratio=1.0");
    });
  }

  @Test
  void serviceNameFallsBackToTheApplicationName() {
    inMemory.withPropertyValues("spring.application.name=concierge")
        .run(context -> assertThat(context.getBean(TraceConfig.class).serviceName()).isEqualTo("concierge"));
  }

  @Test
  void aBadPropertyFailsTheStartNotTheFirstTrace() {
    inMemory.withPropertyValues("tracewright.sampling-ratio=1.5")
        .run(context -> assertThat(context).hasFailed());
  }

  @Test
  void theUsersBeansReplaceOurs() {
    TraceConfig own = TraceConfig.builder().store(memory).serviceName("own").build();
    ObservationRegistry registry = ObservationRegistry.create();
    runner.withBean(TraceConfig.class, () -> own)
        .withBean(ObservationRegistry.class, () -> registry)
        .run(context -> {
          assertThat(context).hasSingleBean(TraceConfig.class).hasSingleBean(ObservationRegistry.class);
          assertThat(context.getBean(TraceConfig.class)).isSameAs(own);
          assertThat(context.getBean(TracewrightRecording.class).config()).isSameAs(own);
          assertThat(context.getBean(ObservationRegistry.class)).isSameAs(registry);
        });
    inMemory.run(context -> assertThat(context.getBean(TraceConfig.class).store()).isSameAs(memory));
    TracewrightObservationHandler handler = new TracewrightObservationHandler();
    inMemory.withBean(TracewrightObservationHandler.class, () -> handler)
        .run(context -> assertThat(context.getBean(TracewrightObservationHandler.class)).isSameAs(handler));
  }

  @Test
  void aBootApplicationWithoutSpringAiStillGetsTracewrightAndTracedBeans() {
    inMemory.withClassLoader(new FilteredClassLoader(ChatModelObservationContext.class, ObservationRegistry.class))
        .withBean(Itinerary.class)
        .run(context -> {
          assertThat(context).hasNotFailed().hasSingleBean(TracewrightRecording.class)
              .doesNotHaveBean(TracewrightObservationHandler.class).doesNotHaveBean(ObservationRegistry.class);
          assertThat(context.getBean(Itinerary.class).getClass().getSimpleName()).isEqualTo("ItineraryTraced");
        });
  }

  @Test
  void disabledLeavesTracewrightAndTheBeansAlone() {
    inMemory.withPropertyValues("tracewright.enabled=false")
        .withBean(Itinerary.class)
        .run(context -> {
          assertThat(context).doesNotHaveBean(TracewrightRecording.class).doesNotHaveBean(TracewrightObservationHandler.class);
          assertThat(Tracewright.isEnabled()).isFalse();
          assertThat(context.getBean(Itinerary.class).getClass()).isEqualTo(Itinerary.class);
        });
  }

  @Test
  void aBeanIsCreatedAsItsTracedSubclassAndItsSelfCallsAreTraced() {
    inMemory.withBean(Itinerary.class).withBean(Greeter.Polite.class)
        .withPropertyValues("greeter.name=Ada")
        .run(context -> {
          Itinerary itinerary = context.getBean(Itinerary.class);
          assertThat(itinerary.getClass().getName()).isEqualTo("dev.tracewright.springai.beans.ItineraryTraced");
          assertThat(itinerary.summary("Oslo")).isEqualTo("Pack for rain in Oslo");
          Greeter.Polite greeter = context.getBean(Greeter.Polite.class);
          assertThat(greeter.getClass().getSimpleName()).isEqualTo("Greeter_PoliteTraced");
          assertThat(greeter.greet()).as("constructor injection unchanged").isEqualTo("hello Ada");
          Tracewright.flush();
        });
    SpanRecord agent = memory.span("summary");
    SpanRecord tool = memory.span("forecast");
    assertThat(agent.kind()).isEqualTo(SpanKind.AGENT);
    assertThat(tool.kind()).isEqualTo(SpanKind.TOOL);
    assertThat(tool.parentSpanId()).as("the self-call nests").isEqualTo(agent.spanId());
    assertThat(memory.span("greet").kind()).isEqualTo(SpanKind.STEP);
  }

  @Test
  void tracedBeansCanBeTurnedOff() {
    inMemory.withPropertyValues("tracewright.traced-beans=false").withBean(Itinerary.class)
        .run(context -> assertThat(context.getBean(Itinerary.class).getClass()).isEqualTo(Itinerary.class));
  }

  @Configuration(proxyBeanMethods = false)
  static class FactoryMethods {
    @Bean
    Packer packer() {
      return new Packer();
    }

    @Bean
    Translator translator() {
      return text -> "hola";
    }
  }

  @Test
  void beansBuiltByFactoryMethodsAreWrappedThroughTheirInterfaceOrNamedAsUntraced() {
    inMemory.withUserConfiguration(FactoryMethods.class).run(context -> {
      Translator translator = context.getBean(Translator.class);
      assertThat(translator.getClass().getName()).isEqualTo("dev.tracewright.springai.beans.TranslatorTraced");
      assertThat(translator.translate("hello")).isEqualTo("hola");
      assertThat(context.getBean(Packer.class).getClass()).as("the user's own object is kept").isEqualTo(Packer.class);
      assertThat(context.getBean(TracedFactoryBeans.class).untracedBeans()).containsExactly("packer");
      Tracewright.flush();
    });
    assertThat(memory.span("translate").kind()).isEqualTo(SpanKind.TOOL);
    assertThat(memory.names()).doesNotContain("pack");
  }

  /** A tool call observed the way Spring AI's DefaultToolCallingManager does it. */
  private static String observeToolCall(ObservationRegistry registry, String result, RuntimeException failure) {
    ToolCallingObservationContext observation = ToolCallingObservationContext.builder()
        .toolDefinition(ToolDefinition.builder().name("lookup").description("Looks things up").inputSchema("{}").build())
        .toolCallId("call_9")
        .toolCallArguments("{\"q\":\"tides\"}")
        .build();
    return ToolCallingObservationDocumentation.TOOL_CALL
        .observation(null, new DefaultToolCallingObservationConvention(), () -> observation, registry)
        .observe(() -> {
          if (failure != null) {
            throw failure;
          }
          observation.setToolCallResult(result);
          return result;
        });
  }

  @Test
  void withoutBootsObservationSupportOurRegistryReportsToTheHandler() {
    inMemory.run(context -> {
      assertThat(context).hasSingleBean(ObservationRegistry.class);
      ObservationRegistry registry = context.getBean(ObservationRegistry.class);
      assertThat(observeToolCall(registry, "high tide at 6", null)).isEqualTo("high tide at 6");
      assertThatThrownBy(() -> observeToolCall(registry, null, new IllegalStateException("no tide table")))
          .isInstanceOf(IllegalStateException.class);
      Tracewright.flush();
    });
    List<SpanRecord> tools = memory.spans();
    assertThat(tools).extracting(SpanRecord::name).containsExactly("lookup", "lookup");
    assertThat(tools.get(0).attributes()).containsEntry("gen_ai.tool.call.id", "call_9");
    assertThat(tools.get(0).isError()).isFalse();
    assertThat(tools.get(1).isError()).isTrue();
    assertThat(tools.get(1).errorMessage()).isEqualTo("no tide table");
  }

  @Test
  void withBootsObservationSupportTheHandlerJoinsBootsRegistryOnce() {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(ObservationAutoConfiguration.class, TracewrightAutoConfiguration.class))
        .withBean(TraceStore.class, () -> memory)
        .run(context -> {
          assertThat(context).hasSingleBean(ObservationRegistry.class);
          assertThat(context).doesNotHaveBean("tracewrightObservationRegistry");
          observeToolCall(context.getBean(ObservationRegistry.class), "ok", null);
          Tracewright.flush();
        });
    assertThat(memory.spans()).extracting(SpanRecord::name).containsExactly("lookup");
  }
}
