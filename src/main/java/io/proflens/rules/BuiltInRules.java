package io.proflens.rules;

import java.util.List;

/**
 * The code list of built-in rules (CONVENTIONS habit 6: one authoritative list, guarded by a test). Each call
 * returns new instances; rules are stateless.
 */
final class BuiltInRules {
    private BuiltInRules() {
    }

    static List<Rule> all() {
        return List.of(
                new io.proflens.rules.gpu.LowUtilizationRule(),
                new io.proflens.rules.gpu.IdleGapsRule(),
                new io.proflens.rules.gpu.HostBoundLaunchRule(),
                new io.proflens.rules.kernels.FusionCandidatesRule(),
                new io.proflens.rules.kernels.GemmShareRule(),
                new io.proflens.rules.comm.ExposedCommunicationRule(),
                new io.proflens.rules.comm.MoeDispatchCombineRule(),
                new io.proflens.rules.phases.IterationGapRule(),
                new io.proflens.rules.phases.PhaseImbalanceRule(),
                new io.proflens.rules.phases.WarmupOutliersRule(),
                new io.proflens.rules.ranks.LoadImbalanceRule(),
                new io.proflens.rules.memcpy.SmallTransfersRule(),
                new io.proflens.rules.memcpy.PageableMemcpyRule(),
                new io.proflens.rules.api.MemcpyApiShareRule(),
                new io.proflens.rules.api.SyncShareRule(),
                new io.proflens.rules.host.ThreadPoolIdleRule(),
                new io.proflens.rules.ncu.OccupancyBelowTheoreticalRule(),
                new io.proflens.rules.ncu.LowOccupancyRule(),
                new io.proflens.rules.ncu.PartialWaveRule(),
                new io.proflens.rules.ncu.LatencyBoundRule(),
                new io.proflens.rules.ncu.ThroughputBalanceRule(),
                new io.proflens.rules.ncu.RegisterPressureRule(),
                new io.proflens.rules.ncu.SharedMemoryLimitRule());
    }
}
