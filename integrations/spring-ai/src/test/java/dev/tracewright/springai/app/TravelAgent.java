package dev.tracewright.springai.app;

import dev.tracewright.annotations.Agent;
import dev.tracewright.annotations.Step;
import java.util.List;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.memory.ChatMemory;
import org.springframework.stereotype.Component;

/** An agent as a Spring user writes it: a component using ChatClient with tools; nothing Tracewright-specific but {@code @Agent}. */
@Component
public class TravelAgent {
  private final ChatClient chat;
  private final WeatherTools weather;
  private final CurrencyTools currency;

  public TravelAgent(ChatClient.Builder chat, WeatherTools weather, CurrencyTools currency) {
    this.chat = chat.defaultSystem("You are a travel assistant.").build();
    this.weather = weather;
    this.currency = currency;
  }

  @Agent
  public String budget(String question) {
    return chat.prompt().user(question).tools(currency).call().content();
  }

  /** One turn of a conversation the caller names, as a chat-memory advisor would. */
  @Agent
  public String chatIn(String conversationId, String question) {
    return chat.prompt().user(question).advisors(a -> a.param(ChatMemory.CONVERSATION_ID, conversationId)).call().content();
  }

  @Agent
  public String plan(String question) {
    return chat.prompt().user(question).tools(weather).call().content();
  }

  /** Streams the reply, then calls its own traced step: that step must be the agent's child, not the model call's. */
  @Agent
  public String planStreaming(String question) {
    List<String> pieces = chat.prompt().user(question).stream().content().collectList().block();
    return String.join("", pieces) + signOff();
  }

  /**
   * Streams a conversation in which the model calls a tool: Spring AI runs the tool, and the turn
   * after it, on a Reactor thread; they must still be this agent's children.
   */
  @Agent
  public String planStreamingWithTools(String question) {
    return String.join("", chat.prompt().user(question).tools(weather).stream().content().collectList().block());
  }

  /** As {@link #planStreamingWithTools} with a tool whose method Tracewright traces itself. */
  @Agent
  public String budgetStreaming(String question) {
    return String.join("", chat.prompt().user(question).tools(currency).stream().content().collectList().block());
  }

  @Step
  public String signOff() {
    return " Bon voyage!";
  }
}
