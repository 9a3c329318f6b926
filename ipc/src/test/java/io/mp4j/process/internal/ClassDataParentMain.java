package io.mp4j.process.internal;

import io.mp4j.process.ChildProcess;
import io.mp4j.process.ProcessContext;
import io.mp4j.process.ProcessTarget;
import io.mp4j.session.Session;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A parent JVM for the class-data sharing tests: it owns its own session, starts several children at
 * once with the default context (whose cache directory the test set with {@code -Dmp4j.cds.dir}), joins
 * them, waits for the archive and prints what the test checks; then, if named, one child of a target class
 * that the archive is rebuilt for as this JVM exits.
 */
public final class ClassDataParentMain
{
    private ClassDataParentMain()
    {
    }

    /**
     * Starts the children.
     *
     * @param args how many children to start at once; optionally the class of a last child's target.
     * @throws Exception on failure, which the test sees as a non-zero exit.
     */
    public static void main(final String[] args) throws Exception
    {
        // Started by a test JVM's context, this JVM was told to attach to the test's session; it must own one.
        System.clearProperty(Session.CURRENT_PROPERTY);

        final int count = Integer.parseInt(args[0]);
        final List<ChildProcess> children = new ArrayList<>();
        for (int i = 0; i < count; i++)
        {
            children.add(new ChildProcess((Integer n) -> System.out.println("child " + n), i).start());
        }
        for (final ChildProcess child : children)
        {
            child.join();
            System.out.println("exit " + child.exitCode().orElseThrow());
        }
        System.out.println("archive " + ProcessContext.defaultContext().prepareClassDataArchive(Duration.ofSeconds(120)));
        if (args.length > 1)
        {
            final ProcessTarget target = (ProcessTarget)Class.forName(args[1]).getDeclaredConstructor().newInstance();
            final ChildProcess child = new ChildProcess(target).start();
            child.join();
            System.out.println("exit " + child.exitCode().orElseThrow());
        }
    }
}
