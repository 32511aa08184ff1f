package io.proflens.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs one command as a child process and measures it.
 * <ul>
 *   <li><b>Wall time</b>: {@link System#nanoTime()} from just before {@link ProcessBuilder#start()} to the return
 *       of {@link Process#waitFor()}; includes JVM start-up for Java children.</li>
 *   <li><b>Peak RSS</b>: preferably {@code /usr/bin/time -f %M -o <file>} wraps the command; GNU time reports
 *       the child's {@code ru_maxrss} from {@code wait4(2)} — the kernel's high-water mark of resident memory
 *       in KiB, exact and covering the whole life of the process (for a JVM: heap, metaspace, JIT, code cache,
 *       thread stacks, mapped files). When {@code /usr/bin/time} is not executable the fallback polls
 *       {@code VmHWM} of {@code /proc/<pid>/status} every 20 ms and keeps the last value read before the
 *       process exited (can miss growth in the final ≤ 20 ms).</li>
 *   <li><b>CPU time</b> (user + system, all threads) from GNU time's {@code %U %S}; unknown with the fallback.</li>
 * </ul>
 */
final class ChildMeter {
    /** GNU time, used for RSS when present. */
    static final Path GNU_TIME = Path.of("/usr/bin/time");
    /** Poll interval of the /proc fallback, ms. */
    static final long POLL_MS = 20;

    /**
     * Result of one measured run.
     *
     * @param wallNanos  wall time, ns
     * @param peakRssKiB peak resident set size, KiB; -1 when unknown
     * @param cpuNanos   user + system CPU time of the child, ns (from GNU time); -1 when unknown
     * @param exitCode   exit code of the command
     * @param stderrTail last lines of its standard error (≤ 2000 chars)
     */
    record Measurement(long wallNanos, long peakRssKiB, long cpuNanos, int exitCode, String stderrTail) {
        double seconds() {
            return wallNanos / 1e9;
        }

        double cpuSeconds() {
            return cpuNanos < 0 ? Double.NaN : cpuNanos / 1e9;
        }

        double rssMiB() {
            return peakRssKiB < 0 ? Double.NaN : peakRssKiB / 1024.0;
        }
    }

    private ChildMeter() {
    }

    /** @return how peak RSS is measured on this machine (for the report header). */
    static String rssMethod() {
        return useGnuTime() ? "ru_maxrss of the child via /usr/bin/time -f %M"
                : "VmHWM of /proc/<pid>/status, polled every " + POLL_MS + " ms";
    }

    private static boolean useGnuTime() {
        return Files.isExecutable(GNU_TIME);
    }

    /**
     * Runs {@code command} and waits for it.
     *
     * @param stdin   file for standard input, or {@code null} for none
     * @param stdout  file for standard output, or {@code null} to discard it
     * @param scratch directory for the stderr and RSS files (deleted afterwards)
     * @param env     extra environment variables
     */
    static Measurement run(List<String> command, Path stdin, Path stdout, Path scratch, Map<String, String> env)
            throws IOException {
        Files.createDirectories(scratch);
        Path err = Files.createTempFile(scratch, "stderr-", ".txt");
        Path rss = Files.createTempFile(scratch, "rss-", ".txt");
        try {
            boolean gnu = useGnuTime();
            List<String> cmd = new ArrayList<>();
            if (gnu) {
                cmd.addAll(List.of(GNU_TIME.toString(), "-f", "%M %U %S", "-o", rss.toString()));
            }
            cmd.addAll(command);
            ProcessBuilder pb = new ProcessBuilder(cmd);
            pb.environment().putAll(env);
            pb.redirectInput(stdin == null ? ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())
                    : ProcessBuilder.Redirect.from(stdin.toFile()));
            pb.redirectOutput(stdout == null ? ProcessBuilder.Redirect.DISCARD : ProcessBuilder.Redirect.to(stdout.toFile()));
            pb.redirectError(err.toFile());
            long t0 = System.nanoTime();
            Process p = pb.start();
            long hwm = -1;
            long cpu = -1;
            if (!gnu) {
                Path status = Path.of("/proc", Long.toString(p.pid()), "status");
                while (!p.waitFor(POLL_MS, TimeUnit.MILLISECONDS)) {
                    long v = readVmHwm(status);
                    if (v >= 0) {
                        hwm = v;
                    }
                }
            }
            int code = p.waitFor();
            long wall = System.nanoTime() - t0;
            if (gnu) {
                long[] v = parseGnuTime(Files.readAllLines(rss, StandardCharsets.UTF_8));
                hwm = v[0];
                cpu = v[1];
            }
            return new Measurement(wall, hwm, cpu, code, tail(Files.readString(err, StandardCharsets.UTF_8)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for " + command.get(0), e);
        } finally {
            Files.deleteIfExists(err);
            Files.deleteIfExists(rss);
        }
    }

    /**
     * Parses the last {@code "%M %U %S"} line of GNU time's output file (earlier lines may say "Command exited
     * with non-zero status ...").
     *
     * @return {max RSS KiB, user + system CPU ns}, -1 for what is missing
     */
    static long[] parseGnuTime(List<String> lines) {
        for (int i = lines.size() - 1; i >= 0; i--) {
            String s = lines.get(i).trim();
            if (s.matches("\\d+( \\d+(\\.\\d+)? \\d+(\\.\\d+)?)?")) {
                String[] f = s.split(" ");
                long cpu = f.length == 3 ? Math.round((Double.parseDouble(f[1]) + Double.parseDouble(f[2])) * 1e9) : -1;
                return new long[] {Long.parseLong(f[0]), cpu};
            }
        }
        return new long[] {-1, -1};
    }

    private static long readVmHwm(Path status) {
        try {
            for (String line : Files.readAllLines(status, StandardCharsets.UTF_8)) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.substring(6).replace("kB", "").trim());
                }
            }
        } catch (IOException | RuntimeException e) {
            // process gone between polls
        }
        return -1;
    }

    private static String tail(String s) {
        String t = s.strip();
        return t.length() <= 2000 ? t : t.substring(t.length() - 2000);
    }
}
