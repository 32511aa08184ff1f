package io.proflens.ingest.ncu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.proflens.TestData;
import io.proflens.ingest.ImportException;
import io.proflens.model.ncu.Dim3;
import io.proflens.model.ncu.NcuKernel;
import io.proflens.model.ncu.NcuMetric;
import io.proflens.model.ncu.NcuReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ncu CSV reader on the real RTX 5090 exports and on generated pages (../shared/docs/nsys-reference.md §10). */
class NcuCsvReaderTest {
    @TempDir
    Path tmp;

    /** Base units every printed unit of the real files must map to, by printed unit (reference §10 list). */
    private static final Map<String, String> BASE = Map.ofEntries(Map.entry("Mbyte", "byte"), Map.entry("byte", "byte"),
            Map.entry("Gbyte/s", "byte/s"), Map.entry("%", "%"), Map.entry("us", "ns"), Map.entry("Ghz", "Hz"),
            Map.entry("cycle", "cycle"), Map.entry("warp", "warp"), Map.entry("block", "block"),
            Map.entry("cluster", "cluster"), Map.entry("inst", "inst"), Map.entry("inst/cycle", "inst/cycle"),
            Map.entry("byte/cycle", "byte/cycle"), Map.entry("", ""));
    private static final Map<String, Double> SCALE = Map.of("Mbyte", 1e6, "Gbyte/s", 1e9, "us", 1e3, "Ghz", 1e9);

    @Test
    void everyMetricRowOfEveryRealFileIsKeptWithItsUnit() throws Exception {
        NcuReport all = NcuCsvReader.read(NcuCsvFixtures.real(""));
        assertThat(all.kernels()).hasSize(2);
        int rows = 0;
        for (Path f : NcuCsvFixtures.real("")) {
            List<List<String>> csv = TestData.parseCsv(Files.readString(f));
            List<String> h = csv.get(0);
            for (List<String> r : csv.subList(1, csv.size())) {
                String metricName = r.get(h.indexOf("Metric Name"));
                if (metricName.isEmpty()) {
                    continue;
                }
                rows++;
                String pid = r.get(h.indexOf("Process ID"));
                NcuKernel k = all.kernels().stream().filter(x -> String.valueOf(x.processId()).equals(pid)).findFirst()
                        .orElseThrow();
                String label = h.contains("Body Item Label") ? r.get(h.indexOf("Body Item Label")) : "";
                String section = r.get(h.indexOf("Section Name"));
                String unit = r.get(h.indexOf("Metric Unit"));
                String text = r.get(h.indexOf("Metric Value"));
                NcuMetric m = k.metrics().stream().filter(x -> x.section().equals(section) && x.label().equals(label)
                        && x.name().equals(metricName)).findFirst().orElseThrow(() -> new AssertionError(metricName));
                assertThat(m.unit()).isEqualTo(unit);
                assertThat(m.text()).isEqualTo(text);
                assertThat(m.baseUnit()).as(unit).isEqualTo(BASE.get(unit));
                if (text.equals("n/a")) {
                    assertThat(m.numeric()).isFalse();
                } else {
                    double expected = Double.parseDouble(text.replace(",", "")) * SCALE.getOrDefault(unit, 1.0);
                    assertThat(m.value()).as(metricName).isCloseTo(expected, within(Math.abs(expected) * 1e-12));
                }
            }
        }
        assertThat(rows).isGreaterThan(200);
        assertThat(all.issues()).isEmpty();
    }

    @Test
    void detailsPageOfKernelOneReadsLikeTheFile() throws Exception {
        NcuReport r = NcuCsvReader.read(NcuCsvFixtures.realDetails(1));
        NcuKernel k = r.kernels().get(0);
        assertThat(k.id()).isZero();
        assertThat(k.processId()).isEqualTo(1_740_670);
        assertThat(k.name()).startsWith("enable_if<!T7, void>::type kernel<int, int, __nv_bfloat16").contains(", 7, 0,");
        assertThat(k.blockSize()).isEqualTo(new Dim3(32, 4, 1));
        assertThat(k.gridSize()).isEqualTo(new Dim3(224, 1, 1));
        assertThat(k.computeCapability()).isEqualTo("12.0");
        // the file has 44 metric rows and 4 rule rows (48 lines after the header)
        assertThat(k.metrics()).hasSize(44);
        assertThat(k.rules()).extracting(x -> x.name()).containsExactly("SOLBottleneck", "SOLFPRoofline",
                "IssueSlotUtilization", "TheoreticalOccupancy");
        assertThat(k.rules().get(2).estimatedSpeedupPct()).isEqualTo(80.34);
        assertThat(k.durationNs()).isCloseTo(6750, within(1e-6));
        assertThat(k.computeThroughputPct()).isEqualTo(9.15);
        assertThat(k.memoryThroughputPct()).isEqualTo(19.66);
        assertThat(k.memoryBandwidthBytesPerSec()).isCloseTo(345.14e9, within(1.0));
        assertThat(k.achievedOccupancyPct()).isEqualTo(11.32);
        assertThat(k.theoreticalOccupancyPct()).isEqualTo(16.67);
        assertThat(k.blockLimitRegisters()).isEqualTo(2);
        assertThat(k.smFrequencyHz()).isCloseTo(1.99e9, within(1.0));
        assertThat(k.metric("GPU Speed Of Light Throughput / SM Active Cycles").orElseThrow().value())
                .isEqualTo(9495.42);
        assertThat(k.metric("Command line profiler metrics / flop_count_hp.sum").orElseThrow().text()).isEqualTo("n/a");
        assertThat(k.gridBlocks()).isEqualTo(224);
        assertThat(k.blockThreads()).isEqualTo(128);
        assertThat(k.registersPerThread()).isNaN(); // Launch Statistics was not collected
    }

    @Test
    void sectionFilesOfOneRunMergeIntoOneKernelWithTheUnionOfTheirMetrics() throws Exception {
        List<Path> files = NcuCsvFixtures.real("kernel_0002");
        assertThat(files).hasSize(7);
        NcuReport r = NcuCsvReader.read(files);
        assertThat(r.kernels()).hasSize(1);
        NcuKernel k = r.kernels().get(0);
        assertThat(k.sources()).hasSize(7);
        // distinct (section, label, metric) over the 7 files, counted independently
        Set<String> keys = new HashSet<>();
        for (Path f : files) {
            List<List<String>> csv = TestData.parseCsv(Files.readString(f));
            List<String> h = csv.get(0);
            for (List<String> row : csv.subList(1, csv.size())) {
                if (!row.get(h.indexOf("Metric Name")).isEmpty()) {
                    keys.add(row.get(h.indexOf("Section Name")) + "|"
                            + (h.contains("Body Item Label") ? row.get(h.indexOf("Body Item Label")) : "") + "|"
                            + row.get(h.indexOf("Metric Name")));
                }
            }
        }
        assertThat(k.metrics()).hasSize(keys.size());
        assertThat(r.issues()).isEmpty();
        assertThat(k.achievedOccupancyPct()).isEqualTo(15.23);
        assertThat(k.metric("Single Precision Achieved Value", "DRAM Bandwidth").orElseThrow().value())
                .isCloseTo(958.09e9, within(1.0));
    }

    @Test
    void kernelsOfTwoRunsAreOrderedByProcessThenId() throws Exception {
        NcuReport r = NcuCsvReader.read(List.of(NcuCsvFixtures.realDetails(2), NcuCsvFixtures.realDetails(1)));
        assertThat(r.kernels()).extracting(NcuKernel::processId).containsExactly(1_740_670L, 1_741_191L);
        assertThat(r.kernels().get(1).name()).contains(", 6, 0,");
        assertThat(r.sources()).hasSize(2);
    }

    @Test
    void rawPageWithUnitsRowAndOldUnitNames() throws Exception {
        Path f = tmp.resolve("raw.csv");
        Files.writeString(f, """
                ==PROF== Connected to process 77
                "ID","Process ID","Process Name","Host Name","Kernel Name","Kernel Time","Context","Stream","gpu__time_duration.sum","launch__registers_per_thread","launch__shared_mem_per_block_static","sm__warps_active.avg.pct_of_peak_sustained_active","dram__bytes.sum.per_second","l1tex__t_bytes.sum","launch__grid_size"
                "","","","","","","","","nsecond","register/thread","Kbyte/block","%","Gbyte/second","Kbyte",""
                "0","77","a.out","h","k1","2024-Jan-01 00:00:00","1","7","1,536","40","12.29","45.5","1.20","3,000","1,024"
                "1","77","a.out","h","k2","2024-Jan-01 00:00:01","1","7","2.50","255","0","n/a","0.5","1","8"
                """);
        NcuReport r = NcuCsvReader.read(f);
        assertThat(r.kernels()).extracting(NcuKernel::name).containsExactly("k1", "k2");
        NcuKernel k = r.kernels().get(0);
        assertThat(k.durationNs()).isEqualTo(1536);
        assertThat(k.registersPerThread()).isEqualTo(40);
        assertThat(k.staticSharedMemoryPerBlockBytes()).isCloseTo(12290, within(1e-6));
        assertThat(k.metric("launch__shared_mem_per_block_static").orElseThrow().baseUnit()).isEqualTo("byte/block");
        assertThat(k.achievedOccupancyPct()).isEqualTo(45.5);
        assertThat(k.memoryBandwidthBytesPerSec()).isCloseTo(1.2e9, within(1e-3));
        NcuMetric unknown = k.metric("l1tex__t_bytes.sum").orElseThrow();
        assertThat(unknown.value()).isEqualTo(3e6);
        assertThat(unknown.unit()).isEqualTo("Kbyte");
        assertThat(k.gridBlocks()).isEqualTo(1024);
        assertThat(r.kernels().get(1).achievedOccupancyPct()).isNaN();
        assertThat(r.kernels().get(1).metrics()).hasSize(7);
    }

    @Test
    void olderDetailsPageWithoutRuleAndLaunchColumns() throws Exception {
        Path f = tmp.resolve("old.csv");
        Files.writeString(f, """
                "ID","Process ID","Process Name","Host Name","Kernel Name","Context","Stream","Section Name","Metric Name","Metric Unit","Metric Value"
                "0","9","p","h","kern","1","7","GPU Speed Of Light","Duration","msecond","1.25"
                "0","9","p","h","kern","1","7","GPU Speed Of Light","SM Frequency","cycle/usecond","1,410.00"
                "0","9","p","h","kern","1","7","Memory Workload Analysis","Memory Throughput","Tbyte/second","1.10"
                """);
        NcuKernel k = NcuCsvReader.read(f).kernels().get(0);
        assertThat(k.blockSize()).isNull();
        assertThat(k.gridBlocks()).isNaN();
        assertThat(k.durationNs()).isEqualTo(1.25e6);
        assertThat(k.smFrequencyHz()).isCloseTo(1.41e9, within(1e-3));
        assertThat(k.memoryBandwidthBytesPerSec()).isCloseTo(1.1e12, within(1.0));
        assertThat(k.rules()).isEmpty();
    }

    @Test
    void conflictingValuesAcrossFilesAreCountedNotSilentlyMerged() throws Exception {
        Path a = tmp.resolve("a.csv");
        Path b = tmp.resolve("b.csv");
        String head = "\"ID\",\"Process ID\",\"Kernel Name\",\"Section Name\",\"Metric Name\",\"Metric Unit\",\"Metric Value\"\n";
        Files.writeString(a, head + "\"0\",\"1\",\"k\",\"S\",\"Duration\",\"us\",\"1.00\"\n");
        Files.writeString(b, head + "\"0\",\"1\",\"k\",\"S\",\"Duration\",\"us\",\"2.00\"\n");
        NcuReport r = NcuCsvReader.read(List.of(a, b));
        assertThat(r.kernels().get(0).durationNs()).isEqualTo(1000);
        assertThat(r.issues()).singleElement().satisfies(i -> {
            assertThat(i.code()).isEqualTo("ncu.conflicting_metric");
            assertThat(i.count()).isEqualTo(1);
        });
    }

    @Test
    void unusableFilesFailWithOneLineNamingTheFile() throws Exception {
        Path notNcu = tmp.resolve("stats.csv");
        Files.writeString(notNcu, "Time (%),Total Time (ns),Name\n1.0,5,k\n");
        assertThatThrownBy(() -> NcuCsvReader.read(notNcu)).isInstanceOf(ImportException.class)
                .hasMessageStartingWith(notNcu.toString()).hasMessageContaining("not an Nsight Compute CSV")
                .hasMessageNotContaining("\n");
        Path missing = tmp.resolve("missing.csv");
        assertThatThrownBy(() -> NcuCsvReader.read(missing)).isInstanceOf(ImportException.class)
                .hasMessageStartingWith(missing.toString());
        Path empty = tmp.resolve("empty.csv");
        Files.writeString(empty, NcuCsvFixtures.HEADER + "\n");
        assertThatThrownBy(() -> NcuCsvReader.read(empty)).hasMessageContaining("no kernel rows");
    }

    @Test
    void unitsNormaliseToBaseUnits() {
        assertThat(NcuUnits.normalize("usecond", 31.65)).isEqualTo(new NcuUnits.Normalized(31.65 * 1e3, "ns"));
        assertThat(NcuUnits.normalize("Kbyte/block", 13.82).value()).isCloseTo(13820, within(1e-9));
        assertThat(NcuUnits.normalize("KiB", 2).value()).isEqualTo(2048);
        assertThat(NcuUnits.normalize("Gbyte/second", 2)).isEqualTo(new NcuUnits.Normalized(2e9, "byte/s"));
        assertThat(NcuUnits.normalize("cycle/nsecond", 1.5)).isEqualTo(new NcuUnits.Normalized(1.5e9, "Hz"));
        assertThat(NcuUnits.normalize("Mhz", 1500).value()).isEqualTo(1.5e9);
        assertThat(NcuUnits.normalize("Kinst", 3)).isEqualTo(new NcuUnits.Normalized(3000, "inst"));
        assertThat(NcuUnits.normalize("SM", 170)).isEqualTo(new NcuUnits.Normalized(170, "SM"));
        assertThat(NcuUnits.normalize("register/thread", 82)).isEqualTo(new NcuUnits.Normalized(82, "register/thread"));
        assertThat(NcuUnits.parseNumber("21,760")).isEqualTo(21760);
        assertThat(NcuUnits.parseNumber("9,495.42")).isEqualTo(9495.42);
        assertThat(NcuUnits.parseNumber("0,5")).isEqualTo(0.5);
        assertThat(NcuUnits.parseNumber("n/a")).isNaN();
        assertThat(NcuUnits.parseNumber("(32, 4, 1)")).isNaN();
    }
}
