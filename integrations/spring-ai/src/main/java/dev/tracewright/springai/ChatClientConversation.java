package dev.tracewright.springai;

import dev.tracewright.runtime.Tracewright;
import io.micrometer.observation.Observation;
import org.springframework.ai.chat.client.observation.ChatClientObservationContext;
import org.springframework.ai.chat.memory.ChatMemory;

/**
 * A ChatClient call with chat memory: its conversation ID ({@link ChatMemory#CONVERSATION_ID} among
 * the advisor parameters) becomes the running trace's {@code gen_ai.conversation.id}. Loaded only
 * when a ChatClient observation is seen, so Spring AI without {@code spring-ai-client-chat} works.
 */
final class ChatClientConversation {
  static final String CONTEXT_CLASS = "org.springframework.ai.chat.client.observation.ChatClientObservationContext";

  private ChatClientConversation() {}

  static void mark(Observation.Context context) {
    ChatClientObservationContext client = (ChatClientObservationContext) context;
    Object id = client.getRequest() == null ? null : client.getRequest().context().get(ChatMemory.CONVERSATION_ID);
    if (id != null) {
      Tracewright.conversation(String.valueOf(id)).close(); // marks the running trace; nothing later on this thread
    }
  }
}
