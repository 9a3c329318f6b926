package io.mp4j.process;

import java.io.Serializable;
import java.util.concurrent.Callable;

/**
 * A process target as the child's bootstrap runs it: a plain {@link Callable}, so that the bootstrap
 * below this package needs no type of the public API. A plain class, not a record: every child
 * deserializes one first thing, and a record's deserialization builds method handles a cold JVM pays for.
 */
final class TargetCall implements Callable<Void>, Serializable
{
    private static final long serialVersionUID = 1L;

    private final ProcessTarget target;

    TargetCall(final ProcessTarget target)
    {
        this.target = target;
    }

    @Override
    public Void call() throws Exception
    {
        target.run();
        return null;
    }
}
