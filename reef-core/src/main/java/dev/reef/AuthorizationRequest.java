package dev.reef;

import org.jspecify.annotations.Nullable;

/**
 * What the {@link ReefAuthorizer} is asked to allow.
 *
 * @param action the action
 * @param channel the channel
 * @param agent the acting agent (the sender, or the subscribing agent)
 * @param spore the spore being published, or null for {@link ReefAction#SUBSCRIBE}
 */
public record AuthorizationRequest(
    ReefAction action, String channel, String agent, @Nullable Spore spore) {}
