package dev.reef.spring.handler;

import dev.reef.spring.ReefHandler;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;

/**
 * Finds the {@link ReefHandler} methods of every bean as it is initialised; {@link
 * ReefHandlerLifecycle} subscribes them when the context starts. Needs no reef, so it does not
 * create the reef early.
 */
public class ReefHandlerRegistry implements BeanPostProcessor {

  /** A handler method found on a bean. */
  record Endpoint(Object bean, Method method, ReefHandler annotation) {}

  private final List<Endpoint> endpoints = new CopyOnWriteArrayList<>();

  @Override
  public Object postProcessAfterInitialization(Object bean, String beanName) {
    Class<?> type = AopUtils.getTargetClass(bean);
    Map<Method, ReefHandler> found =
        MethodIntrospector.selectMethods(
            type,
            (MethodIntrospector.MetadataLookup<ReefHandler>)
                m -> AnnotatedElementUtils.findMergedAnnotation(m, ReefHandler.class));
    found.forEach(
        (method, annotation) ->
            endpoints.add(
                new Endpoint(
                    bean, AopUtils.selectInvocableMethod(method, bean.getClass()), annotation)));
    return bean;
  }

  List<Endpoint> endpoints() {
    return List.copyOf(endpoints);
  }
}
