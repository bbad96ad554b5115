package dev.reef.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reef.spi.BackendListener;
import dev.reef.spi.ForwardingBackend;
import dev.reef.spi.ReefBackend;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class RecordingBackendTest {

  /** A decorator that inherits a default method silently turns the backend's feature off. */
  @Test
  void forwardsEveryMethodOfTheSpiIncludingTheDefaultOnes() throws Exception {
    for (Method m : ReefBackend.class.getMethods()) {
      if (Modifier.isStatic(m.getModifiers())
          || m.getName().equals("close") && m.getParameterCount() == 0) {
        continue;
      }
      Method own = RecordingBackend.class.getMethod(m.getName(), m.getParameterTypes());
      assertThat(own.getDeclaringClass())
          .as(m.toString())
          .isIn(RecordingBackend.class, ForwardingBackend.class);
    }
  }

  @Test
  void theListenerItPassesOnForwardsEveryCallback() {
    long defaults =
        Arrays.stream(BackendListener.class.getMethods()).filter(Method::isDefault).count();
    assertThat(defaults).as("update RecordingBackend.start when this changes").isEqualTo(3);
  }
}
