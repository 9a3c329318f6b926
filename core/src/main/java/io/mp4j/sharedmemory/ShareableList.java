package io.mp4j.sharedmemory;

import io.mp4j.Mp4jException;
import org.agrona.concurrent.AtomicBuffer;

import java.io.Serial;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;
import java.util.RandomAccess;
import java.util.UUID;

/**
 * A fixed-length list of numbers, booleans, strings, byte arrays and nulls in a {@link SharedMemory}
 * block: Python's {@code shared_memory.ShareableList}. Each item keeps the kind it was created with;
 * a string or byte array may be replaced by another that fits in the bytes the original took
 * (rounded up to 8), as in Python.
 * <p>
 * Reads and writes of one item are not atomic with respect to other processes: guard a list that
 * several processes write with a shared lock. The list is {@link Serializable}: a child that receives
 * it attaches to the same block.
 * <pre>
 *  +--------------+--------------------------------------------------------+----------------------+
 *  | count (int)  | item descriptors: kind, capacity, offset, length (16 B) | item data, 8-aligned |
 *  +--------------+--------------------------------------------------------+----------------------+
 * </pre>
 */
public final class ShareableList extends AbstractList<Object> implements RandomAccess, AutoCloseable, Serializable
{
    @Serial
    private static final long serialVersionUID = 1L;

    private static final int COUNT_OFFSET = 0;
    private static final int DESCRIPTORS_OFFSET = 8;
    private static final int DESCRIPTOR_LENGTH = 16;
    private static final int KIND_OFFSET = 0;
    private static final int CAPACITY_OFFSET = 4;
    private static final int DATA_OFFSET = 8;
    private static final int LENGTH_OFFSET = 12;

    private static final int NONE = 0;
    private static final int LONG = 1;
    private static final int DOUBLE = 2;
    private static final int BOOLEAN = 3;
    private static final int STRING = 4;
    private static final int BYTES = 5;

    private final SharedMemory block;

    private ShareableList(final SharedMemory block)
    {
        this.block = block;
    }

    /**
     * Creates a list in a new block of the current session: Python's {@code ShareableList(sequence, name=name)}.
     *
     * @param name  the block's name.
     * @param items the initial items: {@code Byte}, {@code Short}, {@code Integer}, {@code Long} (read back
     *              as {@code Long}), {@code Float}, {@code Double} (read back as {@code Double}),
     *              {@code Boolean}, {@code String}, {@code byte[]} or null.
     * @return the list.
     * @throws IllegalArgumentException if an item is of another kind.
     */
    public static ShareableList create(final String name, final List<?> items)
    {
        int dataLength = 0;
        for (final Object item : items)
        {
            dataLength += capacityFor(item);
        }
        final int dataStart = DESCRIPTORS_OFFSET + items.size() * DESCRIPTOR_LENGTH;
        final SharedMemory block = SharedMemory.create(name, Math.max(1, dataStart + dataLength));
        final AtomicBuffer buffer = block.buffer();
        int dataOffset = dataStart;
        for (int i = 0; i < items.size(); i++)
        {
            final Object item = items.get(i);
            final int descriptor = DESCRIPTORS_OFFSET + i * DESCRIPTOR_LENGTH;
            final int capacity = capacityFor(item);
            buffer.putInt(descriptor + KIND_OFFSET, kindOf(item));
            buffer.putInt(descriptor + CAPACITY_OFFSET, capacity);
            buffer.putInt(descriptor + DATA_OFFSET, dataOffset);
            dataOffset += capacity;
        }
        buffer.putIntOrdered(COUNT_OFFSET, items.size());
        final ShareableList list = new ShareableList(block);
        for (int i = 0; i < items.size(); i++)
        {
            list.write(i, items.get(i));
        }
        return list;
    }

    /**
     * Creates a list in a block with a generated name: Python's {@code ShareableList(sequence)}.
     *
     * @param items the initial items.
     * @return the list; its block's name is {@code shm().name()}.
     */
    public static ShareableList create(final List<?> items)
    {
        return create("psl_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16), items);
    }

    /**
     * Attaches to a list another process created: Python's {@code ShareableList(name=name)}.
     *
     * @param name the block's name.
     * @return the list.
     */
    public static ShareableList attach(final String name)
    {
        return new ShareableList(SharedMemory.attach(name));
    }

    /**
     * The block the list lives in: Python's {@code shm}.
     *
     * @return the block.
     */
    public SharedMemory shm()
    {
        return block;
    }

    @Override
    public int size()
    {
        return block.buffer().getIntVolatile(COUNT_OFFSET);
    }

    @Override
    public Object get(final int index)
    {
        final AtomicBuffer buffer = block.buffer();
        final int descriptor = descriptor(index);
        final int offset = buffer.getInt(descriptor + DATA_OFFSET);
        return switch (buffer.getIntVolatile(descriptor + KIND_OFFSET))
        {
            case NONE -> null;
            case LONG -> buffer.getLongVolatile(offset);
            case DOUBLE -> Double.longBitsToDouble(buffer.getLongVolatile(offset));
            case BOOLEAN -> buffer.getLongVolatile(offset) != 0;
            case STRING -> new String(bytesAt(buffer, descriptor, offset), StandardCharsets.UTF_8);
            case BYTES -> bytesAt(buffer, descriptor, offset);
            default -> throw new Mp4jException("corrupt shareable list: name=" + block.name() + " index=" + index);
        };
    }

    /**
     * Replaces an item with a value of any kind that fits the item's bytes, as Python's does: a number,
     * boolean or null always fits, a string or byte array must be no longer than the item's capacity.
     *
     * @param index   the item's index.
     * @param element the new value.
     * @return the previous value.
     * @throws IllegalArgumentException if the value is of a kind a list cannot hold, or does not fit; the
     *                                  item keeps its value then.
     */
    @Override
    public Object set(final int index, final Object element)
    {
        final Object previous = get(index);
        write(index, element);
        return previous;
    }

    /** Unmaps the list's block in this process; the block stays. Idempotent. */
    @Override
    public void close()
    {
        block.close();
    }

    /** Removes the list's block. */
    public void unlink()
    {
        block.unlink();
    }

    private void write(final int index, final Object value)
    {
        final AtomicBuffer buffer = block.buffer();
        final int descriptor = descriptor(index);
        final int kind = kindOf(value);
        final int offset = buffer.getInt(descriptor + DATA_OFFSET);
        switch (kind)
        {
            case NONE -> buffer.putLongVolatile(offset, 0);
            case LONG -> buffer.putLongVolatile(offset, ((Number)value).longValue());
            case DOUBLE -> buffer.putLongVolatile(offset, Double.doubleToRawLongBits(((Number)value).doubleValue()));
            case BOOLEAN -> buffer.putLongVolatile(offset, (Boolean)value ? 1 : 0);
            default ->
            {
                final byte[] bytes = kind == STRING ? ((String)value).getBytes(StandardCharsets.UTF_8) : (byte[])value;
                final int capacity = buffer.getInt(descriptor + CAPACITY_OFFSET);
                if (bytes.length > capacity)
                {
                    throw new IllegalArgumentException("value does not fit the item: name=" + block.name() +
                        " index=" + index + " kind=" + kindName(kind) + " length=" + bytes.length +
                        " capacity=" + capacity);
                }
                buffer.putBytes(offset, bytes);
                buffer.putIntVolatile(descriptor + LENGTH_OFFSET, bytes.length);
            }
        }
        // The kind last: a reader in this process that sees the new kind sees the value written above.
        buffer.putIntVolatile(descriptor + KIND_OFFSET, kind);
    }

    /**
     * The list's block and items, e.g. {@code ShareableList{name=psl_1f2e, items=[7, howdy, null]}}.
     *
     * @return a description for logs.
     */
    @Override
    public String toString()
    {
        if (block.isClosed())
        {
            return "ShareableList{name=" + block.name() + ", closed}";
        }
        final StringBuilder items = new StringBuilder("[");
        for (int i = 0, size = size(); i < size; i++)
        {
            final Object item = get(i);
            items.append(i == 0 ? "" : ", ").append(item instanceof byte[] ? Arrays.toString((byte[])item) : item);
        }
        return "ShareableList{name=" + block.name() + ", items=" + items.append(']') + '}';
    }

    private int descriptor(final int index)
    {
        final int size = size();
        if (index < 0 || index >= size)
        {
            throw new IndexOutOfBoundsException("index=" + index + " size=" + size);
        }
        return DESCRIPTORS_OFFSET + index * DESCRIPTOR_LENGTH;
    }

    private static byte[] bytesAt(final AtomicBuffer buffer, final int descriptor, final int offset)
    {
        final byte[] bytes = new byte[buffer.getIntVolatile(descriptor + LENGTH_OFFSET)];
        buffer.getBytes(offset, bytes);
        return bytes;
    }

    private static int kindOf(final Object item)
    {
        if (item == null)
        {
            return NONE;
        }
        if (item instanceof Long || item instanceof Integer || item instanceof Short || item instanceof Byte)
        {
            return LONG;
        }
        if (item instanceof Double || item instanceof Float)
        {
            return DOUBLE;
        }
        if (item instanceof Boolean)
        {
            return BOOLEAN;
        }
        if (item instanceof String)
        {
            return STRING;
        }
        if (item instanceof byte[])
        {
            return BYTES;
        }
        throw new IllegalArgumentException("a shareable list holds numbers, booleans, strings, byte[] and null: " +
            "class=" + item.getClass().getName());
    }

    private static int capacityFor(final Object item)
    {
        return switch (kindOf(item))
        {
            case STRING -> align8(((String)item).getBytes(StandardCharsets.UTF_8).length);
            case BYTES -> align8(((byte[])item).length);
            default -> Long.BYTES;
        };
    }

    private static int align8(final int length)
    {
        return Math.max(8, (length + 7) & ~7);
    }

    private static String kindName(final int kind)
    {
        return switch (kind)
        {
            case NONE -> "null";
            case LONG -> "integer";
            case DOUBLE -> "floating point";
            case BOOLEAN -> "boolean";
            case STRING -> "string";
            default -> "bytes";
        };
    }
}
