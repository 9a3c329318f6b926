package io.mp4j.process;

import java.io.Serializable;
import java.util.concurrent.Callable;

/**
 * A process target as the child's bootstrap runs it: a plain {@link Callable}, so that the bootstrap
 * below this package needs no type of the public API.
 */
record TargetCall(ProcessTarget target) implements Callable<Void>, Serializable
{
    private static final long serialVersionUID = 1L;

    @Override
    public Void call() throws Exception
    {
        target.run();
        return null;
    }
}
