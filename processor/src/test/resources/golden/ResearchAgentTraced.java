package com.acme;

import dev.tracewright.annotations.CapturePolicy;
import dev.tracewright.annotations.SpanKind;
import dev.tracewright.runtime.TracedCall;
import dev.tracewright.runtime.replay.ReturnType;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import javax.annotation.processing.Generated;

/**
 * {@link ResearchAgent} whose traced methods record a span per call; use it wherever the original is created.
 */
@Generated("dev.tracewright.processor.TracedProcessor")
public class ResearchAgentTraced extends ResearchAgent {
  private static final TracedCall.Site RESEARCH = TracedCall.site(ResearchAgent.class, "research", SpanKind.AGENT, "research")
      .parameters("question", "depth")
      .returns(new ReturnType<String>() {})
      .throwing(IOException.class);

  private static final TracedCall.Site SEARCH = TracedCall.site(ResearchAgent.class, "search", SpanKind.TOOL, "search")
      .parameters("query")
      .attribute("gen_ai.tool.description", "Searches the web")
      .returns(new ReturnType<String>() {});

  private static final TracedCall.Site ASK = TracedCall.site(ResearchAgent.class, "ask", SpanKind.LLM, "ask")
      .parameters("prompt")
      .capture(CapturePolicy.METADATA_ONLY)
      .model("gpt-4o")
      .provider("openai")
      .returnsFuture(new ReturnType<String>() {});

  private static final TracedCall.Site REMEMBER = TracedCall.site(ResearchAgent.class, "remember", SpanKind.MEMORY, "remember")
      .parameters("notes")
      .returnsVoid();

  public ResearchAgentTraced(String name) {
    super(name);
  }

  @Override
  public String research(String question, int depth) throws IOException {
    TracedCall call = RESEARCH.begin();
    if (call.capturesInput()) {
      call.input(question, depth);
    }
    try {
      if (call.replaying()) {
        return call.replayed();
      }
      return call.returned(super.research(question, depth));
    } catch (Throwable e) {
      call.threw(e);
      throw e;
    }
  }

  @Override
  public String search(String apiKey, String query) {
    TracedCall call = SEARCH.begin();
    if (call.capturesInput()) {
      call.input(query);
    }
    try {
      if (call.replaying()) {
        return call.replayed();
      }
      return call.returned(super.search(apiKey, query));
    } catch (Throwable e) {
      call.threw(e);
      throw e;
    }
  }

  @Override
  public CompletableFuture<String> ask(String prompt) {
    TracedCall call = ASK.begin();
    if (call.capturesInput()) {
      call.input(prompt);
    }
    try {
      if (call.replaying()) {
        return call.replayed();
      }
      return call.returnedFuture(super.ask(prompt));
    } catch (Throwable e) {
      call.threw(e);
      throw e;
    }
  }

  @Override
  public void remember(String... notes) {
    TracedCall call = REMEMBER.begin();
    if (call.capturesInput()) {
      call.input((Object) notes);
    }
    try {
      if (call.replaying()) {
        call.replayed();
        return;
      }
      super.remember(notes);
      call.returned();
    } catch (Throwable e) {
      call.threw(e);
      throw e;
    }
  }
}
