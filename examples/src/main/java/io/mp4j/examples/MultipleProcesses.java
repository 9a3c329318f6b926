package io.mp4j.examples;

import io.mp4j.process.ChildProcess;

import java.util.ArrayList;
import java.util.List;

/**
 * Starts five child JVMs at once, each with its own argument. Python:
 * <pre>
 * processes = [Process(target=process_number, args=(i,)) for i in range(5)]
 * for p in processes: p.start()
 * for p in processes: p.join()
 * </pre>
 */
public final class MultipleProcesses
{
    private MultipleProcesses()
    {
    }

    /**
     * Runs the example.
     *
     * @param args unused.
     * @throws InterruptedException if interrupted while joining the children.
     */
    public static void main(final String[] args) throws InterruptedException
    {
        final List<ChildProcess> children = new ArrayList<>();
        for (int i = 0; i < 5; i++)
        {
            // A target plus an argument, like Process(target=f, args=(i,)); the argument is serialized.
            children.add(new ChildProcess(MultipleProcesses::processNumber, i).start());
        }
        // The children run at the same time, so their lines come in any order.
        for (final ChildProcess child : children)
        {
            child.join();
        }
    }

    private static void processNumber(final Integer number)
    {
        System.out.println("Processing number: " + number);
    }
}
