package io.mp4j.process;

/** {@link ChildOutput#inherit()}: the launch layer copies bytes for it rather than calling it a line at a time. */
final class InheritedOutput implements ChildOutput
{
    static final InheritedOutput INSTANCE = new InheritedOutput();

    private InheritedOutput()
    {
    }

    @Override
    public void line(final String process, final Stream stream, final String line)
    {
        (stream == Stream.OUT ? System.out : System.err).println(line);
    }

    @Override
    public String toString()
    {
        return "ChildOutput.inherit()";
    }
}
