package io.mp4j.pool;

import io.mp4j.EncodingException;
import io.mp4j.codec.ListCodec;
import io.mp4j.worker.internal.PoolChannel;
import org.agrona.MutableDirectBuffer;

import java.util.List;

/**
 * A chunk of a call, as it travels: which call, which chunk, and its items, either encoded already or
 * (a range of the caller's list that starts with a boxed number) encoded straight into the ring each time
 * it is sent, so that only the chunks in flight take room in the parent's heap. Such a range is read once,
 * as it is sent, in the engine's thread: if an item turns out not to be of the first one's type, the range
 * is serialized there instead.
 */
final class PoolTask implements PoolChannel.Payload
{
    final PoolCall call;
    final int index;
    /** Where its items start in the call's list; -1 if unknown (a resumed call's chunk). */
    final int from;
    private byte[] items;
    private final List<?> source;
    private final int to;
    private final byte tag;
    int attempts;
    /** Its sequence on the channel of the worker it was last sent to; the engine thread's. */
    long sequence;

    /** A chunk encoded already. */
    PoolTask(final PoolCall call, final int index, final byte[] items)
    {
        this(call, index, -1, items, null, -1, ListCodec.NOT_PRIMITIVE);
    }

    private PoolTask(
        final PoolCall call, final int index, final int from, final byte[] items, final List<?> source,
        final int to, final byte tag)
    {
        this.call = call;
        this.index = index;
        this.from = from;
        this.items = items;
        this.source = source;
        this.to = to;
        this.tag = tag;
    }

    /**
     * A chunk of items {@code from .. to-1} of a list: encoded now unless the first is an {@code Integer},
     * {@code Long} or {@code Double}, in which case it is encoded when sent.
     *
     * @throws io.mp4j.EncodingException if it is encoded now and an item is not serializable.
     */
    static PoolTask of(final PoolCall call, final int index, final List<?> items, final int from, final int to)
    {
        final Object first = items.get(from);
        final byte tag = ListCodec.tagOf(first == null ? null : first.getClass());
        return tag != ListCodec.NOT_PRIMITIVE ? new PoolTask(call, index, from, null, items, to, tag) :
            new PoolTask(call, index, from, serialize(items, from, to), null, to, tag);
    }

    private static byte[] serialize(final List<?> items, final int from, final int to)
    {
        try
        {
            return ListCodec.encode(items, from, to);
        }
        catch (final EncodingException ex)
        {
            throw new EncodingException("pool items " + from + ".." + (to - 1) + ": " + ex.getMessage(), ex);
        }
    }

    /** The encoded items, encoded anew for a chunk that is encoded when sent. */
    byte[] items()
    {
        return items != null ? items : ListCodec.encode(source, from, to);
    }

    /**
     * Writes the chunk to a channel's task ring; false if the ring is full.
     *
     * @throws EncodingException if its items are serialized now and one is not serializable.
     */
    boolean writeTo(final PoolChannel channel)
    {
        if (items == null)
        {
            try
            {
                return channel.writePayload(channel.tasks(), PoolChannel.TASK, call.id, index, this);
            }
            catch (final ClassCastException notAllOneType)
            {
                items = serialize(source, from, to);
            }
        }
        return channel.write(channel.tasks(), PoolChannel.TASK, call.id, index, items);
    }

    @Override
    public int length()
    {
        return ListCodec.primitiveLength(tag, to - from);
    }

    @Override
    public void write(final MutableDirectBuffer buffer, final int offset)
    {
        ListCodec.encodePrimitive(tag, source, from, to, buffer, offset);
    }
}
