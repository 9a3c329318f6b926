package io.mp4j.manager.internal;

import io.mp4j.session.Session;

import java.util.concurrent.ConcurrentMap;

/**
 * Makes the manager's shared dicts; implemented where the dict's store lives (the Chronicle artifact)
 * and found through {@link java.util.ServiceLoader}, so that the manager's own artifact needs none of it.
 */
public interface DictProvider
{
    /** The artifact that provides the dict. */
    String ARTIFACT = "io.mp4j:mp4j-chronicle";

    /**
     * A new, empty dict in a session.
     *
     * @param session         the session its files live in.
     * @param name            its name, unique within the session.
     * @param expectedEntries how many entries it should hold.
     * @param <K>             the key type.
     * @param <V>             the value type.
     * @return the dict and how to delete it.
     */
    <K, V> Dict<K, V> create(Session session, String name, long expectedEntries);

    /**
     * A dict the provider made.
     *
     * @param map    the dict, shareable with other processes.
     * @param delete closes the dict and removes its files.
     * @param <K>    the key type.
     * @param <V>    the value type.
     */
    record Dict<K, V>(ConcurrentMap<K, V> map, Runnable delete)
    {
    }
}
