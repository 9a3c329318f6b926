package io.mp4j.connection;

import io.mp4j.BufferTooShortException;
import io.mp4j.codec.Codec;
import io.mp4j.internal.channel.SpillFile;
import io.mp4j.session.Session;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.ControlledMessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;

import java.io.Serial;

/**
 * Takes one message out of a connection's ring, fetching a spilled one from its file; one per end, reused,
 * so that receiving a message that fits the ring allocates nothing (beyond what the caller asked for).
 */
final class Receiver implements ControlledMessageHandler
{
    static final int DECODE = 0;
    static final int BYTES = 1;
    static final int INTO = 2;

    private final Connection connection;
    int mode;
    int maxLength = Integer.MAX_VALUE;
    MutableDirectBuffer destination;
    int destinationOffset;
    int length;
    private boolean done;
    private Object value;
    private RuntimeException failure;
    private byte[] tooShort;

    Receiver(final Connection connection)
    {
        this.connection = connection;
    }

    boolean readOne(final RingBuffer ring)
    {
        done = false;
        final long before = ring.consumerPosition();
        ring.controlledRead(this, 1);
        if (!done && ring.consumerPosition() != before)
        {
            // Only the padding at the ring's end was read; the message is at its start. A reader that
            // stopped here would sleep with a message waiting that has already been rung for.
            ring.controlledRead(this, 1);
        }
        return done;
    }

    Object take()
    {
        final Object result = value;
        final RuntimeException error = failure;
        final byte[] unfit = tooShort;
        value = null;
        failure = null;
        tooShort = null;
        if (unfit != null)
        {
            throw new BufferTooShortException("message does not fit the buffer: length=" + unfit.length +
                " capacity=" + destination.capacity() + " offset=" + destinationOffset, unfit);
        }
        if (error != null)
        {
            throw error;
        }
        return result;
    }

    @Override
    public Action onMessage(final int type, final MutableDirectBuffer buffer, final int index, final int length)
    {
        done = true;
        try
        {
            if (type == Connection.SPILLED_OBJECT_MESSAGE || type == Connection.SPILLED_BYTES_MESSAGE)
            {
                final byte[] payload = SpillFile.take(connection.session(), buffer.getStringWithoutLengthUtf8(index, length));
                accept(type == Connection.SPILLED_BYTES_MESSAGE, new UnsafeBuffer(payload), 0, payload.length);
            }
            else
            {
                accept(type == Connection.BYTES_MESSAGE, buffer, index, length);
            }
        }
        catch (final RuntimeException ex)
        {
            // The message is consumed either way: a message that cannot be decoded here never will be.
            failure = ex;
        }
        return Action.COMMIT;
    }

    private void accept(final boolean rawBytes, final DirectBuffer buffer, final int index, final int length)
    {
        this.length = length;
        switch (mode)
        {
            case INTO:
                final MutableDirectBuffer target = destination;
                if (!target.isExpandable() && (long)destinationOffset + length > target.capacity())
                {
                    // As Python's BufferTooShort: the message is consumed and travels in the exception.
                    final byte[] unfit = new byte[length];
                    buffer.getBytes(index, unfit);
                    tooShort = unfit;
                    return;
                }
                target.putBytes(destinationOffset, buffer, index, length);
                break;
            case BYTES:
                if (length > maxLength)
                {
                    throw new MessageLengthException(length);
                }
                final byte[] bytes = new byte[length];
                buffer.getBytes(index, bytes);
                value = bytes;
                break;
            default:
                if (rawBytes)
                {
                    final byte[] raw = new byte[length];
                    buffer.getBytes(index, raw);
                    value = raw;
                }
                else
                {
                    value = Codec.decode(buffer, index, length);
                }
        }
    }

    /** Deletes the spill files of messages nobody can receive any more: no copy of this end is left. */
    void discardUnread(final RingBuffer ring)
    {
        final Session spillSession = connection.session();
        long before;
        do
        {
            // Past the padding at the ring's end too: a read that consumed only padding moved the position.
            before = ring.consumerPosition();
            ring.read((type, buffer, index, length) ->
            {
                if (type == Connection.SPILLED_OBJECT_MESSAGE || type == Connection.SPILLED_BYTES_MESSAGE)
                {
                    SpillFile.discard(spillSession, buffer.getStringWithoutLengthUtf8(index, length));
                }
            });
        }
        while (ring.consumerPosition() != before);
    }

    /** Thrown inside the receiver when a message is longer than {@code recvBytes(maxLength)} accepts. */
    static final class MessageLengthException extends RuntimeException
    {
        @Serial
        private static final long serialVersionUID = 1L;

        final int length;

        MessageLengthException(final int length)
        {
            super(null, null, false, false);
            this.length = length;
        }
    }
}
