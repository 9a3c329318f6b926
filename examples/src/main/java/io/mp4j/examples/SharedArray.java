package io.mp4j.examples;

import io.mp4j.process.ChildProcess;
import io.mp4j.shared.SharedDoubleArray;
import org.agrona.concurrent.AtomicBuffer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Two child JVMs each fill half of a shared {@code double} array with squares, in place, and the parent
 * prints the whole array. Python:
 * <pre>
 * def fill(squares, start, stop):
 *     for i in range(start, stop):
 *         squares[i] = i * i
 *
 * squares = RawArray('d', 10)
 * processes = [Process(target=fill, args=(squares, 0, 5)), Process(target=fill, args=(squares, 5, 10))]
 * ...
 * print(squares[:])
 * </pre>
 */
public final class SharedArray
{
    private static final int LENGTH = 10;

    private SharedArray()
    {
    }

    /**
     * Runs the example; prints {@code [0.0, 1.0, 4.0, 9.0, 16.0, 25.0, 36.0, 49.0, 64.0, 81.0]}.
     *
     * @param args unused.
     * @throws InterruptedException if interrupted while joining the children.
     */
    public static void main(final String[] args) throws InterruptedException
    {
        // RawArray('d', 10): ten doubles in shared memory, zeroed, without a lock (each child has its own half).
        try (SharedDoubleArray squares = SharedDoubleArray.createRaw(LENGTH))
        {
            final List<ChildProcess> children = new ArrayList<>();
            for (int half = 0; half < 2; half++)
            {
                children.add(new ChildProcess(SharedArray::fill, squares, half).start());
            }
            for (final ChildProcess child : children)
            {
                child.join();
            }
            // toArray() copies the elements out, as Python's squares[:] does (toString shows the first few).
            System.out.println(Arrays.toString(squares.toArray()));
        }
    }

    private static void fill(final SharedDoubleArray squares, final Integer half)
    {
        // A kernel works on the shared memory in place through the view: element i is at byte i * 8.
        final AtomicBuffer view = squares.view();
        final int start = half * LENGTH / 2;
        for (int i = start; i < start + LENGTH / 2; i++)
        {
            view.putDouble(i * Double.BYTES, (double)i * i);
        }
    }
}
