package io.quarkiverse.socketio.deployment;

import io.quarkus.builder.item.SimpleBuildItem;

/**
 * This process's cluster role was decided (at runtime init): what serves HTTP is recorded after it, so that a primary
 * stops the startup before any route or application bean runs.
 */
public final class ClusterRoleBuildItem extends SimpleBuildItem {
}
