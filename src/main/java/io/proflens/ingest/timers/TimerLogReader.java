package io.proflens.ingest.timers;

import io.proflens.ingest.ImportException;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads in-code timer lines from a text log (training or inference stdout).
 *
 * <h2>Line kinds (tried in this order; the pattern may start anywhere in the line, after a timestamp or a log
 * prefix)</h2>
 * <ol>
 *   <li><b>benchmark</b>: {@code Average latency: 341.6 ms (±2.3 ms)} (also {@code +/-}, {@code +-}; the ± part and
 *       its unit are optional, the unit defaulting to the average's) → {@link BenchmarkLatency};</li>
 *   <li><b>phase</b>: {@code [BWD TIMER] backward_down: 193.885 ms (total: 193.885 ms)}: a bracketed label containing
 *       {@code TIMER} (any case), a name, a time, and an optional running total;</li>
 *   <li><b>group</b>: {@code [DOWN] D0_prepare+memset: 69.506 ms}: any other bracketed label, a name, a time;</li>
 *   <li><b>generic</b>: {@code name: value unit} (or {@code name = value unit}) as the whole line (after leading
 *       blanks), the name starting with a letter or {@code _}, so that ordinary prose with a number is not taken.</li>
 * </ol>
 * Names contain no {@code :}, {@code [} or {@code ]}. Units: {@code ns}, {@code us}/{@code µs}/{@code μs},
 * {@code ms}, {@code s}/{@code sec}; values are decimal numbers, converted to ns exactly and rounded half-up
 * (69.506 ms → 69,506,000 ns). Other lines are counted as ignored.
 *
 * <h2>Iterations</h2>
 * A log of several iterations repeats the same timers. A new iteration starts at a timer line whose key (kind,
 * label, name) already occurred in the current iteration; the first iteration is 1.
 *
 * <p>The reader keeps every timer line (a log has thousands, not millions); it is a pure function of the text, with
 * {@link #read(Path)} for files.
 */
public final class TimerLogReader {
    private static final String NUM = "([0-9]+(?:\\.[0-9]+)?(?:[eE][-+]?[0-9]+)?)";
    private static final String UNIT = "(ns|us|µs|μs|ms|sec|s)(?![A-Za-z])";
    private static final Pattern BENCH = Pattern.compile("(?i)average\\s+latency\\s*:\\s*" + NUM + "\\s*" + UNIT
            + "(?:\\s*\\(\\s*(?:±|\\+/-|\\+-)\\s*" + NUM + "\\s*(?:" + UNIT + ")?\\s*\\))?");
    private static final Pattern PHASE = Pattern.compile("\\[([^\\[\\]]*(?i:timer)[^\\[\\]]*)\\]\\s*([^:\\[\\]]+?)\\s*:\\s*"
            + NUM + "\\s*" + UNIT + "(?:\\s*\\(\\s*(?i:total)\\s*:\\s*" + NUM + "\\s*" + UNIT + "\\s*\\))?");
    private static final Pattern GROUP = Pattern.compile("\\[([^\\[\\]]+)\\]\\s*([^:\\[\\]]+?)\\s*:\\s*" + NUM + "\\s*" + UNIT);
    private static final Pattern GENERIC = Pattern.compile("^\\s*([A-Za-z_][^:=\\[\\]]*?)\\s*[:=]\\s*" + NUM + "\\s*" + UNIT
            + "\\s*$");

    private TimerLogReader() {
    }

    /**
     * Reads a log file (UTF-8).
     *
     * @param file the log
     * @return its timer lines
     * @throws ImportException (one line, naming the file) when it is missing, unreadable, not UTF-8 text or has no
     *                         timer and no benchmark line
     */
    public static TimerLog read(Path file) throws ImportException {
        String text;
        try {
            byte[] bytes = Files.readAllBytes(file);
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (NoSuchFileException e) {
            throw new ImportException(file, "no such file");
        } catch (CharacterCodingException e) {
            throw new ImportException(file, "not a UTF-8 text log");
        } catch (IOException e) {
            throw new ImportException(file, "cannot read: " + e.getMessage(), e);
        }
        TimerLog log = parse(text, file.toString());
        if (log.lines().isEmpty() && log.latencies().isEmpty()) {
            throw new ImportException(file, "no timer lines ('[GROUP] name: 1.0 ms', '[... TIMER] phase: 1.0 ms (total: "
                    + "1.0 ms)', 'name: 1.0 ms') and no 'Average latency: ... ms' line");
        }
        return log;
    }

    /**
     * Parses log text.
     *
     * @param text       the log
     * @param sourceName name for {@link TimerLog#source()}
     * @return the timer lines (possibly none); never throws on any text
     */
    public static TimerLog parse(String text, String sourceName) {
        List<TimerLine> lines = new ArrayList<>();
        List<BenchmarkLatency> latencies = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        int iteration = 1;
        int ignored = 0;
        String[] raw = text.split("\\R", -1);
        for (int i = 0; i < raw.length; i++) {
            String line = raw[i];
            int no = i + 1;
            Matcher m = BENCH.matcher(line);
            if (m.find()) {
                Long spread = m.group(3) == null ? null : ns(m.group(3), m.group(4) != null ? m.group(4) : m.group(2));
                latencies.add(new BenchmarkLatency(no, ns(m.group(1), m.group(2)), spread));
                continue;
            }
            TimerLine t = null;
            if ((m = PHASE.matcher(line)).find()) {
                t = new TimerLine(no, 0, TimerLine.Kind.PHASE, m.group(1).strip(), m.group(2).strip(),
                        ns(m.group(3), m.group(4)), m.group(5) == null ? null : ns(m.group(5), m.group(6)));
            } else if ((m = GROUP.matcher(line)).find()) {
                t = new TimerLine(no, 0, TimerLine.Kind.GROUP, m.group(1).strip(), m.group(2).strip(),
                        ns(m.group(3), m.group(4)), null);
            } else if ((m = GENERIC.matcher(line)).find()) {
                t = new TimerLine(no, 0, TimerLine.Kind.GENERIC, null, m.group(1).strip(), ns(m.group(2), m.group(3)), null);
            }
            if (t == null) {
                if (!line.isBlank()) {
                    ignored++;
                }
                continue;
            }
            String key = t.kind() + "\u0000" + t.label() + "\u0000" + t.name();
            if (!seen.add(key)) {
                iteration++;
                seen.clear();
                seen.add(key);
            }
            lines.add(new TimerLine(t.lineNumber(), iteration, t.kind(), t.label(), t.name(), t.valueNs(),
                    t.reportedTotalNs()));
        }
        return new TimerLog(sourceName, lines, lines.isEmpty() ? 0 : iteration, latencies, ignored);
    }

    /** {@code value unit} → ns, exact decimal, half-up. */
    static long ns(String value, String unit) {
        BigDecimal v = new BigDecimal(value);
        int shift;
        switch (unit.toLowerCase(Locale.ROOT)) {
            case "ns": shift = 0; break;
            case "us":
            case "µs":
            case "μs": shift = 3; break;
            case "ms": shift = 6; break;
            default: shift = 9; break; // s, sec
        }
        return v.movePointRight(shift).setScale(0, RoundingMode.HALF_UP).longValueExact();
    }
}
