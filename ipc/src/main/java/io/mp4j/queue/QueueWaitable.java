package io.mp4j.queue;

import io.mp4j.connection.internal.Waitable;
import io.mp4j.internal.Waiter;

/**
 * A queue as {@code Connections.wait} sees it: ready when a message is there, woken by the ring of
 * "a message arrived" on the queue's board.
 */
final class QueueWaitable implements Waitable
{
    private final QueueEngine engine;

    private QueueWaitable(final QueueEngine engine)
    {
        this.engine = engine;
    }

    /** The view of a queue of any kind, or null for an object that is no queue. */
    static Waitable of(final Object object)
    {
        final QueueEngine engine = object instanceof SharedQueue<?> shared ? shared.engine :
            object instanceof SimpleQueue<?> simple ? simple.engine() : null;
        return engine == null ? null : new QueueWaitable(engine);
    }

    @Override
    public boolean isReady(final boolean slowChecks)
    {
        return engine.isReadyToTake();
    }

    @Override
    public void watch(final Waiter waiter)
    {
        engine.watchForMessages(waiter);
    }
}
