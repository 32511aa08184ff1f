package io.proflens.report;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Atomic output: write to a temporary file in the target directory, then rename over the target. */
public final class AtomicFiles {
    private AtomicFiles() {
    }

    /** Body that writes the content. */
    @FunctionalInterface
    public interface Body {
        void write(Writer w) throws IOException;
    }

    /**
     * Writes {@code target} atomically (readers see the old file or the complete new one, never a part).
     *
     * @throws IOException when the directory is not writable or the write fails (the temp file is removed)
     */
    public static void write(Path target, Body body) throws IOException {
        writeStream(target, os -> {
            Writer w = new java.io.OutputStreamWriter(os, StandardCharsets.UTF_8);
            body.write(w);
            w.flush();
        });
    }

    /** Body that writes bytes. */
    @FunctionalInterface
    public interface StreamBody {
        void write(java.io.OutputStream out) throws IOException;
    }

    /**
     * Writes {@code target} atomically from a byte stream (buffered; not closed by the body).
     *
     * @throws IOException when the directory is not writable or the write fails (the temp file is removed)
     */
    public static void writeStream(Path target, StreamBody body) throws IOException {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        Path tmp = Files.createTempFile(dir, "." + abs.getFileName(), ".tmp");
        try {
            try (java.io.OutputStream os = new java.io.BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
                body.write(os);
            }
            try {
                // temp files are created owner-only; an output file gets the usual rw-r--r--
                Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: keep the default permissions
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
