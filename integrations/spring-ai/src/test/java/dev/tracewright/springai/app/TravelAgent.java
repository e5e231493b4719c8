package dev.tracewright.springai.app;

import dev.tracewright.annotations.Agent;
import dev.tracewright.annotations.Step;
import java.util.List;
import org.springframework.ai.chat.client.ChatClient;
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

  @Step
  public String signOff() {
    return " Bon voyage!";
  }
}
