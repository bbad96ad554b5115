package dev.reef.spring.handler;

import dev.reef.KnowledgeMapper;
import dev.reef.ReefChannel;
import dev.reef.ReefException;
import dev.reef.Spore;
import dev.reef.SporeHandler;
import dev.reef.SporeType;
import dev.reef.spring.ReefHandler;
import dev.reef.spring.ReefHeader;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.util.ReflectionUtils;

/**
 * One {@link ReefHandler} method as a {@link SporeHandler}: resolves its parameters from the spore
 * and turns its return value on a request into the reply. Built (and its parameters checked) when
 * the handlers start, so a parameter that cannot be resolved fails the context start.
 */
final class ReefHandlerMethod implements SporeHandler {
  private static final Logger LOG = LoggerFactory.getLogger(ReefHandlerMethod.class);

  private final Object bean;
  private final Method method;
  private final String agent;
  private final ReefChannel channel;
  private final List<Function<Spore, Object>> arguments;
  private final boolean replies;

  ReefHandlerMethod(
      Object bean, Method method, String agent, ReefChannel channel, KnowledgeMapper mapper) {
    this.bean = bean;
    this.method = method;
    this.agent = agent;
    this.channel = channel;
    this.replies = method.getReturnType() != void.class && method.getReturnType() != Void.class;
    List<Function<Spore, Object>> args = new ArrayList<>();
    Parameter knowledge = null;
    for (Parameter p : method.getParameters()) {
      Function<Spore, Object> fixed = fixedArgument(p, channel);
      if (fixed != null) {
        args.add(fixed);
        continue;
      }
      if (knowledge != null) {
        throw new IllegalStateException(
            describe()
                + ": only one parameter can take the knowledge, found "
                + knowledge.getName()
                + " and "
                + p.getName());
      }
      knowledge = p;
      java.lang.reflect.Type type = p.getParameterizedType();
      args.add(spore -> mapper.fromKnowledge(spore.knowledge(), type));
    }
    this.arguments = List.copyOf(args);
    ReflectionUtils.makeAccessible(method);
  }

  /** A parameter resolved without the mapper, or null for the knowledge parameter. */
  private static Function<Spore, Object> fixedArgument(Parameter p, ReefChannel channel) {
    ReefHeader header = p.getAnnotation(ReefHeader.class);
    if (header != null) {
      String name = header.value();
      boolean text = p.getType() == String.class;
      if (!text && p.getType() != Object.class) {
        throw new IllegalStateException(
            "@ReefHeader(\"" + name + "\") " + p.getName() + " must be a String or Object");
      }
      return spore -> {
        Object v = SporeHeaders.get(spore, name);
        return text && v != null ? v.toString() : v;
      };
    }
    Class<?> t = p.getType();
    if (t == Spore.class) {
      return spore -> spore;
    }
    if (t == ReefChannel.class) {
      return spore -> channel;
    }
    if (t == SporeType.class) {
      return Spore::type;
    }
    if (t == Map.class) {
      return Spore::knowledge;
    }
    return null;
  }

  String agent() {
    return agent;
  }

  String describe() {
    return method.getDeclaringClass().getSimpleName() + "." + method.getName();
  }

  @Override
  public void handle(Spore spore) throws Exception {
    Object[] args = new Object[arguments.size()];
    for (int i = 0; i < args.length; i++) {
      args[i] = arguments.get(i).apply(spore);
    }
    Object result = invoke(args);
    if (!replies || result == null) {
      return;
    }
    if (result instanceof CompletionStage<?> stage) {
      result = await(stage);
      if (result == null) {
        return;
      }
    }
    if (spore.type() == SporeType.REQUEST) {
      await(channel.replyTyped(spore, agent, result));
    } else {
      LOG.debug("{} returned a value for a {} spore: no reply", describe(), spore.type());
    }
  }

  private Object invoke(Object[] args) throws Exception {
    try {
      return method.invoke(bean, args);
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      if (cause instanceof Exception ex) {
        throw ex;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new ReefException(describe() + " failed", cause);
    }
  }

  /** The value of a future; its failure as the handler's. */
  private static Object await(CompletionStage<?> stage) throws Exception {
    try {
      return stage.toCompletableFuture().join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof Exception ex) {
        throw ex;
      }
      throw e;
    }
  }
}
