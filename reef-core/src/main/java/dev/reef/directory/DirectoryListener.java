package dev.reef.directory;

/**
 * Watches a channel of the directory. Called on the directory's own threads, one event at a time
 * per channel; must be fast. An exception it throws is logged and ignored.
 */
@FunctionalInterface
public interface DirectoryListener {
  /**
   * One change.
   *
   * @param event what changed
   */
  void onEvent(DirectoryEvent event);
}
