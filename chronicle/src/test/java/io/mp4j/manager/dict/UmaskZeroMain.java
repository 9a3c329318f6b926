package io.mp4j.manager.dict;

import io.mp4j.pool.journal.PoolJournal;
import io.mp4j.queue.durable.DurableQueue;
import io.mp4j.session.Session;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;

/**
 * A JVM the permissions test starts under {@code umask 000}: it makes a dict in a session of its own, a
 * durable queue and a pool journal, and prints the permissions of what mp4j made, after those of a file
 * made the plain way, which show the umask.
 */
public final class UmaskZeroMain
{
    private UmaskZeroMain()
    {
    }

    /**
     * Prints {@code control <permissions>}, then {@code file <name> <permissions>} for each file of the
     * dict's session and for the durable queue's and journal's directories and the queue's cursor.
     *
     * @param args the directory under which everything is made.
     * @throws IOException if a file cannot be listed.
     */
    public static void main(final String[] args) throws IOException
    {
        final Path root = Paths.get(args[0]);
        final Path control = root.resolve("control");
        new RandomAccessFile(control.toFile(), "rw").close();
        System.out.println("control " + PosixFilePermissions.toString(Files.getPosixFilePermissions(control)));
        try (Session session = Session.create(root.resolve("sessions")))
        {
            final SharedDict<String, Integer> dict = SharedDict.create(session, "dict-umask", 10);
            dict.put("a", 1);
            try (Stream<Path> files = Files.walk(session.directory()))
            {
                for (final Path file : (Iterable<Path>)files::iterator)
                {
                    System.out.println("file " + session.directory().relativize(file) + " " +
                        PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
                }
            }
            dict.delete();
        }
        final Path durable = root.resolve("durable").resolve("queue");
        DurableQueue.open(durable).close();
        final Path journal = root.resolve("journal").resolve("pool");
        PoolJournal.open(journal).close();
        for (final Path made : List.of(durable.getParent(), durable, durable.resolve(DurableQueue.CURSOR_FILE),
            journal.getParent(), journal))
        {
            System.out.println("file " + root.relativize(made) + " " +
                PosixFilePermissions.toString(Files.getPosixFilePermissions(made)));
        }
        System.out.println("finished");
    }
}
