package io.proflens.ingest;

import java.nio.file.Path;

/**
 * The input cannot be used: missing, unreadable, not a supported format, corrupt. The message is one
 * line of the form {@code <file>: <problem>} and is meant to be shown to the user as is.
 */
public final class ImportException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient Path file;

    public ImportException(Path file, String problem) {
        super(file + ": " + problem);
        this.file = file;
    }

    public ImportException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
    }

    /** @return the file the problem is about. */
    public Path file() {
        return file;
    }
}
