package io.proflens.cli;

import io.proflens.analysis.CaptureInfo;
import io.proflens.analysis.classify.KernelClassifier;
import io.proflens.analysis.stats.NamingPolicy;
import io.proflens.demo.DemoProfileWriter;
import io.proflens.demo.DemoSpec;
import io.proflens.ingest.ImportOptions;
import io.proflens.model.Trace;
import io.proflens.report.HtmlReportRenderer;
import io.proflens.rules.Diagnosis;
import io.proflens.rules.RuleConfig;
import io.proflens.rules.RuleContext;
import io.proflens.rules.RuleEngine;
import io.proflens.rules.RuleRegistry;
import io.proflens.web.TimelineModel;
import io.proflens.web.TimelineServer;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code proflens serve [PROFILE...] [--port N] [--bind ADDR [--allow-remote]]}: the timeline and report of one or
 * more profiles (side by side) in a local web UI ({@link TimelineServer}). Binds to 127.0.0.1 unless told
 * otherwise; a non-loopback address needs {@code --allow-remote} and warns. Prints the URL on stdout and runs until
 * interrupted (Ctrl-C). Exit codes: {@link ExitCodes#USAGE} for a refused bind or a bad address,
 * {@link ExitCodes#INPUT} for an unreadable profile, {@link ExitCodes#OUTPUT} when the port cannot be bound.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve a timeline (processes, threads, GPUs, streams; zoom, search, details) and the report of "
                + "one or more profiles in your browser. Without PROFILE: the built-in SYNTHETIC demo profile.")
public final class ServeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..*", paramLabel = "PROFILE",
            description = "nsys SQLite export, .nsys-rep or Kineto JSON(.gz); several = side by side.")
    List<Path> inputs = new ArrayList<>();

    @Option(names = "--port", paramLabel = "N", description = "TCP port (default ${DEFAULT-VALUE}; 0 = any free port).")
    int port = 8421;

    @Option(names = "--bind", paramLabel = "ADDR", description = "Address to listen on (default ${DEFAULT-VALUE}).")
    String bind = "127.0.0.1";

    @Option(names = "--allow-remote", description = "Allow a non-loopback --bind (anyone reaching it can read the "
            + "profiles).")
    boolean allowRemote;

    @Option(names = "--no-cache", description = "Read the profile itself, not the snapshot kept from an earlier open "
            + "(snapshots live in $PROFLENS_CACHE, $XDG_CACHE_HOME/proflens or ~/.cache/proflens).")
    boolean noCache;

    @Option(names = {"-q", "--quiet"}, description = "No progress on stderr.")
    boolean quiet;

    /** Released to stop a running server (tests); otherwise the command runs until the JVM is interrupted. */
    final CountDownLatch stop = new CountDownLatch(1);
    /** The running server, for tests. */
    volatile TimelineServer server;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        InetAddress address;
        try {
            address = InetAddress.getByName(bind);
        } catch (UnknownHostException e) {
            throw new CliException(ExitCodes.USAGE, "--bind " + bind + ": unknown address");
        }
        if (port < 0 || port > 65535) {
            throw new CliException(ExitCodes.USAGE, "--port must be 0..65535");
        }
        if (!address.isLoopbackAddress() && !allowRemote) {
            throw new CliException(ExitCodes.USAGE, "refusing to bind to non-loopback address " + bind
                    + ": the timeline would be readable from the network; add --allow-remote to do it anyway");
        }
        Path demoDir = null;
        List<Path> files = new ArrayList<>(inputs);
        try {
            if (files.isEmpty()) {
                demoDir = Files.createTempDirectory("proflens-demo");
                Path demo = demoDir.resolve("proflens-demo-SYNTHETIC.sqlite");
                DemoProfileWriter.write(demo, DemoSpec.defaults());
                files.add(demo);
                err.println("No PROFILE given: serving the built-in SYNTHETIC demo profile (MoE decode, "
                        + DemoSpec.defaults().describe() + "). Run 'proflens serve FILE' on your own export.");
                err.flush();
            }
            KernelClassifier classifier = KernelClassifier.builtIn();
            List<TimelineServer.Profile> profiles = new ArrayList<>();
            io.proflens.ingest.TraceCache cache = noCache ? null
                    : new io.proflens.ingest.TraceCache(io.proflens.ingest.TraceCache.defaultDir(),
                            new ProflensCli.Version().getVersion()[0]);
            for (Path f : files) {
                long t0 = System.nanoTime();
                Trace trace;
                Path indexFile = null;
                if (cache == null || demoDir != null) {
                    trace = InputOptions.read(f, ImportOptions.all(), quiet);
                } else {
                    io.proflens.ingest.TraceCache.Result r;
                    try {
                        r = cache.read(f, ImportOptions.all(), () -> new io.proflens.ingest.TraceImporter().read(f,
                                ImportOptions.all(), ConsoleProgress.create(quiet)));
                    } catch (io.proflens.ingest.ImportException e) {
                        throw new CliException(ExitCodes.INPUT, e.getMessage(), e);
                    }
                    trace = r.trace();
                    if (r.snapshot() != null) {
                        indexFile = r.snapshot().resolveSibling(r.snapshot().getFileName() + "."
                                + TimelineModel.indexFingerprint() + ".timeline");
                        if (r.origin() == io.proflens.ingest.TraceCache.Origin.SOURCE) {
                            java.nio.file.Files.deleteIfExists(indexFile); // built from another snapshot
                        }
                    }
                    if (!quiet) {
                        err.printf(java.util.Locale.ROOT, "%s: read in %.2f s (%s)%n", f.getFileName(),
                                (System.nanoTime() - t0) / 1e9, r.origin() == io.proflens.ingest.TraceCache.Origin.CACHE
                                        ? "from the snapshot in " + io.proflens.ingest.TraceCache.defaultDir()
                                        : "from the file; a snapshot is kept for the next open");
                        err.flush();
                    }
                }
                long t = System.nanoTime();
                TimelineModel model = indexFile == null ? null : TimelineModel.readIndex(trace, classifier, indexFile);
                if (model == null) {
                    model = TimelineModel.build(trace, classifier);
                    if (indexFile != null) {
                        model.writeIndex(indexFile);
                    }
                }
                if (!quiet) {
                    err.printf(java.util.Locale.ROOT, "%s: timeline of %,d events on %d tracks built in %.2f s%n",
                            f.getFileName(), model.eventCount(), model.tracks().size(), (System.nanoTime() - t) / 1e9);
                    err.flush();
                }
                profiles.add(new TimelineServer.Profile(f.getFileName().toString(), model, report(trace, f)));
            }
            PrintStream warnings = new PrintStream(new java.io.OutputStream() {
                @Override
                public void write(int b) {
                    err.write(b);
                }

                @Override
                public void flush() {
                    err.flush();
                }
            }, true, java.nio.charset.StandardCharsets.UTF_8);
            try (TimelineServer s = TimelineServer.start(profiles, address, port, allowRemote, warnings,
                    Math.max(4, Runtime.getRuntime().availableProcessors() * 2))) {
                server = s;
                out.println(s.url());
                out.flush();
                if (!quiet) {
                    err.println("Serving " + files.size() + " profile(s); open the URL above, Ctrl-C to stop.");
                    err.flush();
                }
                stop.await();
            }
        } catch (java.net.BindException e) {
            throw new CliException(ExitCodes.OUTPUT, bind + ":" + port + ": cannot listen: " + e.getMessage()
                    + " (another server on this port? try --port 0)", e);
        } catch (IOException e) {
            throw new CliException(ExitCodes.OUTPUT, "cannot serve: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (demoDir != null) {
                try {
                    Files.deleteIfExists(demoDir.resolve("proflens-demo-SYNTHETIC.sqlite"));
                    Files.deleteIfExists(demoDir);
                } catch (IOException ignored) {
                    // a temp file left behind is harmless
                }
            }
        }
        return ExitCodes.OK;
    }

    /** The same HTML as {@code proflens report} (findings, analyses, default stats), rendered on first request. */
    private static TimelineServer.ReportSource report(Trace trace, Path input) {
        return () -> {
            RuleRegistry registry = RuleRegistry.builtIn();
            RuleConfig config = RuleConfig.parse(registry, null, List.of());
            Diagnosis d = Diagnosis.run(new RuleContext(trace, List.of(trace), KernelClassifier.builtIn(),
                    RuleContext.Options.none()), new RuleEngine(registry, config));
            NamingPolicy naming = NamingPolicy.forMetadata(trace.metadata())
                    .withStripOpIds(AnalyzeCommand.nvtxHasOpIds(trace));
            Map<String, Object> stats = AnalyzeCommand.defaultStats(trace, input, naming, false);
            StringWriter w = new StringWriter();
            new HtmlReportRenderer().render(CaptureInfo.of(trace), d.findings(), d.analyses(), d.charts(), stats, w);
            return w.toString();
        };
    }
}
