package io.mp4j.test;

import io.mp4j.internal.FileOwners;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A second OS user for a test: made with {@code useradd} by {@link #create()} and removed with
 * {@code userdel -r} by {@link #close()}. Commands run as it through {@code setpriv}. Only root can make
 * one: elsewhere, or where {@code useradd} fails, the test is skipped with a message saying why.
 */
public final class OtherUser implements AutoCloseable
{
    private static final AtomicInteger NAMES = new AtomicInteger();
    private static final long COMMAND_TIMEOUT_SECONDS = 60;
    /** useradd and userdel fail while another process holds the user database's lock: try again. */
    private static final int ATTEMPTS = 20;

    private final String name;
    private final int uid;
    private final int gid;

    /** What a command run as the user printed and how it exited. */
    public record Result(int exitCode, String output)
    {
    }

    private OtherUser(final String name, final int uid, final int gid)
    {
        this.name = name;
        this.uid = uid;
        this.gid = gid;
    }

    /**
     * Makes a new OS user of a name no other test uses, or skips the test where that cannot be done.
     *
     * @return the user, to close when the test is done.
     */
    public static OtherUser create() throws IOException, InterruptedException
    {
        assumeTrue(FileOwners.thisUsersUid() == 0, "making a second OS user needs root; this JVM runs as uid " +
            FileOwners.thisUsersUid());
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/useradd")) && Files.isExecutable(Path.of("/usr/bin/setpriv")),
            "making a second OS user needs useradd and setpriv");
        final String name = "mp4jt" + ProcessHandle.current().pid() + "x" + NAMES.incrementAndGet();
        final Result added = runAsThisUser(true, "useradd", "--create-home", "--user-group", "--shell", "/bin/sh", name);
        assumeTrue(added.exitCode() == 0, () -> "cannot make a second OS user: useradd exit=" + added.exitCode() +
            " " + added.output());
        try
        {
            return new OtherUser(name, Integer.parseInt(runAsThisUser(false, "id", "-u", name).output().trim()),
                Integer.parseInt(runAsThisUser(false, "id", "-g", name).output().trim()));
        }
        catch (final RuntimeException ex)
        {
            runAsThisUser(true, "userdel", "-r", name);
            throw ex;
        }
    }

    public String name()
    {
        return name;
    }

    public int uid()
    {
        return uid;
    }

    public int gid()
    {
        return gid;
    }

    /**
     * Runs a command as this user, with no supplementary groups, and waits for it.
     *
     * @param command the command and its arguments.
     * @return its exit code and output (stdout and stderr together).
     */
    public Result run(final String... command) throws IOException, InterruptedException
    {
        final List<String> asUser = new ArrayList<>(List.of("setpriv", "--reuid=" + uid, "--regid=" + gid,
            "--clear-groups", "--"));
        asUser.addAll(List.of(command));
        return execute(asUser);
    }

    /**
     * Gives a file (not what a link points to) to this user and its group.
     *
     * @param file the file.
     */
    public void own(final Path file) throws IOException
    {
        Files.setAttribute(file, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(file, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
    }

    /** Removes the user and its home directory. */
    @Override
    public void close() throws IOException
    {
        final Result removed;
        try
        {
            removed = runAsThisUser(true, "userdel", "-r", name);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while removing test user: name=" + name, ex);
        }
        if (removed.exitCode() != 0)
        {
            throw new IllegalStateException("cannot remove test user: name=" + name + " exit=" + removed.exitCode() +
                " " + removed.output());
        }
    }

    private static Result runAsThisUser(final boolean retryWhileLocked, final String... command)
        throws IOException, InterruptedException
    {
        Result result = execute(List.of(command));
        for (int attempt = 1; retryWhileLocked && attempt < ATTEMPTS && result.exitCode() != 0 &&
            result.output().contains("lock"); attempt++)
        {
            Thread.sleep(100);
            result = execute(List.of(command));
        }
        return result;
    }

    private static Result execute(final List<String> command) throws IOException, InterruptedException
    {
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        final byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS))
        {
            process.destroyForcibly().waitFor();
            throw new IllegalStateException("command did not finish: " + command);
        }
        return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }
}
