package io.mp4j.cluster.internal;

import io.mp4j.RemoteException;
import io.mp4j.codec.Codec;
import io.mp4j.internal.JavaSerialization;
import io.mp4j.pool.PoolFunction;
import org.apache.ignite.Ignite;
import org.apache.ignite.lang.IgniteCallable;
import org.apache.ignite.resources.IgniteInstanceResource;

import java.io.Serial;
import java.util.ArrayList;
import java.util.List;

/**
 * One chunk of a pool call, run on a server node: the function (serialized once per call) applied to each item
 * of the chunk (encoded by mp4j's codec). It returns the encoded results, or the encoded failure of the first item
 * that threw, so that the caller gets the remote stack trace as locally. Ignite re-runs the job on another node
 * if its node dies; the caller keeps the first result of each chunk.
 */
final class ChunkJob implements IgniteCallable<byte[]>
{
    @Serial
    private static final long serialVersionUID = 1L;

    /** First byte of a reply that carries results. */
    static final byte RESULTS = 0;

    /** First byte of a reply that carries a failure. */
    static final byte FAILURE = 1;

    private final byte[] function;
    private final byte[] items;

    @IgniteInstanceResource
    private transient Ignite ignite;

    ChunkJob(final byte[] function, final byte[] items)
    {
        this.function = function;
        this.items = items;
    }

    @Override
    @SuppressWarnings("unchecked")
    public byte[] call()
    {
        final Thread thread = Thread.currentThread();
        final ClassLoader previous = thread.getContextClassLoader();
        final ClassLoader userClasses = ignite == null ? null : ignite.configuration().getClassLoader();
        if (userClasses != null)
        {
            thread.setContextClassLoader(userClasses);
        }
        try
        {
            final PoolFunction<Object, Object> applied =
                (PoolFunction<Object, Object>)JavaSerialization.deserialize(function, "pool function");
            final List<Object> inputs = Codec.decodeList(items);
            final ArrayList<Object> results = new ArrayList<>(inputs.size());
            for (final Object input : inputs)
            {
                results.add(applied.apply(input));
            }
            return tagged(RESULTS, Codec.encodeList(results));
        }
        catch (final Throwable failure)
        {
            return tagged(FAILURE, RemoteException.encode(failure));
        }
        finally
        {
            thread.setContextClassLoader(previous);
        }
    }

    private static byte[] tagged(final byte tag, final byte[] body)
    {
        final byte[] reply = new byte[body.length + 1];
        reply[0] = tag;
        System.arraycopy(body, 0, reply, 1, body.length);
        return reply;
    }
}
