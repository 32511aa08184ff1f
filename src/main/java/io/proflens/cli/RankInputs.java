package io.proflens.cli;

import io.proflens.ingest.ImportException;
import io.proflens.ingest.ImportOptions;
import io.proflens.ingest.ProgressListener;
import io.proflens.ingest.TraceImporter;
import io.proflens.model.Trace;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Several inputs, one rank each: expands directories (their profile files, not recursive, sorted by name),
 * reads the ranks in parallel (one task per file, as many threads as cores), and keeps the good ones when
 * some fail. A rank's number is its position in the sorted input list, as {@code nsys recipe} numbers
 * reports, unless every trace states a distinct rank of its own (Kineto {@code distributedInfo}).
 */
final class RankInputs {
    private RankInputs() {
    }

    /** The readable ranks, their numbers, and the one-line errors of the others. */
    record Loaded(List<Trace> traces, List<Integer> ranks, List<String> failed) {
    }

    /** @return the input files: files as given, directories replaced by the profiles they contain. */
    static List<Path> expand(List<Path> inputs) {
        List<Path> out = new ArrayList<>();
        for (Path p : inputs) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> s = Files.list(p)) {
                    List<Path> found = s.filter(f -> Files.isRegularFile(f) && isProfileName(f)).sorted()
                            .collect(Collectors.toList());
                    if (found.isEmpty()) {
                        throw new CliException(ExitCodes.INPUT, p + ": directory without profiles (.sqlite, .nsys-rep, "
                                + ".qdrep, .json, .json.gz)");
                    }
                    out.addAll(found);
                } catch (IOException e) {
                    throw new CliException(ExitCodes.INPUT, p + ": cannot list directory (" + e.getMessage() + ")", e);
                }
            } else {
                out.add(p);
            }
        }
        return out;
    }

    static boolean isProfileName(Path f) {
        String n = f.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".sqlite") || n.endsWith(".nsys-rep") || n.endsWith(".qdrep") || n.endsWith(".json")
                || n.endsWith(".json.gz");
    }

    /**
     * When every trace states its own distinct rank (Kineto {@code distributedInfo.rank}), use those numbers
     * instead of the positions.
     */
    private static void renumberFromMetadata(List<Trace> traces, List<Integer> ranks) {
        List<Integer> stated = new ArrayList<>();
        for (Trace t : traces) {
            String r = t.metadata().properties().get("rank");
            try {
                stated.add(r == null ? null : Integer.valueOf(r.trim()));
            } catch (NumberFormatException e) {
                stated.add(null);
            }
        }
        if (!stated.contains(null) && new java.util.HashSet<>(stated).size() == stated.size()) {
            for (int i = 0; i < ranks.size(); i++) {
                ranks.set(i, stated.get(i));
            }
        }
    }

    /**
     * Reads every file; failures are printed as one line each on {@code err}.
     *
     * @throws CliException {@link ExitCodes#INPUT} when no file could be read
     */
    static Loaded load(List<Path> files, ImportOptions options, boolean quiet, PrintWriter err) {
        int threads = Math.max(1, Math.min(files.size(), Runtime.getRuntime().availableProcessors()));
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "proflens-rank");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<Trace>> futures = new ArrayList<>();
            TraceImporter importer = new TraceImporter();
            for (Path f : files) {
                futures.add(pool.submit(() -> importer.read(f, options, ProgressListener.NONE)));
            }
            List<Trace> traces = new ArrayList<>();
            List<Integer> ranks = new ArrayList<>();
            List<String> failed = new ArrayList<>();
            for (int i = 0; i < files.size(); i++) {
                try {
                    traces.add(futures.get(i).get());
                    ranks.add(i);
                } catch (java.util.concurrent.ExecutionException e) {
                    Throwable c = e.getCause();
                    String msg = c instanceof ImportException ? c.getMessage()
                            : files.get(i) + ": cannot read (" + c.getClass().getSimpleName() + ": " + c.getMessage() + ")";
                    failed.add(msg);
                    err.println("proflens: " + ProflensCli.oneLine(msg) + " (rank " + i + " skipped)");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new CliException(ExitCodes.INTERNAL, "interrupted while reading inputs", e);
                }
            }
            err.flush();
            renumberFromMetadata(traces, ranks);
            if (traces.isEmpty()) {
                throw new CliException(ExitCodes.INPUT, "none of the " + files.size() + " inputs could be read");
            }
            return new Loaded(traces, ranks, failed);
        } finally {
            pool.shutdownNow();
        }
    }
}
