package dev.tracewright.springai.app;

import dev.tracewright.annotations.Agent;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.stereotype.Component;

/** An agent as a Spring user writes it: a component using ChatClient with tools; nothing Tracewright-specific but {@code @Agent}. */
@Component
public class TravelAgent {
  private final ChatClient chat;
  private final WeatherTools weather;

  public TravelAgent(ChatClient.Builder chat, WeatherTools weather) {
    this.chat = chat.defaultSystem("You are a travel assistant.").build();
    this.weather = weather;
  }

  @Agent
  public String plan(String question) {
    return chat.prompt().user(question).tools(weather).call().content();
  }
}
