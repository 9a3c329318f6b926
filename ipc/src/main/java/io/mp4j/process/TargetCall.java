package io.mp4j.process;

import io.mp4j.process.internal.ClassDataSharing;

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

    /**
     * The class-data training JVM's target: a lambda of the public API's type in this wrapper, as every
     * child's target is, so that the archive holds what deserializing one loads and links.
     */
    static TargetCall training()
    {
        return new TargetCall(() -> ClassDataSharing.runTrainings());
    }

    @Override
    public Void call() throws Exception
    {
        target.run();
        return null;
    }
}
