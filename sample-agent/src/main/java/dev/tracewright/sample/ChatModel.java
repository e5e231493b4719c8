package dev.tracewright.sample;

import dev.tracewright.annotations.LlmCall;
import java.util.List;

/** A chat model. Annotated on the interface, so every implementation is traced through {@code ChatModelTraced.wrap}. */
public interface ChatModel {
  @LlmCall(name = "chat")
  ChatReply chat(List<Message> messages) throws LlmException;

  /** Model name for the banner. */
  String describe();
}
