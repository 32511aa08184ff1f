package io.proflens.model.ncu;

import java.util.Objects;

/**
 * One of Nsight Compute's own rule results for a kernel (a details-page row with "Rule Name" filled and empty metric
 * fields), e.g. {@code TheoreticalOccupancy}: "This kernel's theoretical occupancy (16.7%) is limited by the number of
 * required registers."
 *
 * @param section            the section the rule belongs to ("Occupancy", "SpeedOfLight"), never null
 * @param name               rule name ("SOLBottleneck", "TheoreticalOccupancy"), never null
 * @param type               rule type as printed ("OPT", "INF", "WRN"), {@code ""} when absent
 * @param description        the rule's message, never null
 * @param speedupType        "global", "local" or {@code ""}
 * @param estimatedSpeedupPct ncu's estimated speedup in percent, NaN when not given
 */
public record NcuRuleResult(String section, String name, String type, String description, String speedupType,
                            double estimatedSpeedupPct) {
    public NcuRuleResult {
        Objects.requireNonNull(section);
        Objects.requireNonNull(name);
        Objects.requireNonNull(type);
        Objects.requireNonNull(description);
        Objects.requireNonNull(speedupType);
    }
}
