package dev.tracewright.runtime.capture;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializationConfig;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.BeanSerializerModifier;
import com.fasterxml.jackson.databind.ser.std.BeanSerializerBase;
import com.fasterxml.jackson.databind.ser.impl.UnknownSerializer;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Objects Jackson sees as having no properties (no getters, no public fields: LangChain4j's
 * {@code UserMessage}, {@code AiMessage}, {@code ChatResponse} and many immutable value types with
 * accessors like {@code text()}) would otherwise be written as {@code {}} and their content lost
 * silently. Such an object is written by its instance fields instead, under a {@code "$type"} key
 * naming its class; where the fields cannot be read (a JDK class the module system closes, an object
 * with no fields), it becomes {@code {"$type": ..., "$toString": ...}}.
 *
 * <p>Jackson caches the serializer per class, so the field lookup happens once per class; the
 * values are read only when content is captured, never under {@code METADATA_ONLY}.
 */
final class FieldFallback {
  static final String TYPE = "$type";
  static final String TO_STRING = "$toString";
  private static final int MAX_TO_STRING = 1000;

  private FieldFallback() {}

  /** A Jackson module that swaps the empty-bean serializer for {@link FieldsSerializer}. */
  static SimpleModule module() {
    SimpleModule module = new SimpleModule("tracewright-field-fallback");
    module.setSerializerModifier(
        new BeanSerializerModifier() {
          @Override
          public JsonSerializer<?> modifySerializer(SerializationConfig config, BeanDescription bean, JsonSerializer<?> serializer) {
            // Unknown: no properties at all; an empty bean serializer: none, on an annotated class.
            boolean empty = serializer instanceof UnknownSerializer
                || (serializer instanceof BeanSerializerBase b && !b.properties().hasNext() && bean.findAnyGetter() == null);
            // A class whose properties were ignored on purpose (@JsonIgnore) keeps Jackson's answer.
            return empty && bean.getIgnoredPropertyNames().isEmpty() ? new FieldsSerializer(bean.getBeanClass()) : serializer;
          }
        });
    return module;
  }

  /** Writes an object's instance fields; nested values go through the mapper as usual. */
  static final class FieldsSerializer extends StdSerializer<Object> {
    private static final long serialVersionUID = 1L;
    private final transient List<Field> fields; // null: not readable, write the toString marker

    FieldsSerializer(Class<?> type) {
      super(Object.class);
      this.fields = readableFields(type);
    }

    private static List<Field> readableFields(Class<?> type) {
      List<Field> found = new ArrayList<>();
      Set<String> names = new HashSet<>();
      try {
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
          for (Field f : c.getDeclaredFields()) {
            // Synthetic fields (an inner class's outer instance) are not the object's content;
            // transient and @JsonIgnore fields were left out on purpose, as Jackson would.
            if (Modifier.isStatic(f.getModifiers())
                || Modifier.isTransient(f.getModifiers())
                || f.isSynthetic()
                || ignored(f)
                || !names.add(f.getName())) {
              continue;
            }
            f.setAccessible(true);
            found.add(f);
          }
        }
      } catch (RuntimeException e) { // InaccessibleObjectException, SecurityException: a closed module
        return null;
      }
      return found.isEmpty() ? null : found;
    }

    private static boolean ignored(Field f) {
      JsonIgnore ignore = f.getAnnotation(JsonIgnore.class);
      return ignore != null && ignore.value();
    }

    @Override
    public void serialize(Object value, JsonGenerator gen, SerializerProvider provider) throws IOException {
      Object[] values = read(value); // all read before anything is written: a failure leaves no half object
      gen.writeStartObject(value);
      String typeName = value.getClass().getSimpleName();
      gen.writeStringField(TYPE, typeName.isEmpty() || values == null ? value.getClass().getName() : typeName);
      if (values == null) {
        gen.writeStringField(TO_STRING, describe(value));
      } else {
        for (int i = 0; i < values.length; i++) {
          if (values[i] != null) {
            provider.defaultSerializeField(fields.get(i).getName(), values[i], gen);
          }
        }
      }
      gen.writeEndObject();
    }

    private Object[] read(Object value) {
      if (fields == null) {
        return null;
      }
      Object[] values = new Object[fields.size()];
      try {
        for (int i = 0; i < values.length; i++) {
          values[i] = fields.get(i).get(value);
        }
      } catch (IllegalAccessException | RuntimeException e) {
        return null;
      }
      return values;
    }

    private static String describe(Object value) {
      String text;
      try {
        text = String.valueOf(value);
      } catch (RuntimeException e) { // toString is user code
        text = "[toString() threw " + e.getClass().getName() + "]";
      }
      return text.length() <= MAX_TO_STRING ? text : text.substring(0, MAX_TO_STRING) + "...";
    }
  }
}
