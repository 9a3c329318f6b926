package io.mp4j.shared;

import io.mp4j.RegionLayoutException;
import io.mp4j.WaitStrategy;
import io.mp4j.internal.region.Region;
import io.mp4j.internal.region.RegionKind;
import io.mp4j.session.Session;
import io.mp4j.sync.SharedMutex;
import org.agrona.concurrent.AtomicBuffer;

import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.Serial;
import java.io.Serializable;
import java.lang.invoke.VarHandle;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.util.function.Function;

import static io.mp4j.shared.ArrayDescriptor.ELEMENTS_OFFSET;

/**
 * What the four shared arrays have in common over {@link SharedMemoryHandle}: the {@link ArrayDescriptor}
 * region with its length, the view of the elements, and travelling between JVMs as a {@link SharedHandle}.
 * The typed accessors stay in each array, as in the JDK's {@code AtomicIntegerArray} and
 * {@code AtomicLongArray}, so that an element access is one index check and one buffer access.
 */
abstract class SharedArrayHandle extends SharedMemoryHandle implements Serializable
{
    @Serial
    private static final long serialVersionUID = 1L;

    /** How many elements {@code toString()} shows at most. */
    static final int DESCRIBED_ELEMENTS = 8;

    /** The number of elements, checked against the region on attach. */
    final int length;

    /** The elements alone, from element 0, for bulk copies and kernels. */
    final AtomicBuffer view;

    /** The elements' mapping as a JDK buffer, made by the first {@link #pinnedElements}: it keeps the memory mapped. */
    private transient volatile ByteBuffer pinned;

    SharedArrayHandle(
        final Region region, final int type, final int elementSize, final WaitStrategy waitStrategy,
        final SharedMutex sharedLock)
    {
        super(region, type, ArrayDescriptor.LOCK_OFFSET, waitStrategy, sharedLock);
        this.length = checkedLength(region, buffer.getInt(ArrayDescriptor.LENGTH_OFFSET), elementSize);
        this.view = region.view(ELEMENTS_OFFSET, length * elementSize);
    }

    /**
     * Creates the zeroed region of a new array and publishes its type, flags and length, ready to attach.
     *
     * @param session     the session the region lives in.
     * @param type        a {@code ValueDescriptor.TYPE_*} code.
     * @param elementSize the size of one element in bytes.
     * @param length      the number of elements.
     * @param flags       the {@code ValueDescriptor.FLAG_*} bits: which lock guards the array.
     * @return the new region.
     */
    static Region newArrayRegion(
        final Session session, final int type, final int elementSize, final int length, final int flags)
    {
        final int bodyLength = ArrayDescriptor.bodyLength(length, elementSize);
        final Region region = newRegion(session, RegionKind.ARRAY, type, flags, bodyLength);
        region.body().putInt(ArrayDescriptor.LENGTH_OFFSET, length);
        VarHandle.releaseFence();
        return region;
    }

    private static int checkedLength(final Region region, final int length, final int elementSize)
    {
        if (length < 0 || ELEMENTS_OFFSET + (long)length * elementSize > region.bodyLength())
        {
            throw new RegionLayoutException("shared array longer than its region: file=" + region.file() +
                " length=" + length + " elementSize=" + elementSize + " bodyLength=" + region.bodyLength());
        }
        return length;
    }

    // length() and view() were declared by each array and are not final, so that javac still gives each
    // public array class a public method of its own (a bridge) and reflection on the array class keeps working.

    /**
     * The number of elements: Python's {@code len(array)}.
     *
     * @return the fixed length.
     */
    public int length()
    {
        return length;
    }

    /**
     * The elements as a buffer over the shared memory itself, for kernels: element {@code i} is at byte
     * index {@code i} times the element size ({@code Byte.BYTES}, {@code Integer.BYTES}, {@code Long.BYTES}
     * or {@code Double.BYTES}), in the platform's byte order. No copy is made; the buffer is emptied when
     * the region is closed, so a late access throws instead of reading freed memory. A loop over many
     * elements runs faster over the typed array's {@code asXxxBuffer()}, whose bounds check the JIT hoists.
     *
     * @return this handle's view of all elements.
     */
    public AtomicBuffer view()
    {
        return view;
    }

    /**
     * The elements as a new JDK buffer over the shared memory, for the typed arrays' {@code asXxxBuffer()}.
     *
     * @param as makes the buffer from a native-order byte buffer over the elements, e.g. {@code ByteBuffer::asLongBuffer}.
     * @param <B> the buffer's type.
     * @return the buffer, position 0, limit the array's length.
     */
    final <B extends Buffer> B elements(final Function<ByteBuffer, B> as)
    {
        return region.buffer(ELEMENTS_OFFSET, view.capacity(), as);
    }

    /**
     * The elements' mapping, for a kernel that reads the memory directly at its address, as the {@code sum}
     * methods do. It is handed out once as a JDK buffer, so that, as with {@code asXxxBuffer()}, closing the
     * array empties that buffer and leaves the unmapping to the garbage collector: an array closed by
     * another thread while a kernel runs is never unmapped under it. The kernel keeps the buffer reachable
     * until it is done.
     *
     * @return the buffer over all elements.
     * @throws IllegalStateException if the array is closed.
     */
    final ByteBuffer pinnedElements()
    {
        ByteBuffer elements = pinned;
        if (elements == null)
        {
            elements = elements(Function.identity());
            pinned = elements;
        }
        if (region.isClosed())
        {
            throw new IllegalStateException("array closed: region=" + region.file());
        }
        return elements;
    }

    /**
     * The start of an array's description, up to its first element.
     *
     * @param name the array class's simple name.
     * @return e.g. {@code "SharedIntArray{length=100, ["}, to append elements to.
     */
    final StringBuilder describeStart(final String name)
    {
        return new StringBuilder(64).append(name).append("{length=").append(length).append(", [");
    }

    /**
     * The end of an array's description: an ellipsis if elements were left out.
     *
     * @param text  the description so far.
     * @param shown how many elements it shows.
     * @return the description.
     */
    final String describeEnd(final StringBuilder text, final int shown)
    {
        return text.append(shown < length ? ", ...]}" : "]}").toString();
    }

    /** An array travels as its {@link SharedHandle}, which attaches to the same region on the other side. */
    @Serial
    final Object writeReplace()
    {
        return handle();
    }

    // A second guard: SharedMemoryHandle is not Serializable and has no no-argument constructor, so a
    // stream naming an array class itself already fails with "no valid constructor".
    @Serial
    private void readObject(final ObjectInputStream in) throws InvalidObjectException
    {
        throw new InvalidObjectException(getClass().getSimpleName() + " travels as a SharedHandle");
    }
}
