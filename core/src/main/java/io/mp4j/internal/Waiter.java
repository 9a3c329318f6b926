package io.mp4j.internal;

import io.mp4j.WaitStrategy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * The one way mp4j waits: every blocked {@code recv}, {@code take}, {@code lock}, {@code acquire},
 * {@code await}, and a pool worker waiting for its next task, loops on its own check and calls
 * {@link #idle()} between checks.
 * <pre>{@code
 * final Waiter waiter = Waiter.begin(strategy, region.waitBoard(), TAG, timeoutNanos);
 * try
 * {
 *     while (!tryOnce())
 *     {
 *         if (waiter.checkDue() && peerGone()) { ... }
 *         if (!waiter.idle()) { ... timed out ... }
 *     }
 * }
 * finally
 * {
 *     waiter.end();
 * }
 * }</pre>
 * The waiter spins, then yields, as its {@link WaitStrategy} says; then it announces itself on the
 * {@link WaitBoard}s it watches, lets the caller check once more, and sleeps in the kernel on a
 * doorbell until the process that changes the state rings it ({@link WaitBoard#ring(int)}). Sleeps
 * never pass the deadline and last at most {@value #CHECK_INTERVAL_MILLIS} ms, so that the caller's
 * slow checks ({@link #checkDue()}: is the peer alive? does a dead process hold a slot?) run even when
 * nobody rings; a ringer's process that dies wakes the sleeper at once and makes the check due.
 * Without a board (or when a board is full), the sleep is a timed park with back-off up to
 * {@link WaitStrategy#MAX_PARK_NANOS}. Before it first sleeps, and after each timed park or sleep that
 * nobody rang, it checks that the watched regions' files still cover their mappings, so that a file
 * truncated under it fails the wait with {@link io.mp4j.RegionTruncatedException} instead of a fault in
 * the caller's next access.
 * <p>
 * Waiters belong to threads: {@link #begin(WaitStrategy, long)} takes the calling thread's, and a
 * wait begun while another is under way on the same thread gets a second one. Nothing allocates after a
 * thread's first waits.
 */
public final class Waiter
{
    /** Timeout meaning "wait as long as it takes". */
    public static final long NO_TIMEOUT = -1;

    /** How often, while waiting, {@link #checkDue()} says yes, and the longest single sleep. */
    public static final long CHECK_INTERVAL_MILLIS = 100;

    /** How many boards one wait may watch. */
    public static final int MAX_WATCHED = 64;

    private static final long CHECK_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(CHECK_INTERVAL_MILLIS);
    private static final long MILLI_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long MIN_PARK_NANOS = TimeUnit.MICROSECONDS.toNanos(1);
    private static final ThreadLocal<Waiter> WAITERS = ThreadLocal.withInitial(Waiter::new);
    private static final LongAdder DOORBELL_SLEEPS = new LongAdder();
    private static final LongAdder QUIET_WAKE_SUCCESSES = new LongAdder();
    private static final int QUIET_WAKES_PER_SWEEP = 10;

    private final Thread thread = Thread.currentThread();
    private final WaitBoard[] boards = new WaitBoard[MAX_WATCHED];
    private final int[] tags = new int[MAX_WATCHED];
    private final int[] slotIndexes = new int[MAX_WATCHED];
    private final long[] slotValues = new long[MAX_WATCHED];
    private Waiter nested;
    private int watched;
    private boolean waiting;
    private WaitStrategy strategy;
    private boolean timed;
    private long startNanos;
    private long deadlineNanos;
    private long nextCheckNanos;
    private long parkNanos;
    private boolean checkNow;
    private boolean interruptedMeanwhile;
    private boolean announced;
    private boolean quietWake;
    private int quietWakes;
    private boolean boardless;
    private Doorbell bell;
    private volatile Doorbell sleepingOn;

    private Waiter()
    {
    }

    /**
     * Begins a wait on the calling thread that sleeps on a timer, without a board.
     *
     * @param strategy     how to wait.
     * @param timeoutNanos how long at most, or {@link #NO_TIMEOUT} (any negative number).
     * @return the calling thread's waiter; call {@link #end()} when the wait is over.
     */
    public static Waiter begin(final WaitStrategy strategy, final long timeoutNanos)
    {
        Waiter waiter = WAITERS.get();
        while (waiter.waiting)
        {
            if (waiter.nested == null)
            {
                waiter.nested = new Waiter();
            }
            waiter = waiter.nested;
        }
        waiter.start(strategy, timeoutNanos);
        return waiter;
    }

    /**
     * Begins a wait on the calling thread for something that {@code board}'s changers ring with {@code tag}.
     *
     * @param strategy     how to wait.
     * @param board        the board of the region waited on.
     * @param tag          what is waited for, as the changer rings it (0 to {@value WaitBoard#MAX_TAG}).
     * @param timeoutNanos how long at most, or {@link #NO_TIMEOUT} (any negative number).
     * @return the calling thread's waiter; call {@link #end()} when the wait is over.
     * @throws IllegalArgumentException if the tag is out of range.
     */
    public static Waiter begin(final WaitStrategy strategy, final WaitBoard board, final int tag, final long timeoutNanos)
    {
        WaitBoard.checkTag(tag);
        return begin(strategy, timeoutNanos).watch(board, tag);
    }

    /**
     * How many times threads of this JVM have gone to sleep on a doorbell, for tests and diagnostics.
     *
     * @return the count since the JVM started.
     */
    public static long doorbellSleeps()
    {
        return DOORBELL_SLEEPS.sum();
    }

    /**
     * How many waits of this JVM ended right after a doorbell sleep that nothing rang (it timed out, or
     * another thread woke it with {@link #wake()}): in a program whose changes all ring, each is a
     * wake-up that came late. Zero is the expected count; for tests and diagnostics.
     *
     * @return the count since the JVM started.
     */
    public static long quietWakeSuccesses()
    {
        return QUIET_WAKE_SUCCESSES.sum();
    }

    /**
     * Adds a board to sleep on: the waiter wakes when any watched board is rung with its tag.
     *
     * @param board a region's board.
     * @param tag   what is waited for there.
     * @return this waiter.
     * @throws IllegalStateException    if the wait already watches {@value #MAX_WATCHED} boards.
     * @throws IllegalArgumentException if the tag is out of range.
     */
    public Waiter watch(final WaitBoard board, final int tag)
    {
        WaitBoard.checkTag(tag);
        if (watched == MAX_WATCHED)
        {
            throw new IllegalStateException("a wait watches too many boards: max=" + MAX_WATCHED);
        }
        withdraw();
        boards[watched] = board;
        tags[watched] = tag;
        watched++;
        return this;
    }

    /**
     * Waits a little, as the strategy says, before the caller checks again. An interrupt does not end the
     * wait; it is kept and restored by {@link #end()}.
     *
     * @return false once the deadline has passed (the caller gives up), true to check again.
     */
    public boolean idle()
    {
        if (Thread.interrupted())
        {
            // A thread with its interrupt flag set would not sleep at all: clear it, restore it at the end.
            interruptedMeanwhile = true;
        }
        return idle0();
    }

    /**
     * Waits a little, as {@link #idle()}, but ends the wait if the thread is interrupted.
     *
     * @return false once the deadline has passed, true to check again.
     * @throws InterruptedException if the thread was interrupted.
     */
    public boolean idleInterruptibly() throws InterruptedException
    {
        if (Thread.interrupted())
        {
            throw new InterruptedException();
        }
        return idle0();
    }

    /**
     * Whether the slow checks are due: about every {@value #CHECK_INTERVAL_MILLIS} ms of waiting, and at
     * once after a process that had rung this waiter's doorbell hung up.
     *
     * @return true if the caller should check now.
     */
    public boolean checkDue()
    {
        final long now = System.nanoTime();
        if (checkNow || now - nextCheckNanos >= 0)
        {
            checkNow = false;
            nextCheckNanos = now + CHECK_INTERVAL_NANOS;
            return true;
        }
        return false;
    }

    /**
     * The time left before the deadline.
     *
     * @return nanoseconds left, at least 0; {@link Long#MAX_VALUE} for a wait without a deadline.
     */
    public long remainingNanos()
    {
        return timed ? Math.max(0, deadlineNanos - System.nanoTime()) : Long.MAX_VALUE;
    }

    /**
     * Stops watching every board, e.g. to watch a new set.
     */
    public void unwatch()
    {
        withdraw();
        watched = 0;
        boardless = false;
    }

    /**
     * Starts the wait over, spinning first, after the caller found work: withdraws the announcements and
     * keeps the watched boards and the deadline.
     */
    public void restart()
    {
        withdraw();
        boardless = false;
        startNanos = System.nanoTime();
        parkNanos = MIN_PARK_NANOS;
    }

    /**
     * Wakes this waiter from another thread of the same JVM, e.g. after queueing work for it in memory
     * that no board covers. A wake before the waiter sleeps makes its next sleep return at once.
     */
    public void wake()
    {
        final Doorbell sleeping = sleepingOn;
        if (sleeping != null)
        {
            sleeping.wakeup();
        }
        LockSupport.unpark(thread);
    }

    /** Ends the wait: withdraws its announcements and restores an interrupt that {@link #idle()} kept. */
    public void end()
    {
        if (quietWake)
        {
            quietWake = false;
            QUIET_WAKE_SUCCESSES.increment();
        }
        withdraw();
        watched = 0;
        waiting = false;
        if (interruptedMeanwhile)
        {
            interruptedMeanwhile = false;
            Thread.currentThread().interrupt();
        }
    }

    private void start(final WaitStrategy strategy, final long timeoutNanos)
    {
        final long now = System.nanoTime();
        this.strategy = strategy;
        waiting = true;
        timed = timeoutNanos >= 0;
        deadlineNanos = now + Math.max(0, timeoutNanos);
        startNanos = now;
        nextCheckNanos = now + CHECK_INTERVAL_NANOS;
        parkNanos = MIN_PARK_NANOS;
        checkNow = false;
        interruptedMeanwhile = false;
        announced = false;
        boardless = false;
        watched = 0;
    }

    private boolean idle0()
    {
        quietWake = false;
        final long now = System.nanoTime();
        final long remaining = timed ? deadlineNanos - now : Long.MAX_VALUE;
        if (remaining <= 0)
        {
            return false;
        }

        final long waited = now - startNanos;
        final long spinNanos = strategy.spinNanos();
        if (waited < spinNanos)
        {
            Thread.onSpinWait();
            return true;
        }
        if (waited - spinNanos < strategy.yieldNanos())
        {
            Thread.yield();
            return true;
        }

        if (watched > 0 && !announced && !boardless)
        {
            checkLengths();
            if (announce())
            {
                // Announced: the caller checks once more before the first sleep, so no ring is lost.
                return true;
            }
            boardless = true;
        }

        final long nap = Math.min(remaining, CHECK_INTERVAL_NANOS);
        if (announced && nap >= MILLI_NANOS)
        {
            sleepOnBell(nap);
        }
        else
        {
            LockSupport.parkNanos(this, Math.min(nap, parkNanos));
            parkNanos = Math.min(parkNanos << 1, WaitStrategy.MAX_PARK_NANOS);
            checkLengths();
        }
        return true;
    }

    /**
     * Throws if a watched region's file was truncated while this thread slept: its caller would fault on
     * its next access, and a compare-and-set there would kill the JVM. Announcements on such a board are
     * dropped without touching it.
     */
    private void checkLengths()
    {
        for (int i = 0; i < watched; i++)
        {
            try
            {
                boards[i].checkLength();
            }
            catch (final RuntimeException ex)
            {
                if (announced)
                {
                    announced = false;
                    sleepingOn = null;
                    for (int j = 0; j < watched; j++)
                    {
                        if (j != i && isIntact(boards[j]))
                        {
                            boards[j].withdraw(slotIndexes[j], slotValues[j]);
                        }
                    }
                    releaseBell();
                }
                watched = 0;
                throw ex;
            }
        }
    }

    private static boolean isIntact(final WaitBoard board)
    {
        try
        {
            board.checkLength();
            return true;
        }
        catch (final RuntimeException ex)
        {
            return false;
        }
    }

    private boolean announce()
    {
        final Doorbell.Directory directory = boards[0].directory();
        for (int i = 1; i < watched; i++)
        {
            if (boards[i].directory() != directory)
            {
                // Regions of different sessions: one bell cannot be announced on both.
                return false;
            }
        }

        bell = directory.acquire();
        if (bell == null)
        {
            return false;
        }
        try
        {
            bell.drain();
            if (bell.takePeerHungUp())
            {
                checkNow = true;
            }
        }
        catch (final IOException ex)
        {
            releaseBell();
            return false;
        }

        for (int i = 0; i < watched; i++)
        {
            final long value = WaitBoard.slotValue(bell, tags[i]);
            final int index = boards[i].announce(value);
            if (index < 0)
            {
                for (int j = 0; j < i; j++)
                {
                    boards[j].withdraw(slotIndexes[j], slotValues[j]);
                }
                releaseBell();
                return false;
            }
            slotIndexes[i] = index;
            slotValues[i] = value;
        }
        sleepingOn = bell;
        announced = true;
        return true;
    }

    private void sleepOnBell(final long napNanos)
    {
        DOORBELL_SLEEPS.increment();
        try
        {
            final int rung = bell.sleep(napNanos / MILLI_NANOS);
            // Rung: awake for a reason; a ring that came since wakes the next sleep at once (the selector is
            // level-triggered) or is drained by the bell's next announcement. Not rung: a ring that lands
            // between the timeout and this drain still counts as a ring.
            quietWake = rung == 0 && bell.drain() == 0;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("doorbell failed: " + ex.getMessage(), ex);
        }
        if (bell.takePeerHungUp())
        {
            checkNow = true;
        }
        if (quietWake)
        {
            // Only when nobody rang: a stat costs microseconds, which a woken waiter's latency cannot spare.
            checkLengths();
        }
        if (quietWake && ++quietWakes % QUIET_WAKES_PER_SWEEP == 0)
        {
            // Nobody has rung for a while: free slots that killed sleepers left on the boards.
            for (int i = 0; i < watched; i++)
            {
                boards[i].sweepDead();
            }
        }
        for (int i = 0; i < watched; i++)
        {
            if (!boards[i].rearm(slotIndexes[i], slotValues[i]))
            {
                // A ringer took this bell for dead and freed its slot: announce afresh.
                withdraw();
                return;
            }
        }
    }

    private void withdraw()
    {
        if (announced)
        {
            announced = false;
            sleepingOn = null;
            for (int i = 0; i < watched; i++)
            {
                boards[i].withdraw(slotIndexes[i], slotValues[i]);
            }
            releaseBell();
        }
    }

    private void releaseBell()
    {
        if (bell != null)
        {
            bell.release();
            bell = null;
        }
    }
}
