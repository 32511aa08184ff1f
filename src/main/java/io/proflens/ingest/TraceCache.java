package io.proflens.ingest;

import io.proflens.model.Trace;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * A local cache of imported traces, so that opening a large profile a second time skips the reader: the columnar
 * model is written once as a Java-serialized snapshot (primitive arrays in bulk) and read back in about a second per
 * GB. The key is the source's absolute path, size and modification time, the import options, the proflens version
 * and a fingerprint of the model's class files, so a changed file, other options or another build never reuse a
 * stale snapshot.
 *
 * <p>Safety: snapshots are read with an {@link ObjectInputFilter} that admits only the proflens model and JDK
 * collection/primitive types; a snapshot that cannot be read (corrupt, other build) is deleted and the source is read
 * normally. Writing is atomic (temporary file + move); a failure to write only costs the next open its speed.
 * The directory is {@code $PROFLENS_CACHE}, else {@code $XDG_CACHE_HOME/proflens}, else {@code ~/.cache/proflens}.
 * Sources are never modified.
 */
public final class TraceCache {
    private static final ObjectInputFilter FILTER = ObjectInputFilter.Config.createFilter(
            "maxdepth=64;io.proflens.model.**;java.lang.*;java.util.*;java.util.concurrent.*;!*");
    private final Path dir;
    private final String version;

    /**
     * @param dir     cache directory (created on first write)
     * @param version the proflens build's version (part of the key)
     */
    public TraceCache(Path dir, String version) {
        this.dir = dir;
        this.version = version;
    }

    /** @return the default cache directory (see the class comment) */
    public static Path defaultDir() {
        String env = System.getenv("PROFLENS_CACHE");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank()) {
            return Path.of(xdg, "proflens");
        }
        return Path.of(System.getProperty("user.home"), ".cache", "proflens");
    }

    /** Reads a profile the usual way. */
    @FunctionalInterface
    public interface Loader {
        /**
         * @return the trace
         * @throws ImportException when the profile is unusable
         */
        Trace load() throws ImportException;
    }

    /** Where a read came from. */
    public enum Origin { CACHE, SOURCE }

    /**
     * @param trace    the trace
     * @param origin   where it came from
     * @param snapshot the snapshot file of this trace (companion files, e.g. an index built from it, may sit beside
     *                 it with another extension), or null when the source's attributes could not be read
     */
    public record Result(Trace trace, Origin origin, Path snapshot) {
    }

    /**
     * Reads the snapshot of {@code source} when there is a valid one, else calls {@code loader} and stores its
     * result.
     *
     * @param source  the profile
     * @param options the import options (part of the key)
     * @param loader  reads the profile (the usual importer)
     * @return the trace and where it came from
     * @throws ImportException from the loader
     */
    public Result read(Path source, ImportOptions options, Loader loader) throws ImportException {
        Path snapshot;
        try {
            snapshot = dir.resolve(key(source, options) + ".trace");
        } catch (IOException e) {
            return new Result(loader.load(), Origin.SOURCE, null); // unreadable attributes: the importer reports it
        }
        if (Files.isRegularFile(snapshot)) {
            try (InputStream in = new BufferedInputStream(Files.newInputStream(snapshot), 1 << 20);
                 ObjectInputStream ois = new ObjectInputStream(in)) {
                ois.setObjectInputFilter(FILTER);
                Object o = ois.readObject();
                if (o instanceof Trace t) {
                    return new Result(t, Origin.CACHE, snapshot);
                }
            } catch (IOException | ClassNotFoundException | RuntimeException e) {
                // corrupt or from another build: drop it and read the source
            }
            try {
                Files.deleteIfExists(snapshot);
            } catch (IOException ignored) {
                // a stale snapshot we cannot delete is replaced below or ignored next time
            }
        }
        Trace t = loader.load();
        write(snapshot, t);
        return new Result(t, Origin.SOURCE, snapshot);
    }

    private void write(Path snapshot, Trace t) {
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, ".snapshot", ".tmp");
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 20);
                 ObjectOutputStream oos = new ObjectOutputStream(out)) {
                oos.writeObject(t);
            }
            try {
                Files.move(tmp, snapshot, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, snapshot, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException | RuntimeException e) {
            // a cache that cannot be written only makes the next open slower
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // nothing to clean
                }
            }
        }
    }

    /** Classes whose serialized form a snapshot holds: any change to them gives new keys. */
    private static final List<Class<?>> MODEL_CLASSES = List.of(io.proflens.model.Trace.class,
            io.proflens.model.IntervalTable.class, io.proflens.model.GpuActivityTable.class,
            io.proflens.model.KernelTable.class, io.proflens.model.MemcpyTable.class, io.proflens.model.MemsetTable.class,
            io.proflens.model.ApiCallTable.class, io.proflens.model.SyncTable.class, io.proflens.model.NvtxTable.class,
            io.proflens.model.StringTable.class, io.proflens.model.LaunchLinks.class,
            io.proflens.model.TraceMetadata.class, io.proflens.model.ThreadInfo.class,
            io.proflens.model.ProcessInfo.class, io.proflens.model.GpuDevice.class, io.proflens.model.ImportIssue.class);

    /** @return SHA-256 of the model classes' bytecode, hex (computed per call; cheap) */
    static String modelFingerprint() {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (Class<?> c : MODEL_CLASSES) {
                try (InputStream in = c.getResourceAsStream(c.getSimpleName() + ".class")) {
                    if (in != null) {
                        md.update(in.readAllBytes());
                    }
                }
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException | IOException e) {
            throw new IllegalStateException("cannot fingerprint the model classes", e);
        }
    }

    private String key(Path source, ImportOptions options) throws IOException {
        Path abs = source.toAbsolutePath().normalize();
        BasicFileAttributes a = Files.readAttributes(abs, BasicFileAttributes.class);
        String k = abs + "\n" + a.size() + "\n" + a.lastModifiedTime().toMillis() + "\n" + options + "\n" + version
                + "\n" + modelFingerprint();
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(k.getBytes(StandardCharsets.UTF_8))).substring(0, 32);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
