package io.proflens.model;

/**
 * A GPU of the capture. Only {@code id} is always known; the rest is {@code null} when the source does
 * not say (sliced nsys exports have no GPU table at all; Kineto gives {@code deviceProperties}).
 *
 * @param id              device id as used by the event tables ({@code deviceId})
 * @param name            marketing name, e.g. "NVIDIA H100 80GB HBM3"
 * @param smCount         number of SMs
 * @param computeMajor    compute capability major
 * @param computeMinor    compute capability minor
 * @param totalMemoryBytes device memory, bytes
 * @param memoryBandwidthBytesPerSec peak memory bandwidth, bytes/s
 * @param clockRateHz     SM clock, Hz
 * @param busLocation     PCI bus location
 */
public record GpuDevice(int id, String name, Integer smCount, Integer computeMajor, Integer computeMinor,
                        Long totalMemoryBytes, Long memoryBandwidthBytesPerSec, Long clockRateHz,
                        String busLocation) implements java.io.Serializable {
}
