package dev.tracewright.langchain4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.tracewright.annotations.SpanKind;
import dev.tracewright.runtime.ActiveSpan;
import dev.tracewright.runtime.TraceConfig;
import dev.tracewright.runtime.TraceContext;
import dev.tracewright.runtime.Tracewright;
import dev.tracewright.runtime.store.InMemoryStore;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The invocation map stays bounded whatever LangChain4j fails to report, and hands each model call its parent once. */
@Timeout(60)
class InvocationParentsTest {
  private TraceContext agent;

  @BeforeEach
  void start() {
    Tracewright.init(TraceConfig.builder().store(new InMemoryStore()).build());
    try (ActiveSpan span = Tracewright.span("agent", SpanKind.AGENT).start()) {
      agent = Tracewright.context();
    }
  }

  @AfterEach
  void stop() {
    Tracewright.shutdown();
  }

  private static ChatRequest request(String question) {
    return ChatRequest.builder().messages(UserMessage.from(question)).build();
  }

  @Test
  void invocationsWhoseEndNeverComesAreForgottenOldestFirstPastTheCapacity() {
    InvocationParents parents = new InvocationParents(3);
    List<UUID> ids = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      UUID id = UUID.randomUUID();
      ids.add(id);
      parents.started(id, agent); // never ended
      assertTrue(parents.size() <= 3);
    }
    assertEquals(3, parents.size());
    assertNull(parents.parentOf(ids.get(0)));
    assertNull(parents.parentOf(ids.get(9_996)));
    for (UUID newest : ids.subList(9_997, 10_000)) {
      assertSame(agent, parents.parentOf(newest));
    }
  }

  @Test
  void anEndedInvocationGoesAndOneStartedOutsideAnySpanIsNeverKept() {
    InvocationParents parents = new InvocationParents(8);
    UUID id = UUID.randomUUID();
    parents.started(id, agent);
    parents.ended(id);
    assertNull(parents.parentOf(id));
    parents.started(UUID.randomUUID(), Tracewright.context()); // no current span here: empty
    parents.started(null, agent);
    parents.ended(null);
    assertEquals(0, parents.size());
  }

  @Test
  void manyThreadsStartingAndEndingLeaveNothingBehind() throws Exception {
    InvocationParents parents = new InvocationParents(64);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    CountDownLatch go = new CountDownLatch(1);
    AtomicInteger over = new AtomicInteger();
    try {
      List<Future<?>> runs = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        runs.add(pool.submit(() -> {
          go.await();
          for (int i = 0; i < 5_000; i++) {
            UUID id = UUID.randomUUID();
            parents.started(id, agent);
            if (parents.size() > 64) {
              over.incrementAndGet();
            }
            parents.requestIssued(id, request("q" + i), null);
            parents.ended(id);
          }
          return null;
        }));
      }
      go.countDown();
      for (Future<?> run : runs) {
        run.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(0, over.get());
    assertEquals(0, parents.size());
  }

  @Test
  void anIssuedRequestGivesItsParentToTheMatchingModelCallOnThisThreadOnce() throws Exception {
    InvocationParents parents = new InvocationParents(8);
    UUID id = UUID.randomUUID();
    parents.started(id, agent);
    UserMessage question = UserMessage.from("Weather in Paris?");
    ChatRequest issued = ChatRequest.builder().messages(question).build();
    ChatRequest sent = ChatRequest.builder().messages(issued.messages()).temperature(0.2).build(); // as ChatModel.chat rebuilds it

    parents.requestIssued(id, issued, null);
    AtomicReference<TraceContext> elsewhere = new AtomicReference<>(agent);
    Thread other = new Thread(() -> elsewhere.set(parents.takeIssued(sent)));
    other.start();
    other.join();
    assertNull(elsewhere.get(), "another thread's call");
    assertSame(agent, parents.takeIssued(sent));
    assertNull(parents.takeIssued(sent), "taken once");

    parents.requestIssued(id, issued, null);
    assertNull(parents.takeIssued(ChatRequest.builder().messages(UserMessage.from("Weather in Paris?")).build()),
        "a call sending other messages is not this one");
    assertNull(parents.takeIssued(sent), "and the hand-over is gone");

    parents.requestIssued(id, issued, null);
    parents.ended(id);
    assertNull(parents.takeIssued(sent), "an ended invocation hands nothing over");
  }

  @Test
  void aRequestOfAnInvocationNotSeenStartingGoesUnderTheIssuingThreadsSpan() {
    InvocationParents parents = new InvocationParents(8);
    UUID id = UUID.randomUUID();
    ChatRequest request = ChatRequest.builder().messages(UserMessage.from("hi"), AiMessage.from("hello"), UserMessage.from("bye")).build();
    parents.requestIssued(id, request, Tracewright.context()); // no span current: nothing to go under
    assertNull(parents.takeIssued(request));
    assertEquals(0, parents.size());

    parents.requestIssued(id, request, agent);
    assertSame(agent, parents.takeIssued(request));
    assertSame(agent, parents.parentOf(id), "its tools find it too");
  }
}
