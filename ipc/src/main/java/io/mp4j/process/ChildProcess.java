package io.mp4j.process;

import io.mp4j.Mp4jException;
import io.mp4j.RemoteException;
import io.mp4j.host.internal.HostedChild;
import io.mp4j.internal.JavaSerialization;
import io.mp4j.internal.ShutdownSequence;
import io.mp4j.internal.Threads;
import io.mp4j.process.internal.ChildClassPath;
import io.mp4j.process.internal.ChildMain;
import io.mp4j.process.internal.ChildSpec;
import io.mp4j.process.internal.ClassDataSharing;
import io.mp4j.process.internal.ExitStatus;
import io.mp4j.process.internal.LaunchSpec;
import io.mp4j.process.internal.OutputLines;
import io.mp4j.process.internal.ProcessState;
import io.mp4j.session.Session;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A child JVM running a serializable target: Python's {@code multiprocessing.Process}.
 * <pre>{@code
 * ChildProcess child = new ChildProcess(() -> System.out.println("Hello from a separate process!"));
 * child.start();
 * child.join();
 * }</pre>
 * The target reaches the child through the session, the child runs with this JVM's classpath and JVM
 * options, and its standard output and error are copied to this JVM's, line by line. When the target
 * returns, the child exits once the non-daemon threads it started have ended, as a JVM's {@code main}
 * does. An exception that escapes the target ends the child with exit code 1 and comes back as
 * {@link #failure()}, with the child's stack trace. A child exits by itself within moments of its parent's death, however the
 * parent died; at a normal exit of the parent, daemon children are stopped and the others joined.
 * <p>
 * A <em>hosted</em> child runs its target in a warm worker JVM leased from a running
 * {@link io.mp4j.host.WorkerHost} instead of a new JVM, and starts in about a millisecond:
 * <pre>{@code
 * ChildProcess child = new ChildProcess(new ProcessContext().host("app"), () -> work()).start();
 * }</pre>
 * It behaves as a spawned child (output copied line by line, exit code, failure, name, terminate, kill,
 * death with its parent), with these differences: {@link #pid()} is the worker's; {@link #terminate()}
 * and {@link #kill()} end the worker's JVM, which the host replaces; daemon threads the target leaves
 * running stay in the warm JVM, their output going to the host's, while non-daemon threads or child
 * processes it leaves running retire the worker (the host starts another);
 * a worker host that stops under a running child ends it with a {@link #failure()} saying
 * {@code worker host stopped}.
 * <p>
 * Configure (name, daemon) before {@link #start()}; after it, any thread may query, join or stop the
 * child.
 */
public final class ChildProcess
{
    /** Exit code of a child that ended because an exception escaped its target. */
    public static final int FAILED_EXIT_CODE = ChildMain.FAILED_EXIT_CODE;

    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final long OUTPUT_DRAIN_MILLIS = 2_000;
    private static final long DAEMON_STOP_MILLIS = 1_000;
    /** The exit code of a {@code java} launcher that could not create the JVM or load the main class. */
    private static final int LAUNCHER_FAILED_EXIT_CODE = 1;

    private final ProcessContext context;
    private ProcessTarget target;
    /** The class of the target the caller gave, for the class-data archive: a wrapper's would be mp4j's own. */
    private final Class<?> targetClass;
    private final String identity;
    private String name;
    private boolean daemon;
    private final CompletableFuture<ChildProcess> exit = new CompletableFuture<>();
    private volatile Process process;
    private volatile HostedChild hosted;
    private volatile RemoteException failure;
    private volatile int exitCode;
    private volatile int exitSignal;
    private volatile boolean closed;
    /** The spawned child's reaper, which close() lets finish; guarded by this. */
    private Thread reaper;

    static
    {
        ShutdownSequence.add(ShutdownSequence.CHILDREN, "stop daemon children, join the others",
            ChildProcess::stopChildrenAtExit);
    }

    /**
     * A child that will run the target with the default context.
     *
     * @param target what the child runs; serialized at {@link #start()}.
     */
    public ChildProcess(final ProcessTarget target)
    {
        this(ProcessContext.defaultContext(), target);
    }

    /**
     * A child that will run a one-argument target: Python's {@code Process(target=f, args=(a,))}.
     *
     * @param target   what the child runs.
     * @param argument the argument passed to it, copied by serialization.
     * @param <A>      the argument's type.
     */
    public <A> ChildProcess(final ProcessTarget1<A> target, final A argument)
    {
        this(ProcessContext.defaultContext(), () -> target.run(argument), classOf(target));
    }

    /**
     * A child that will run a two-argument target: Python's {@code Process(target=f, args=(a, b))}.
     *
     * @param target the target.
     * @param first  the first argument, copied by serialization.
     * @param second the second argument, copied by serialization.
     * @param <A>    the first argument's type.
     * @param <B>    the second argument's type.
     */
    public <A, B> ChildProcess(final ProcessTarget2<A, B> target, final A first, final B second)
    {
        this(ProcessContext.defaultContext(), () -> target.run(first, second), classOf(target));
    }

    /**
     * A child that will run a one-argument target with the given context: Python's
     * {@code ctx.Process(target=f, args=(a,))}.
     *
     * @param context  how the child is started, e.g. on a worker host.
     * @param target   what the child runs.
     * @param argument the argument passed to it, copied by serialization.
     * @param <A>      the argument's type.
     */
    public <A> ChildProcess(final ProcessContext context, final ProcessTarget1<A> target, final A argument)
    {
        this(context, () -> target.run(argument), classOf(target));
    }

    /**
     * A child that will run a two-argument target with the given context: Python's
     * {@code ctx.Process(target=f, args=(a, b))}.
     *
     * @param context how the child is started, e.g. on a worker host.
     * @param target  the target.
     * @param first   the first argument, copied by serialization.
     * @param second  the second argument, copied by serialization.
     * @param <A>     the first argument's type.
     * @param <B>     the second argument's type.
     */
    public <A, B> ChildProcess(
        final ProcessContext context, final ProcessTarget2<A, B> target, final A first, final B second)
    {
        this(context, () -> target.run(first, second), classOf(target));
    }

    /**
     * A child that will run the target with the given context.
     *
     * @param context how the child JVM is started, or which worker host runs it.
     * @param target  what the child runs; serialized at {@link #start()}.
     */
    public ChildProcess(final ProcessContext context, final ProcessTarget target)
    {
        this(context, target, classOf(target));
    }

    private static Class<?> classOf(final Object target)
    {
        return target == null ? null : target.getClass();
    }

    private ChildProcess(final ProcessContext context, final ProcessTarget target, final Class<?> targetClass)
    {
        this.context = context.conclude();
        this.target = target;
        this.targetClass = targetClass;
        final String parentIdentity = ProcessState.snapshot().identity();
        this.identity = (parentIdentity.isEmpty() ? "" : parentIdentity + ':') + COUNTER.incrementAndGet();
        this.name = "ChildProcess-" + identity;
    }

    /**
     * Sets the name, before {@link #start()}; default {@code ChildProcess-N} (Python's {@code Process-N}).
     *
     * @param name the child's name, seen by it as {@link Multiprocessing#currentProcess()}.
     * @return this, for chaining.
     */
    public synchronized ChildProcess name(final String name)
    {
        checkNotStarted();
        this.name = name;
        return this;
    }

    /**
     * The child's name.
     *
     * @return e.g. {@code ChildProcess-1}.
     */
    public String name()
    {
        return name;
    }

    /**
     * Sets the daemon flag, before {@link #start()}: a daemon child is stopped when its parent exits,
     * a non-daemon child is waited for.
     *
     * @param daemon true for a daemon child.
     * @return this, for chaining.
     */
    public synchronized ChildProcess daemon(final boolean daemon)
    {
        checkNotStarted();
        this.daemon = daemon;
        return this;
    }

    /**
     * Whether the child is a daemon.
     *
     * @return the daemon flag.
     */
    public boolean isDaemon()
    {
        return daemon;
    }

    /**
     * Serializes the target, hands it to a new child JVM through the session and starts that JVM; or, with
     * a context that names a worker host, hands it to a free worker of the host, waiting up to the
     * context's {@link ProcessContext#leaseTimeout() lease timeout} for one.
     *
     * @return this, for chaining.
     * @throws io.mp4j.EncodingException   if the target or what it captures is not serializable; no
     *                                          JVM is started then.
     * @throws IllegalStateException            if the child was started before.
     * @throws io.mp4j.Mp4jTimeoutException if the host's workers all stayed leased for the lease
     *                                          timeout; the child is not started and may be started again.
     * @throws Mp4jException                    if the JVM cannot be started, its classpath cannot load
     *                                          mp4j's bootstrap class (the message says why), or no
     *                                          worker host of the context's name is running.
     * @throws io.mp4j.host.ClassPathMismatchException if the host's workers run another classpath than
     *                                          the context's and none could be had on it.
     */
    public synchronized ChildProcess start()
    {
        checkOpen();
        checkNotStarted();
        final byte[] targetBytes = JavaSerialization.serialize(target, "target of " + name);
        final ChildSpec spec =
            new ChildSpec(name, identity, daemon, ProcessHandle.current().pid(), ProcessState.name(), targetBytes);
        if (context.host() != null)
        {
            return startHosted(spec);
        }
        final LaunchSpec launchSpec = context.launchSpec();
        // Checked before anything is written: a classpath that cannot load the bootstrap fails here.
        ChildClassPath.checkBootstrap(launchSpec.classPath());
        final Session session = context.session();
        final String fileName = session.uniqueName("child");
        final Path specFile = session.writeAtomically(fileName + ChildMain.SPEC_SUFFIX, spec.encode());
        final Path failureFile = session.file(fileName + ChildMain.FAILURE_SUFFIX);
        final Path exitedFile = session.file(fileName + ChildMain.EXITED_SUFFIX);

        final ClassDataSharing.Launch launch = ClassDataSharing.launch(launchSpec, targetClass);
        final List<String> command =
            launchSpec.javaCommand(launch.options(), launch.classPath(), ChildMain.class.getName(), List.of(fileName));
        final Process started;
        try
        {
            // Standard input stays a pipe that this JVM never writes: the child's lifeline. The kernel
            // closes it however this JVM ends, and the child exits when it reads end-of-file.
            started = new ProcessBuilder(command).start();
        }
        catch (final IOException ex)
        {
            deleteQuietly(specFile);
            throw new Mp4jException("cannot start child JVM: name=" + name + " java=" + command.get(0), ex);
        }

        process = started;
        ProcessState.childStarted(this, this::isAlive);
        final OutputLines out = outputLines(ChildOutput.Stream.OUT);
        final OutputLines err = outputLines(ChildOutput.Stream.ERR);
        final Thread outPump = pump(started.getInputStream(), out, "out");
        final Thread errPump = pump(started.getErrorStream(), err, "err");
        reaper = new Thread(
            () -> reap(started, outPump, errPump, err, specFile, failureFile, exitedFile, launch.classPath()),
            "mp4j-reaper-" + name);
        reaper.setDaemon(true);
        reaper.start();
        return this;
    }

    private ChildProcess startHosted(final ChildSpec spec)
    {
        final HostedChild leased = HostedChild.lease(spec, this::hostedEnded, context);
        if (context.output() != ChildOutput.inherit())
        {
            leased.output(outputLines(ChildOutput.Stream.OUT), outputLines(ChildOutput.Stream.ERR));
        }
        hosted = leased;
        ProcessState.childStarted(this, this::isAlive);
        leased.watch();
        return this;
    }

    /**
     * Waits for the child to end, and for its output to be copied: Python's {@code join()}.
     *
     * @throws InterruptedException  if the calling thread is interrupted while waiting.
     * @throws IllegalStateException if the child was never started, or is closed.
     */
    public void join() throws InterruptedException
    {
        checkOpen();
        checkStarted();
        try
        {
            exit.get();
        }
        catch (final ExecutionException ex)
        {
            throw new IllegalStateException("reaper cannot fail", ex);
        }
    }

    /**
     * Waits at most {@code timeout} for the child to end: Python's {@code join(timeout)}.
     *
     * @param timeout how long to wait.
     * @return true if the child has ended, false if the time ran out first.
     * @throws InterruptedException  if the calling thread is interrupted while waiting.
     * @throws IllegalStateException if the child was never started, or is closed.
     */
    public boolean join(final Duration timeout) throws InterruptedException
    {
        checkOpen();
        checkStarted();
        try
        {
            exit.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            return true;
        }
        catch (final TimeoutException ex)
        {
            return false;
        }
        catch (final ExecutionException ex)
        {
            throw new IllegalStateException("reaper cannot fail", ex);
        }
    }

    /**
     * Whether the child has been started and has not yet ended: Python's {@code is_alive()}.
     *
     * @return true while the child JVM runs.
     * @throws IllegalStateException if the child is closed.
     */
    public boolean isAlive()
    {
        checkOpen();
        if (hosted != null)
        {
            return !exit.isDone();
        }
        final Process started = process;
        return started != null && started.isAlive();
    }

    /**
     * The child's exit code once it has ended and been joined: 0 for a target that returned,
     * {@value #FAILED_EXIT_CODE} for one that threw, the code passed to {@code System.exit}, or
     * 128 + the signal number for a child ended by a signal (143 for {@link #terminate()}, 137 for
     * {@link #kill()}), as the JDK reports it; {@link #exitSignal()} tells which it was. Python reports
     * signals as negative numbers instead. A hosted child's code is the same: 0 or 1 as its target ended,
     * or how its worker's JVM ended, which the host reports ({@value ChildMain#PARENT_DIED_EXIT_CODE} if a
     * killed host could not).
     *
     * @return the exit code, or empty while the child runs or was never started.
     * @throws IllegalStateException if the child is closed.
     */
    public OptionalInt exitCode()
    {
        checkOpen();
        return exit.isDone() ? OptionalInt.of(exitCode) : OptionalInt.empty();
    }

    /**
     * The signal that ended the child, once it has ended: what Python's negative {@code exitcode} says.
     * {@link #terminate()} gives 15 (SIGTERM), {@link #kill()} 9 (SIGKILL), a JVM that crashed 6 (SIGABRT);
     * a child that called {@code System.exit(143)} itself has no signal and the exit code 143. A hosted
     * child whose worker's JVM ended with the code 128 + N reports signal N.
     *
     * @return the signal's number, or empty while the child runs, or if it exited with a code.
     * @throws IllegalStateException if the child is closed.
     */
    public OptionalInt exitSignal()
    {
        checkOpen();
        final int signal = exitSignal;
        return exit.isDone() && signal != 0 ? OptionalInt.of(signal) : OptionalInt.empty();
    }

    /**
     * The exception that escaped the child's target, with the child's stack trace, once the child has
     * ended; or a {@link ChildStartException} if its JVM ended before mp4j's code ran in it (the
     * {@code java} launcher's error, such as a bad JVM option, is its cause).
     *
     * @return the remote exception, its stack trace the caller's and its cause the remote one; empty if the
     *         child has not ended or its target did not throw.
     * @throws IllegalStateException if the child is closed.
     */
    public Optional<RemoteException> failure()
    {
        checkOpen();
        // Made again here: the reaper thread's frames tell nothing, the caller's show who asked.
        final RemoteException reported = failure;
        return reported == null ? Optional.empty() : Optional.of(reported.rethrownHere());
    }

    /**
     * The child's process id: Python's {@code pid}.
     *
     * @return the operating system's id of the child JVM (a hosted child's: its worker's).
     * @throws IllegalStateException if the child was never started, or is closed.
     */
    public long pid()
    {
        checkOpen();
        checkStarted();
        final HostedChild running = hosted;
        return running != null ? running.pid() : process.pid();
    }

    /**
     * Asks the child to stop (SIGTERM): its shutdown hooks run. Python's {@code terminate()}. A hosted
     * child's worker JVM gets the signal while it runs the child's target; the host starts another. Once
     * the child has ended this does nothing.
     *
     * @throws IllegalStateException if the child was never started, or is closed.
     */
    public void terminate()
    {
        checkOpen();
        checkStarted();
        stop(false);
    }

    /**
     * Stops the child at once (SIGKILL): Python's {@code kill()}. A hosted child's worker JVM is killed
     * while it runs the child's target; the host starts another. Once the child has ended this does
     * nothing.
     *
     * @throws IllegalStateException if the child was never started, or is closed.
     */
    public void kill()
    {
        checkOpen();
        checkStarted();
        stop(true);
    }

    /** Signals the child, unless it is closed (it has ended then). */
    private void stop(final boolean forcibly)
    {
        final HostedChild running = hosted;
        final Process started = process;
        if (running != null)
        {
            if (forcibly)
            {
                running.kill();
            }
            else
            {
                running.terminate();
            }
        }
        else if (started != null)
        {
            // Through the handle: Process.destroy() would also close the child's pipes, and the child, seeing
            // its lifeline closed, would halt before its shutdown hooks ran; its last output would be lost.
            if (forcibly)
            {
                started.toHandle().destroyForcibly();
            }
            else
            {
                started.toHandle().destroy();
            }
        }
    }

    /**
     * A future that completes with this child once it has ended and its output has been copied.
     *
     * @return a new future on each call; completing it does not affect the child.
     * @throws IllegalStateException if the child is closed.
     */
    public CompletableFuture<ChildProcess> onExit()
    {
        checkOpen();
        return exit.copy();
    }

    /**
     * Releases the handle once the child has ended: Python's {@code Process.close()}. It lets go of the
     * child's JVM (its pipes, its process handle, its pid) or of its hosted worker, and of the target.
     * Afterwards every method but {@link #name()}, {@link #isDaemon()}, {@link #toString()} and this one
     * throws {@link IllegalStateException}; closing again does nothing. A child never started may be
     * closed too, and then never starts.
     *
     * @throws IllegalStateException if the child is still running (join or terminate it first); the
     *                               handle stays open then.
     */
    public void close()
    {
        final Thread reaping;
        synchronized (this)
        {
            if (closed)
            {
                return;
            }
            if (isStarted() && !exit.isDone())
            {
                throw new IllegalStateException("cannot close a running child, join or terminate it first: name=" +
                    name + " pid=" + pid());
            }
            reaping = reaper;
        }
        // Outside the lock: an onExit() action, which runs in the reaper, may call this handle too.
        if (reaping != null && reaping != Thread.currentThread())
        {
            awaitEnd(reaping);
        }
        synchronized (this)
        {
            if (closed)
            {
                return;
            }
            final Process started = process;
            if (started != null)
            {
                // The JDK closed the pipes at the child's exit, and the pumps their ends; these make sure.
                closeQuietly(started.getOutputStream());
                closeQuietly(started.getInputStream());
                closeQuietly(started.getErrorStream());
            }
            closed = true;
            process = null;
            hosted = null;
            reaper = null;
            target = null;
        }
    }

    /** The reaper has completed the exit, its last act; what is left of it ends at once. */
    private static void awaitEnd(final Thread reaper)
    {
        Threads.awaitUninterruptibly(reaper::join);
    }

    @Override
    public String toString()
    {
        if (closed)
        {
            return "ChildProcess{name=" + name + " closed" + (daemon ? " daemon" : "") + '}';
        }
        final boolean started = isStarted();
        final String state = !started ? "initial" : exit.isDone() ?
            "stopped exitcode=" + exitCode + (exitSignal != 0 ? " signal=" + exitSignal : "") : "started";
        final HostedChild running = hosted;
        return "ChildProcess{name=" + name + (started ? " pid=" + pid() : "") +
            (running != null ? " host=" + running.hostName() : "") + ' ' + state + (daemon ? " daemon" : "") + '}';
    }

    static List<ChildProcess> started()
    {
        final List<ChildProcess> started = new ArrayList<>();
        for (final Object child : ProcessState.startedChildren())
        {
            started.add((ChildProcess)child);
        }
        return started;
    }

    private void reap(
        final Process started, final Thread out, final Thread err, final OutputLines errLines, final Path specFile,
        final Path failureFile, final Path exitedFile, final String classPath)
    {
        boolean interrupted = false;
        int code;
        while (true)
        {
            try
            {
                code = started.waitFor();
                // A grandchild that inherited the pipes could keep them open; the drain is bounded.
                out.join(OUTPUT_DRAIN_MILLIS);
                err.join(OUTPUT_DRAIN_MILLIS);
                break;
            }
            catch (final InterruptedException ex)
            {
                interrupted = true;
            }
        }

        // The bootstrap deletes the spec as soon as it has read it: a JVM that exits with the launcher's
        // error code before that never ran mp4j's code (no main class, a bad option, an old java).
        final boolean bootstrapRan = !Files.exists(specFile);
        RemoteException reported;
        try
        {
            reported = bootstrapRan || code != LAUNCHER_FAILED_EXIT_CODE ? readFailure(failureFile) :
                new ChildStartException(name, code, errLines.head(), classPath);
        }
        catch (final RuntimeException ex)
        {
            reported = new RemoteException("child failed: name=" + name + " pid=" + started.pid(),
                new io.mp4j.RemoteThrowable(ex.getClass().getName(),
                    "unreadable failure report: " + ex.getMessage(), new StackTraceElement[0]));
        }
        // Left by a child whose target called System.exit: its code, even 128 + N, is not a signal.
        final boolean exitedWithCode = Files.exists(exitedFile);
        deleteQuietly(specFile);
        deleteQuietly(failureFile);
        deleteQuietly(exitedFile);
        ended(code, ExitStatus.signalOf(code, exitedWithCode), reported);
        if (interrupted)
        {
            Thread.currentThread().interrupt();
        }
    }

    /** How a hosted child ended: a worker's JVM that ended with 128 + N was ended by signal N. */
    private void hostedEnded(final int code, final RemoteException reported)
    {
        ended(code, ExitStatus.signalOf(code, false), reported);
    }

    /** Records how the child ended and completes its exit; called once, by the child's reaper thread. */
    private void ended(final int code, final int signal, final RemoteException reported)
    {
        exitCode = code;
        exitSignal = signal;
        failure = reported;
        ProcessState.childEnded(this);
        exit.complete(this);
    }

    private RemoteException readFailure(final Path failureFile)
    {
        final byte[] bytes;
        try
        {
            bytes = Files.readAllBytes(failureFile);
        }
        catch (final NoSuchFileException ex)
        {
            return null;
        }
        catch (final IOException ex)
        {
            throw new Mp4jException("cannot read failure report: path=" + failureFile, ex);
        }
        return new RemoteException("child failed: name=" + name + " pid=" + process.pid(),
            RemoteException.decode(bytes));
    }

    private OutputLines outputLines(final ChildOutput.Stream stream)
    {
        final ChildOutput output = context.output();
        if (output == ChildOutput.inherit())
        {
            return new OutputLines(stream == ChildOutput.Stream.OUT ? () -> System.out : () -> System.err);
        }
        return new OutputLines(line -> output.line(name, stream, line));
    }

    private Thread pump(final InputStream from, final OutputLines to, final String stream)
    {
        final Thread thread = new Thread(() -> to.copyAll(from), "mp4j-" + stream + '-' + name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static void stopChildrenAtExit()
    {
        final List<ChildProcess> children = started();
        for (final ChildProcess child : children)
        {
            if (child.daemon)
            {
                child.stop(false);
            }
        }
        // Through the exit future, not join(): a child that ended meanwhile may have been closed.
        for (final ChildProcess child : children)
        {
            try
            {
                if (child.daemon && !awaitExit(child, DAEMON_STOP_MILLIS))
                {
                    child.stop(true);
                    awaitExit(child, DAEMON_STOP_MILLIS);
                }
                child.exit.get();
            }
            catch (final ExecutionException ex)
            {
                throw new IllegalStateException("reaper cannot fail", ex);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static boolean awaitExit(final ChildProcess child, final long millis) throws InterruptedException
    {
        try
        {
            child.exit.get(millis, TimeUnit.MILLISECONDS);
            return true;
        }
        catch (final TimeoutException ex)
        {
            return false;
        }
        catch (final ExecutionException ex)
        {
            throw new IllegalStateException("reaper cannot fail", ex);
        }
    }

    private static void deleteQuietly(final Path file)
    {
        try
        {
            Files.deleteIfExists(file);
        }
        catch (final IOException ex)
        {
            // The session's removal deletes what is left.
        }
    }

    private static void closeQuietly(final Closeable stream)
    {
        try
        {
            stream.close();
        }
        catch (final IOException ex)
        {
            // Nothing is written to these any more.
        }
    }

    private boolean isStarted()
    {
        return process != null || hosted != null;
    }

    private void checkNotStarted()
    {
        if (isStarted())
        {
            throw new IllegalStateException("child already started: name=" + name);
        }
    }

    private void checkOpen()
    {
        if (closed)
        {
            throw new IllegalStateException("child is closed: name=" + name);
        }
    }

    private void checkStarted()
    {
        if (!isStarted())
        {
            throw new IllegalStateException("child not started: name=" + name);
        }
    }
}
