package io.proflens.analysis.gputime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import io.proflens.TestData;
import io.proflens.analysis.gputime.GpuUtilization.Chunk;
import io.proflens.analysis.gputime.GpuUtilization.Device;
import io.proflens.analysis.gputime.GpuUtilization.Stream;
import io.proflens.analysis.gputime.IdleAttribution.CategoryIdle;
import io.proflens.analysis.gputime.IdleAttribution.StreamIdle;
import io.proflens.model.GlobalIds;
import io.proflens.model.IntervalTable;
import io.proflens.model.KernelTable;
import io.proflens.model.MemcpyTable;
import io.proflens.model.MemsetTable;
import io.proflens.model.Trace;
import io.proflens.model.interval.Intervals;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Invariants of the four GPU-time analyses on every corpus file (all nsys exports and Kineto traces): busy ≤ span,
 * idle = span − busy ≥ 0, idle categories add up to the stream's idle time (which is the stream's span − busy),
 * gaps lie between operations and add up to the device's idle time, overlap ≤ communication.
 */
class GpuTimeCorpusTest {

    static List<Path> corpus() {
        List<Path> all = new ArrayList<>(TestData.allNsysExports());
        try (java.util.stream.Stream<Path> s = Files.walk(TestData.root().resolve("kineto"))) {
            all.addAll(s.filter(p -> p.toString().endsWith(".json.gz")).sorted().collect(Collectors.toList()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return all;
    }

    @ParameterizedTest
    @MethodSource("corpus")
    void invariantsHold(Path file) {
        Trace t = TestData.load(file);
        String f = file.getFileName().toString();
        Map<List<Integer>, Intervals> byDevice = independentDeviceOps(t);

        GpuUtilization u = GpuUtilization.of(t);
        long totalOps = 0;
        assertThat(u.devices()).as(f).hasSize(byDevice.size());
        for (Device d : u.devices()) {
            String w = f + " pid " + d.pid() + " dev " + d.deviceId();
            long[] union = byDevice.get(List.of(d.pid(), d.deviceId())).union();
            assertThat(d.busyNs()).as(w).isEqualTo(Intervals.length(union));
            assertThat(d.busyNs()).as(w).isBetween(0L, d.spanNs());
            assertThat(d.idleNs()).as(w).isEqualTo(d.spanNs() - d.busyNs()).isNotNegative();
            assertThat(d.utilizationPct()).as(w).isBetween(0.0, 100.0);
            totalOps += d.ops();
            double busyFromChunks = 0;
            for (Chunk c : d.chunkSeries()) {
                assertThat(c.busyPct()).as(w).isBetween(0.0, 100.0 + 1e-9);
                assertThat(c.inUsePct()).as(w).isGreaterThanOrEqualTo(c.busyPct() - 1e-9);
                busyFromChunks += c.busyPct() / 100 * (c.endNs() - c.startNs());
            }
            if (!d.chunkSeries().isEmpty()) {
                assertThat(busyFromChunks).as(w).isCloseTo(d.busyNs(), offset(1e-6 * d.busyNs() + 1e-3));
                assertThat(d.chunkSeries().get(0).startNs()).isEqualTo(d.firstStartNs());
                assertThat(d.chunkSeries().get(d.chunkSeries().size() - 1).endNs()).isEqualTo(d.lastEndNs());
            }
        }
        long streamOps = 0;
        for (Stream s : u.streams()) {
            String w = f + " stream " + s.streamId();
            assertThat(s.busyNs()).as(w).isBetween(0L, s.spanNs());
            assertThat(s.idleNs()).as(w).isEqualTo(s.spanNs() - s.busyNs()).isNotNegative();
            streamOps += s.ops();
            Device d = u.devices().stream().filter(x -> x.pid() == s.pid() && x.deviceId() == s.deviceId())
                    .findFirst().orElseThrow();
            assertThat(s.busyNs()).as(w).isLessThanOrEqualTo(d.busyNs());
        }
        assertThat(streamOps).as(f).isEqualTo(totalOps);
        assertThat(u.toTables()).hasSize(2);

        IdleAttribution idle = IdleAttribution.of(t);
        assertThat(idle.streams()).as(f).hasSameSizeAs(u.streams());
        for (int i = 0; i < idle.streams().size(); i++) {
            StreamIdle si = idle.streams().get(i);
            Stream s = u.streams().get(i);
            String w = f + " stream " + si.streamId();
            assertThat(List.of(si.pid(), si.deviceId(), si.streamId())).isEqualTo(List.of(s.pid(), s.deviceId(), s.streamId()));
            assertThat(si.idleNs()).as(w).isEqualTo(s.idleNs());
            assertThat(si.categories().stream().mapToLong(CategoryIdle::idleNs).sum()).as(w).isEqualTo(si.idleNs());
            assertThat(si.categories().stream().mapToLong(CategoryIdle::count).sum()).as(w).isEqualTo(si.ops() - 1);
            for (CategoryIdle c : si.categories()) {
                assertThat(c.idleNs()).as(w).isNotNegative();
                if (c.count() > 0) {
                    assertThat(c.minNs()).as(w).isNotNegative().isLessThanOrEqualTo(c.maxNs());
                }
            }
        }
        assertThat(idle.toTable().size()).isEqualTo(3 * idle.streams().size());

        GpuGaps gaps = GpuGaps.of(t, 0);
        Map<List<Integer>, List<GpuGaps.Gap>> gapsByDevice = new TreeMap<>(GpuTimeCorpusTest::compareKeys);
        for (GpuGaps.Gap g : gaps.gaps()) {
            assertThat(g.durationNs()).isPositive();
            gapsByDevice.computeIfAbsent(List.of(g.pid(), g.deviceId()), k -> new ArrayList<>()).add(g);
        }
        for (GpuGaps.DeviceGaps dg : gaps.devices()) {
            Device d = u.devices().stream().filter(x -> x.pid() == dg.pid() && x.deviceId() == dg.deviceId())
                    .findFirst().orElseThrow();
            // a zero-length op can split a hole in two, but the total is the device's idle time
            assertThat(dg.totalGapNs()).as(f + " dev " + dg.deviceId()).isEqualTo(d.idleNs());
            List<GpuGaps.Gap> list = gapsByDevice.getOrDefault(List.of(dg.pid(), dg.deviceId()), List.of());
            Intervals gi = new Intervals(list.size());
            for (GpuGaps.Gap g : list) {
                gi.add(g.startNs(), g.endNs());
                assertThat(g.startNs()).isGreaterThanOrEqualTo(d.firstStartNs());
                assertThat(g.endNs()).isLessThanOrEqualTo(d.lastEndNs());
            }
            long[] union = byDevice.get(List.of(dg.pid(), dg.deviceId())).union();
            assertThat(Intervals.overlap(gi.union(), union)).as(f + " gaps overlap ops").isZero();
        }
        assertThat(gaps.totalGapNs()).isEqualTo(gaps.devices().stream().mapToLong(GpuGaps.DeviceGaps::totalGapNs).sum());

        CommOverlap co = CommOverlap.of(t, CommOverlapTest.builtInComm(t));
        for (CommOverlap.Rank r : co.ranks()) {
            String w = f + " rank pid " + r.pid();
            assertThat(r.overlapNs()).as(w).isBetween(0L, Math.min(r.communicationNs(), r.computationNs()));
            assertThat(r.exposedCommNs()).as(w).isEqualTo(r.communicationNs() - r.overlapNs());
            if (r.communicationNs() == 0) {
                assertThat(r.overlapPct()).as(w).isNaN();
            } else {
                assertThat(r.overlapPct()).as(w).isBetween(0.0, 100.0);
            }
        }
        assertThat(co.toTable().size()).isEqualTo(co.ranks().size());
    }

    private static int compareKeys(List<Integer> a, List<Integer> b) {
        int c = Integer.compare(a.get(0), b.get(0));
        return c != 0 ? c : Integer.compare(a.get(1), b.get(1));
    }

    /** GPU ops per (pid, device), collected here straight from the tables (same op definition: end known, start > 0). */
    private static Map<List<Integer>, Intervals> independentDeviceOps(Trace t) {
        Map<List<Integer>, Intervals> m = new TreeMap<>(GpuTimeCorpusTest::compareKeys);
        KernelTable k = t.kernels();
        for (int i = 0; i < k.size(); i++) {
            add(m, k, i, k.globalPid(i), k.deviceId(i));
        }
        MemcpyTable c = t.memcpys();
        for (int i = 0; i < c.size(); i++) {
            add(m, c, i, c.globalPid(i), c.deviceId(i));
        }
        MemsetTable s = t.memsets();
        for (int i = 0; i < s.size(); i++) {
            add(m, s, i, s.globalPid(i), s.deviceId(i));
        }
        return m;
    }

    private static void add(Map<List<Integer>, Intervals> m, IntervalTable tab, int i, long globalPid, int device) {
        if (tab.hasEnd(i) && tab.startNs(i) > 0) {
            m.computeIfAbsent(List.of(GlobalIds.pid(globalPid), device), x -> new Intervals())
                    .add(tab.startNs(i), tab.endNs(i));
        }
    }
}
