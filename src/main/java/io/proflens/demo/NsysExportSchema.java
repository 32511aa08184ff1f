package io.proflens.demo;

import java.util.List;

/**
 * The subset of the Nsight Systems SQLite export schema (nsys 2024.6.2, export schema 3.16.1) that the
 * demo profile fills, plus the constant enum rows and the GPU description it copies.
 *
 * <p>The DDL is the text nsys itself writes (taken from {@code sqlite_master.sql} of a real 2024.6.2
 * export, comments included), so that {@code .schema} on a demo file looks like a real export and a
 * reader probing column names or order cannot tell the difference. {@code OSRT_API} is absent from that
 * export; its text comes from a real export with the identical 8-column layout (3.16.1 has no
 * {@code argumentsId}, which arrived in 2025.5.2).
 */
final class NsysExportSchema {
    private NsysExportSchema() {
    }

    static final String STRING_IDS = """
            CREATE TABLE StringIds (
                -- Consolidation of repetitive string values.

                id                          INTEGER   NOT NULL   PRIMARY KEY,      -- ID reference value.
                value                       TEXT      NOT NULL                     -- String value.
            )""";

    static final String META_DATA_EXPORT = """
            CREATE TABLE META_DATA_EXPORT (
                -- information about nsys export process

                name                        TEXT      NOT NULL,                    -- Name of meta-data record
                value                       TEXT                                   -- Value of meta-data record
            )""";

    static final String TARGET_INFO_SESSION_START_TIME = """
            CREATE TABLE TARGET_INFO_SESSION_START_TIME (
                utcEpochNs                  INTEGER,                               -- UTC Epoch timestamp at start of the capture (ns).
                utcTime                     TEXT,                                  -- Start of the capture in UTC.
                localTime                   TEXT                                   -- Start of the capture in local time of target.
            )""";

    static final String ANALYSIS_DETAILS = """
            CREATE TABLE ANALYSIS_DETAILS (
                -- Details about the analysis session.

                globalVid                   INTEGER   NOT NULL,                    -- Serialized GlobalId.
                duration                    INTEGER   NOT NULL,                    -- The total time span of the entire trace (ns).
                startTime                   INTEGER   NOT NULL,                    -- Trace start timestamp in nanoseconds.
                stopTime                    INTEGER   NOT NULL                     -- Trace stop timestamp in nanoseconds.
            )""";

    static final String TARGET_INFO_GPU = """
            CREATE TABLE TARGET_INFO_GPU (
                vmId                        INTEGER   NOT NULL,                    -- Serialized GlobalId.
                id                          INTEGER   NOT NULL,                    -- Device ID.
                name                        TEXT,                                  -- Device name.
                busLocation                 TEXT,                                  -- PCI bus location.
                isDiscrete                  INTEGER,                               -- True if discrete, false if integrated.
                l2CacheSize                 INTEGER,                               -- Size of L2 cache (B).
                totalMemory                 INTEGER,                               -- Total amount of memory on the device (B).
                memoryBandwidth             INTEGER,                               -- Amount of memory transferred (B).
                clockRate                   INTEGER,                               -- Clock frequency (Hz).
                smCount                     INTEGER,                               -- Number of multiprocessors on the device.
                pwGpuId                     INTEGER,                               -- PerfWorks GPU ID.
                uuid                        TEXT,                                  -- Device UUID.
                luid                        INTEGER,                               -- Device LUID.
                chipName                    TEXT,                                  -- Chip name.
                cuDevice                    INTEGER,                               -- CUDA device ID.
                ctxswDevPath                TEXT,                                  -- GPU context switch device node path.
                ctrlDevPath                 TEXT,                                  -- GPU control device node path.
                revision                    INTEGER,                               -- Revision number.
                nodeMask                    INTEGER,                               -- Device node mask.
                constantMemory              INTEGER,                               -- Memory available on device for __constant__ variables (B).
                maxIPC                      INTEGER,                               -- Maximum instructions per count.
                maxRegistersPerBlock        INTEGER,                               -- Maximum number of 32-bit registers available per block.
                maxShmemPerBlock            INTEGER,                               -- Maximum optin shared memory per block.
                maxShmemPerBlockOptin       INTEGER,                               -- Maximum optin shared memory per block.
                maxShmemPerSm               INTEGER,                               -- Maximum shared memory available per multiprocessor (B).
                maxRegistersPerSm           INTEGER,                               -- Maximum number of 32-bit registers available per multiprocessor.
                threadsPerWarp              INTEGER,                               -- Warp size in threads.
                asyncEngines                INTEGER,                               -- Number of asynchronous engines.
                maxWarpsPerSm               INTEGER,                               -- Maximum number of warps per multiprocessor.
                maxBlocksPerSm              INTEGER,                               -- Maximum number of blocks per multiprocessor.
                maxThreadsPerBlock          INTEGER,                               -- Maximum number of threads per block.
                maxBlockDimX                INTEGER,                               -- Maximum X-dimension of a block.
                maxBlockDimY                INTEGER,                               -- Maximum Y-dimension of a block.
                maxBlockDimZ                INTEGER,                               -- Maximum Z-dimension of a block.
                maxGridDimX                 INTEGER,                               -- Maximum X-dimension of a grid.
                maxGridDimY                 INTEGER,                               -- Maximum Y-dimension of a grid.
                maxGridDimZ                 INTEGER,                               -- Maximum Z-dimension of a grid.
                computeMajor                INTEGER,                               -- Major compute capability version number.
                computeMinor                INTEGER,                               -- Minor compute capability version number.
                smMajor                     INTEGER,                               -- Major multiprocessor version number.
                smMinor                     INTEGER                                -- Minor multiprocessor version number.
            )""";

    static final String PROCESSES = """
            CREATE TABLE PROCESSES (
                -- Names and identifiers of processes captured in the report.

                globalPid                   INTEGER,                               -- Serialized GlobalId.
                pid                         INTEGER,                               -- The process ID.
                name                        TEXT                                   -- The process name.
            )""";

    static final String THREAD_NAMES = """
            CREATE TABLE ThreadNames (
                nameId                      INTEGER   NOT NULL,                    -- REFERENCES StringIds(id) -- Thread name
                priority                    INTEGER,                               -- Priority of the thread.
                globalTid                   INTEGER                                -- Serialized GlobalId.
            )""";

    static final String ENUM_CUDA_MEMCPY_OPER = """
            CREATE TABLE ENUM_CUDA_MEMCPY_OPER (
                -- CUDA memcpy operation labels

                id                          INTEGER   NOT NULL   PRIMARY KEY,      -- Enum numerical value.
                name                        TEXT,                                  -- Enum symbol name.
                label                       TEXT                                   -- Enum human name.
            )""";

    static final String ENUM_CUDA_MEM_KIND = """
            CREATE TABLE ENUM_CUDA_MEM_KIND (
                -- CUDA memory kind labels

                id                          INTEGER   NOT NULL   PRIMARY KEY,      -- Enum numerical value.
                name                        TEXT,                                  -- Enum symbol name.
                label                       TEXT                                   -- Enum human name.
            )""";

    static final String CUPTI_ACTIVITY_KIND_KERNEL = """
            CREATE TABLE CUPTI_ACTIVITY_KIND_KERNEL (
                start                       INTEGER   NOT NULL,                    -- Event start timestamp (ns).
                end                         INTEGER   NOT NULL,                    -- Event end timestamp (ns).
                deviceId                    INTEGER   NOT NULL,                    -- Device ID.
                contextId                   INTEGER   NOT NULL,                    -- Context ID.
                greenContextId              INTEGER,                               -- Green context ID.
                streamId                    INTEGER   NOT NULL,                    -- Stream ID.
                correlationId               INTEGER,                               -- REFERENCES CUPTI_ACTIVITY_KIND_RUNTIME(correlationId)
                globalPid                   INTEGER,                               -- Serialized GlobalId.
                demangledName               INTEGER   NOT NULL,                    -- REFERENCES StringIds(id) -- Kernel function name w/ templates
                shortName                   INTEGER   NOT NULL,                    -- REFERENCES StringIds(id) -- Base kernel function name
                mangledName                 INTEGER,                               -- REFERENCES StringIds(id) -- Raw C++ mangled kernel function name
                launchType                  INTEGER,                               -- REFERENCES ENUM_CUDA_KERNEL_LAUNCH_TYPE(id)
                cacheConfig                 INTEGER,                               -- REFERENCES ENUM_CUDA_FUNC_CACHE_CONFIG(id)
                registersPerThread          INTEGER   NOT NULL,                    -- Number of registers required for each thread executing the kernel.
                gridX                       INTEGER   NOT NULL,                    -- X-dimension grid size.
                gridY                       INTEGER   NOT NULL,                    -- Y-dimension grid size.
                gridZ                       INTEGER   NOT NULL,                    -- Z-dimension grid size.
                blockX                      INTEGER   NOT NULL,                    -- X-dimension block size.
                blockY                      INTEGER   NOT NULL,                    -- Y-dimension block size.
                blockZ                      INTEGER   NOT NULL,                    -- Z-dimension block size.
                staticSharedMemory          INTEGER   NOT NULL,                    -- Static shared memory allocated for the kernel (B).
                dynamicSharedMemory         INTEGER   NOT NULL,                    -- Dynamic shared memory reserved for the kernel (B).
                localMemoryPerThread        INTEGER   NOT NULL,                    -- Amount of local memory reserved for each thread (B).
                localMemoryTotal            INTEGER   NOT NULL,                    -- Total amount of local memory reserved for the kernel (B).
                gridId                      INTEGER   NOT NULL,                    -- Unique grid ID of the kernel assigned at runtime.
                sharedMemoryExecuted        INTEGER,                               -- Shared memory size set by the driver.
                graphNodeId                 INTEGER,                               -- REFERENCES CUDA_GRAPH_NODE_EVENTS(graphNodeId)
                sharedMemoryLimitConfig     INTEGER                                -- REFERENCES ENUM_CUDA_SHARED_MEM_LIMIT_CONFIG(id)
            )""";

    static final String CUPTI_ACTIVITY_KIND_RUNTIME = """
            CREATE TABLE CUPTI_ACTIVITY_KIND_RUNTIME (
                start                       INTEGER   NOT NULL,                    -- Event start timestamp (ns).
                end                         INTEGER   NOT NULL,                    -- Event end timestamp (ns).
                eventClass                  INTEGER   NOT NULL,                    -- REFERENCES ENUM_NSYS_EVENT_CLASS(id)
                globalTid                   INTEGER,                               -- Serialized GlobalId.
                correlationId               INTEGER,                               -- ID used to identify events that this function call has triggered.
                nameId                      INTEGER   NOT NULL,                    -- REFERENCES StringIds(id) -- Function name
                returnValue                 INTEGER   NOT NULL,                    -- Return value of the function call.
                callchainId                 INTEGER                                -- REFERENCES CUDA_CALLCHAINS(id)
            )""";

    static final String CUPTI_ACTIVITY_KIND_MEMCPY = """
            CREATE TABLE CUPTI_ACTIVITY_KIND_MEMCPY (
                start                       INTEGER   NOT NULL,                    -- Event start timestamp (ns).
                end                         INTEGER   NOT NULL,                    -- Event end timestamp (ns).
                deviceId                    INTEGER   NOT NULL,                    -- Device ID.
                contextId                   INTEGER   NOT NULL,                    -- Context ID.
                greenContextId              INTEGER,                               -- Green context ID.
                streamId                    INTEGER   NOT NULL,                    -- Stream ID.
                correlationId               INTEGER,                               -- REFERENCES CUPTI_ACTIVITY_KIND_RUNTIME(correlationId)
                globalPid                   INTEGER,                               -- Serialized GlobalId.
                bytes                       INTEGER   NOT NULL,                    -- Number of bytes transferred (B).
                copyKind                    INTEGER   NOT NULL,                    -- REFERENCES ENUM_CUDA_MEMCPY_OPER(id)
                deprecatedSrcId             INTEGER,                               -- Deprecated, use srcDeviceId instead.
                srcKind                     INTEGER,                               -- REFERENCES ENUM_CUDA_MEM_KIND(id)
                dstKind                     INTEGER,                               -- REFERENCES ENUM_CUDA_MEM_KIND(id)
                srcDeviceId                 INTEGER,                               -- Source device ID.
                srcContextId                INTEGER,                               -- Source context ID.
                dstDeviceId                 INTEGER,                               -- Destination device ID.
                dstContextId                INTEGER,                               -- Destination context ID.
                migrationCause              INTEGER,                               -- REFERENCES ENUM_CUDA_UNIF_MEM_MIGRATION(id)
                graphNodeId                 INTEGER,                               -- REFERENCES CUDA_GRAPH_NODE_EVENTS(graphNodeId)
                virtualAddress              INTEGER                                -- Virtual base address of the page/s being transferred.
            )""";

    static final String CUPTI_ACTIVITY_KIND_MEMSET = """
            CREATE TABLE CUPTI_ACTIVITY_KIND_MEMSET (
                start                       INTEGER   NOT NULL,                    -- Event start timestamp (ns).
                end                         INTEGER   NOT NULL,                    -- Event end timestamp (ns).
                deviceId                    INTEGER   NOT NULL,                    -- Device ID.
                contextId                   INTEGER   NOT NULL,                    -- Context ID.
                greenContextId              INTEGER,                               -- Green context ID.
                streamId                    INTEGER   NOT NULL,                    -- Stream ID.
                correlationId               INTEGER,                               -- REFERENCES CUPTI_ACTIVITY_KIND_RUNTIME(correlationId)
                globalPid                   INTEGER,                               -- Serialized GlobalId.
                value                       INTEGER   NOT NULL,                    -- Value assigned to memory.
                bytes                       INTEGER   NOT NULL,                    -- Number of bytes set (B).
                graphNodeId                 INTEGER,                               -- REFERENCES CUDA_GRAPH_NODE_EVENTS(graphNodeId)
                memKind                     INTEGER                                -- REFERENCES ENUM_CUDA_MEM_KIND(id)
            )""";

    static final String CUPTI_ACTIVITY_KIND_SYNCHRONIZATION = """
            CREATE TABLE CUPTI_ACTIVITY_KIND_SYNCHRONIZATION (
                start                       INTEGER   NOT NULL,                    -- Event start timestamp (ns).
                end                         INTEGER   NOT NULL,                    -- Event end timestamp (ns).
                deviceId                    INTEGER   NOT NULL,                    -- Device ID.
                contextId                   INTEGER   NOT NULL,                    -- Context ID.
                greenContextId              INTEGER,                               -- Green context ID.
                streamId                    INTEGER   NOT NULL,                    -- Stream ID.
                correlationId               INTEGER,                               -- Correlation ID of the synchronization API to which this result is associated.
                globalPid                   INTEGER,                               -- Serialized GlobalId.
                syncType                    INTEGER   NOT NULL,                    -- REFERENCES ENUM_CUPTI_SYNC_TYPE(id)
                eventId                     INTEGER   NOT NULL                     -- Event ID for which the synchronization API is called.
            )""";

    static final String NVTX_EVENTS = """
            CREATE TABLE NVTX_EVENTS (
                start                       INTEGER   NOT NULL,                    -- Event start timestamp (ns).
                end                         INTEGER,                               -- Event end timestamp (ns).
                eventType                   INTEGER   NOT NULL,                    -- REFERENCES ENUM_NSYS_EVENT_TYPE(id)
                rangeId                     INTEGER,                               -- Correlation ID returned from a nvtxRangeStart call.
                category                    INTEGER,                               -- User-controlled ID that can be used to group events.
                color                       INTEGER,                               -- Encoded ARGB color value.
                text                        TEXT,                                  -- Explicit name/text (non-registered string)
                globalTid                   INTEGER,                               -- Serialized GlobalId.
                endGlobalTid                INTEGER,                               -- Serialized GlobalId.
                textId                      INTEGER,                               -- REFERENCES StringIds(id) -- Registered NVTX domain/string
                domainId                    INTEGER,                               -- User-controlled ID that can be used to group events.
                uint64Value                 INTEGER,                               -- One of possible payload value union members.
                int64Value                  INTEGER,                               -- One of possible payload value union members.
                doubleValue                 REAL,                                  -- One of possible payload value union members.
                uint32Value                 INTEGER,                               -- One of possible payload value union members.
                int32Value                  INTEGER,                               -- One of possible payload value union members.
                floatValue                  REAL,                                  -- One of possible payload value union members.
                jsonTextId                  INTEGER,                               -- One of possible payload value union members.
                jsonText                    TEXT,                                  -- One of possible payload value union members.
                binaryData                  TEXT                                   -- Binary payload. See docs for format.
            )""";

    static final String OSRT_API = """
            CREATE TABLE OSRT_API (
                -- OS runtime libraries traced to gather information about low-level userspace APIs.

                start                       INTEGER   NOT NULL,                    -- Event start timestamp (ns).
                end                         INTEGER   NOT NULL,                    -- Event end timestamp (ns).
                eventClass                  INTEGER   NOT NULL,                    -- REFERENCES ENUM_NSYS_EVENT_CLASS(id)
                globalTid                   INTEGER,                               -- Serialized GlobalId.
                nameId                      INTEGER   NOT NULL,                    -- REFERENCES StringIds(id) -- Function name
                returnValue                 INTEGER   NOT NULL,                    -- Return value of the function call.
                nestingLevel                INTEGER,                               -- Zero-base index of the nesting level.
                callchainId                 INTEGER   NOT NULL                     -- REFERENCES OSRT_CALLCHAINS(id)
            )""";

    /** Creation order; names exactly as nsys spells them. */
    static final List<String> CREATE_STATEMENTS = List.of(
            STRING_IDS,
            META_DATA_EXPORT,
            TARGET_INFO_SESSION_START_TIME,
            ANALYSIS_DETAILS,
            TARGET_INFO_GPU,
            PROCESSES,
            THREAD_NAMES,
            ENUM_CUDA_MEMCPY_OPER,
            ENUM_CUDA_MEM_KIND,
            CUPTI_ACTIVITY_KIND_KERNEL,
            CUPTI_ACTIVITY_KIND_RUNTIME,
            CUPTI_ACTIVITY_KIND_MEMCPY,
            CUPTI_ACTIVITY_KIND_MEMSET,
            CUPTI_ACTIVITY_KIND_SYNCHRONIZATION,
            NVTX_EVENTS,
            OSRT_API);

    /** {@code ENUM_CUDA_MEMCPY_OPER(id, name, label)}: all 14 rows, identical in every export since 2023.1. */
    static final List<EnumRow> MEMCPY_OPER = List.of(
            new EnumRow(0, "CUDA_MEMCPY_KIND_UNKNOWN", "Unknown"),
            new EnumRow(1, "CUDA_MEMCPY_KIND_HTOD", "Host-to-Device"),
            new EnumRow(2, "CUDA_MEMCPY_KIND_DTOH", "Device-to-Host"),
            new EnumRow(3, "CUDA_MEMCPY_KIND_HTOA", "Host-to-Array"),
            new EnumRow(4, "CUDA_MEMCPY_KIND_ATOH", "Array-to-Host"),
            new EnumRow(5, "CUDA_MEMCPY_KIND_ATOA", "Array-to-Array"),
            new EnumRow(6, "CUDA_MEMCPY_KIND_ATOD", "Array-to-Device"),
            new EnumRow(7, "CUDA_MEMCPY_KIND_DTOA", "Device-to-Array"),
            new EnumRow(8, "CUDA_MEMCPY_KIND_DTOD", "Device-to-Device"),
            new EnumRow(9, "CUDA_MEMCPY_KIND_HTOH", "Host-to-Host"),
            new EnumRow(10, "CUDA_MEMCPY_KIND_PTOP", "Peer-to-Peer"),
            new EnumRow(11, "CUDA_MEMCPY_KIND_UVM_HTOD", "Unified Host-to-Device"),
            new EnumRow(12, "CUDA_MEMCPY_KIND_UVM_DTOH", "Unified Device-to-Host"),
            new EnumRow(13, "CUDA_MEMCPY_KIND_UVM_DTOD", "Unified Device-to-Device"));

    /** {@code ENUM_CUDA_MEM_KIND(id, name, label)}: all 8 rows. */
    static final List<EnumRow> MEM_KIND = List.of(
            new EnumRow(0, "CUDA_MEMOPR_MEMORY_KIND_PAGEABLE", "Pageable"),
            new EnumRow(1, "CUDA_MEMOPR_MEMORY_KIND_PINNED", "Pinned"),
            new EnumRow(2, "CUDA_MEMOPR_MEMORY_KIND_DEVICE", "Device"),
            new EnumRow(3, "CUDA_MEMOPR_MEMORY_KIND_ARRAY", "Array"),
            new EnumRow(4, "CUDA_MEMOPR_MEMORY_KIND_MANAGED", "Managed"),
            new EnumRow(5, "CUDA_MEMOPR_MEMORY_KIND_DEVICE_STATIC", "Device Static"),
            new EnumRow(6, "CUDA_MEMOPR_MEMORY_KIND_MANAGED_STATIC", "Managed Static"),
            new EnumRow(7, "CUDA_MEMOPR_MEMORY_KIND_UNKNOWN", "Unknown"));

    /**
     * One {@code TARGET_INFO_GPU} row, in column order. Values are those of the first GPU row of the real
     * 2024.6.2 H100 export, except the device numbering ({@code id}, {@code pwGpuId}, {@code cuDevice} are 0
     * so they agree with {@code deviceId 0} in the activity tables) and {@code totalMemory}, which is the
     * H100 80GB HBM3 figure the demo specification asks for.
     */
    static final List<Object> GPU_ROW = List.of(
            DemoTimeline.GLOBAL_VID,        // vmId: serialized GlobalId, 1 << 48 as in every real export
            0,                              // id
            "NVIDIA H100 80GB HBM3",        // name
            "0000:d1:00.0",                 // busLocation
            1,                              // isDiscrete
            52_428_800L,                    // l2CacheSize (B)
            85_520_809_984L,                // totalMemory (B)
            3_352_320_000_000L,             // memoryBandwidth (B/s)
            1_980_000_000L,                 // clockRate (Hz)
            132,                            // smCount
            0,                              // pwGpuId
            "a8a99508-235c-1ac9-454c-6a98d38f97d4", // uuid
            0,                              // luid
            "GH100",                        // chipName
            0,                              // cuDevice
            "",                             // ctxswDevPath
            "",                             // ctrlDevPath
            161,                            // revision
            0,                              // nodeMask
            65_536,                         // constantMemory
            0,                              // maxIPC
            65_536,                         // maxRegistersPerBlock
            49_152,                         // maxShmemPerBlock
            232_448,                        // maxShmemPerBlockOptin
            233_472,                        // maxShmemPerSm
            65_536,                         // maxRegistersPerSm
            32,                             // threadsPerWarp
            3,                              // asyncEngines
            64,                             // maxWarpsPerSm
            32,                             // maxBlocksPerSm
            1_024,                          // maxThreadsPerBlock
            1_024,                          // maxBlockDimX
            1_024,                          // maxBlockDimY
            64,                             // maxBlockDimZ
            2_147_483_647,                  // maxGridDimX
            65_535,                         // maxGridDimY
            65_535,                         // maxGridDimZ
            9,                              // computeMajor
            0,                              // computeMinor
            9,                              // smMajor
            0);                             // smMinor

    /** A row of an {@code ENUM_*} table. */
    record EnumRow(int id, String name, String label) {
    }
}
