package io.mp4j.connection.internal;

import io.mp4j.internal.Waiter;

/**
 * Something {@code io.mp4j.connection.Connections.wait} can wait for that lives in another package (a
 * queue): whether it is ready now, and where a waiter sleeps until it may be.
 */
public interface Waitable
{
    /**
     * Whether the object is ready: for a queue, a message is there.
     *
     * @param slowChecks true when the waiter's slow checks are due (liveness of other processes).
     * @return true if ready now.
     */
    boolean isReady(boolean slowChecks);

    /**
     * Adds the board and tag that whoever makes the object ready rings.
     *
     * @param waiter the waiter about to sleep.
     */
    void watch(Waiter waiter);
}
