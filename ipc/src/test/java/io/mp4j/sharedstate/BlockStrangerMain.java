package io.mp4j.sharedstate;

import io.mp4j.sharedmemory.SharedMemory;

/**
 * A JVM unrelated to the test's: it has a session of its own and is nobody's child in mp4j's sense.
 * {@code attach NAME} reads long 0 of a block and writes long 8; {@code leak NAME} creates a block and
 * exits without unlinking it; {@code hold NAME} creates a block and waits to be killed.
 */
public final class BlockStrangerMain
{
    private BlockStrangerMain()
    {
    }

    /**
     * Runs one command.
     *
     * @param args the command and the block's name.
     * @throws InterruptedException never: {@code hold} sleeps until killed.
     */
    public static void main(final String[] args) throws InterruptedException
    {
        final String name = args[1];
        switch (args[0])
        {
            case "attach" ->
            {
                try (SharedMemory block = SharedMemory.attach(name))
                {
                    System.out.println("read=" + block.buffer().getLongVolatile(0));
                    block.buffer().putLongVolatile(8, 4242);
                }
            }
            case "leak" ->
            {
                final SharedMemory block = SharedMemory.create(name, 64);
                block.buffer().putLongVolatile(0, 5);
                System.out.println("created");
            }
            case "hold" ->
            {
                SharedMemory.create(name, 64);
                System.out.println("created");
                Thread.sleep(Long.MAX_VALUE);
            }
            default -> throw new IllegalArgumentException("unknown command: " + args[0]);
        }
        System.out.println("done");
    }
}
